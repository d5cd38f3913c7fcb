import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLocalKeys } from './local-keys';
import { decryptPhone, encryptPhone, maskPhone, normalizePhone, phoneHash, phoneTail } from './phone-crypto';

const keys = { encryptionKey: randomBytes(32), hashKey: randomBytes(32) };

describe('phone crypto', () => {
  it('round-trips and never stores the number in clear', () => {
    const stored = encryptPhone('+86 138-0013-8000', keys);
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain('13800138000');
    expect(decryptPhone(stored, keys)).toBe('13800138000');
    expect(encryptPhone('13800138000', keys)).not.toBe(stored);
  });

  it('rejects a tampered ciphertext or the wrong key', () => {
    const stored = encryptPhone('13800138000', keys);
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decryptPhone(`v1:${raw.toString('base64')}`, keys)).toThrow();
    expect(() => decryptPhone(stored, { ...keys, encryptionKey: randomBytes(32) })).toThrow();
    expect(() => decryptPhone('v0:abc', keys)).toThrow(/format/);
  });

  it('hashes the normalised number with the key', () => {
    expect(phoneHash('+8613800138000', keys)).toBe(phoneHash('138 0013 8000', keys));
    expect(phoneHash('13800138000', keys)).not.toBe(phoneHash('13800138000', { ...keys, hashKey: randomBytes(32) }));
    expect(phoneHash('13800138000', keys)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('masks and takes the tail', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(phoneTail('13800138000')).toBe('8000');
    expect(maskPhone('123456')).toBe('****56');
    expect(() => normalizePhone('call me')).toThrow(RangeError);
  });

  it('creates local keys once, private to the owner, and reuses them', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keys-'));
    const first = loadOrCreateLocalKeys(dir);
    const second = loadOrCreateLocalKeys(dir);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(statSync(path.join(dir, 'local-keys.json')).mode & 0o777).toBe(0o600);
  });
});
