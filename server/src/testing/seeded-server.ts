import { seedDemoShop } from '../../../scripts/src/seed';
import type { DatabaseKind } from '../db';
import { startTestServer, type TestServer } from './server';

/** Fixed phone keys of the seeded test shops, so a test can encrypt, hash and read phones as the server does. */
export const TEST_PHONE_KEYS = { encryptionKey: Buffer.alloc(32, 7), hashKey: Buffer.alloc(32, 9) };

/** startTestServer with TEST_PHONE_KEYS as the server's phone keys and the demo shop seeded as of `now`. */
export async function startSeededTestServer(
  kind: DatabaseKind,
  shop: { now: Date; seed: string; members: number },
): Promise<TestServer> {
  const test = await startTestServer(kind, {
    now: shop.now,
    env: {
      PHONE_ENCRYPTION_KEY: TEST_PHONE_KEYS.encryptionKey.toString('base64'),
      PHONE_HASH_KEY: TEST_PHONE_KEYS.hashKey.toString('base64'),
    },
  });
  try {
    await seedDemoShop(test.testDatabase.database, { phoneKeys: TEST_PHONE_KEYS, ...shop });
  } catch (err) {
    await test.stop();
    throw err;
  }
  return test;
}
