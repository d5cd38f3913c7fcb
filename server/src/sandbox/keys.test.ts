import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSandboxKeys } from './keys';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-keys-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadOrCreateSandboxKeys', () => {
  it('creates matching key pairs in a file only the owner can read, and loads the same keys next time', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const keys = await loadOrCreateSandboxKeys(dir);
    expect((await stat(join(dir, 'sandbox-keys.json'))).mode & 0o777).toBe(0o600);
    expect(Buffer.byteLength(keys.apiV3Key)).toBe(32);
    expect(keys.appId).toMatch(/^wx[0-9a-f]{16}$/);
    expect(keys.platform.serialNo).toMatch(/^PUB_KEY_ID_\d+$/);
    for (const pair of [keys.merchant, keys.platform]) {
      const signature = sign('sha256', Buffer.from('probe'), createPrivateKey(pair.privateKey));
      expect(verify('sha256', Buffer.from('probe'), createPublicKey(pair.publicKey), signature)).toBe(true);
      expect(createPublicKey(pair.publicKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
    }
    expect(await loadOrCreateSandboxKeys(dir)).toEqual(keys);
  });

  it('refuses a damaged key file instead of silently replacing it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'sandbox-keys.json'), JSON.stringify({ appId: 'wx1' }));
    await expect(loadOrCreateSandboxKeys(dir)).rejects.toThrow(/not a valid sandbox key file/);
  });
});
