import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const KEYS_FILE = 'sandbox-keys.json';

const keyPairSchema = z.object({
  serialNo: z.string().min(1),
  privateKey: z.string().includes('PRIVATE KEY'),
  publicKey: z.string().includes('PUBLIC KEY'),
});

const sandboxKeysSchema = z.object({
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  mchId: z.string().min(1),
  apiV3Key: z.string().length(32),
  /** The merchant API key pair: the server signs requests with it, the sandbox checks them. */
  merchant: keyPairSchema,
  /** The platform key pair: the sandbox signs responses and notifications with it, the server checks them. */
  platform: keyPairSchema,
});

export type SandboxKeys = z.infer<typeof sandboxKeysSchema>;
export type SandboxKeyPair = SandboxKeys['merchant'];

/**
 * The identities and keys the local WeChat stand-in and the server share. Generated once per data folder so that
 * restarts keep working tokens, orders' signatures and the mini-program's configuration stable.
 */
export async function loadOrCreateSandboxKeys(dir: string): Promise<SandboxKeys> {
  const file = join(dir, KEYS_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const parsed = sandboxKeysSchema.safeParse(JSON.parse(existing));
    if (!parsed.success) throw new Error(`${file} is not a valid sandbox key file: ${parsed.error.message}`);
    return parsed.data;
  }
  const keys = generateSandboxKeys();
  await mkdir(dir, { recursive: true });
  // `wx` fails if another process created the file meanwhile; that process's keys then win.
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return sandboxKeysSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

export function generateSandboxKeys(): SandboxKeys {
  return {
    appId: `wx${randomBytes(8).toString('hex')}`,
    appSecret: randomBytes(16).toString('hex'),
    mchId: String(randomInt(1_600_000_000, 1_999_999_999)),
    apiV3Key: randomBytes(16).toString('hex'),
    merchant: generateKeyPair(randomBytes(20).toString('hex').toUpperCase()),
    // WeChat Pay's "public key" mode names the platform key by an id of this form instead of a certificate serial.
    platform: generateKeyPair(`PUB_KEY_ID_${randomInt(10 ** 9, 10 ** 10 - 1)}${randomInt(10 ** 9, 10 ** 10 - 1)}`),
  };
}

function generateKeyPair(serialNo: string): SandboxKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { serialNo, privateKey, publicKey };
}
