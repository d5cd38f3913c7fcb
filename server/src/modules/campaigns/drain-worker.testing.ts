/**
 * Test support: a delivery worker in a process of its own, so a test can kill it with SIGKILL mid-send.
 * Usage: tsx drain-worker.testing.ts <database url> <data dir with the sandbox keys> <WeChat base url> <now ISO>
 * Drains the outbox once with a 60 s lease against the given WeChat, then exits 0.
 */
import { loadConfig } from '../../config';
import { openDatabase } from '../../db';
import { createLogger } from '../../logger';
import { loadOrCreateSandboxKeys, sandboxAdapterOptions } from '../../sandbox';
import { phoneKeysFor } from '../../security/local-keys';
import type { ServerContext } from '../../server';
import { createWechatClient, createWechatPayClient } from '../../wechat';
import { drainOutbox } from './worker';

export const WORKER_LEASE_MS = 60_000;

async function main(): Promise<void> {
  const [url, dataDir, wechatBase, nowIso] = process.argv.slice(2);
  if (!url || !dataDir || !wechatBase || !nowIso) throw new Error('usage: <database url> <data dir> <wechat base> <now>');
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, LOG_LEVEL: 'silent', JOBS_ENABLED: 'false' });
  const database = await openDatabase({ url, poolSize: 2, applicationName: 'member-ops-test-worker' });
  const keys = await loadOrCreateSandboxKeys(dataDir);
  const adapters = sandboxAdapterOptions(keys, wechatBase);
  const now = new Date(nowIso);
  const context: ServerContext = {
    config,
    logger: createLogger('silent'),
    database,
    wechat: {
      mode: 'sandbox',
      appId: keys.appId,
      wechat: createWechatClient(adapters.wechat),
      pay: createWechatPayClient(adapters.pay),
      phoneKeys: phoneKeysFor(config, dataDir),
    },
    clock: () => now,
    baseUrl: wechatBase,
  };
  await drainOutbox(context, { leaseMs: WORKER_LEASE_MS });
  await database.close();
}

if (process.argv[1]?.endsWith('drain-worker.testing.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
