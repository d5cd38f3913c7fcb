import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config';
import type { PhoneKeys } from './phone-crypto';

interface StoredKeys {
  phoneEncryptionKey: string;
  phoneHashKey: string;
}

/**
 * Keys for a local (sandbox) installation: read from `<dataDir>/local-keys.json`, created with fresh random
 * keys (mode 0600) on first start. Live installations pass keys through the environment instead.
 */
export function loadOrCreateLocalKeys(dataDir: string): PhoneKeys {
  const file = path.join(dataDir, 'local-keys.json');
  let stored: StoredKeys;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKeys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dataDir, { recursive: true });
    stored = { phoneEncryptionKey: randomBytes(32).toString('base64'), phoneHashKey: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  }
  return phoneKeysFromBase64(stored.phoneEncryptionKey, stored.phoneHashKey);
}

export function phoneKeysFromBase64(encryptionKey: string, hashKey: string): PhoneKeys {
  const keys = { encryptionKey: Buffer.from(encryptionKey, 'base64'), hashKey: Buffer.from(hashKey, 'base64') };
  if (keys.encryptionKey.length !== 32 || keys.hashKey.length !== 32) throw new Error('phone keys must be 32 bytes each');
  return keys;
}

/** The configured phone keys (required in live mode), else this installation's local keys in `dataDir`. */
export function phoneKeysFor(config: Pick<AppConfig, 'phoneEncryptionKey' | 'phoneHashKey'>, dataDir: string): PhoneKeys {
  return config.phoneEncryptionKey && config.phoneHashKey
    ? phoneKeysFromBase64(config.phoneEncryptionKey, config.phoneHashKey)
    : loadOrCreateLocalKeys(dataDir);
}
