import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import type { DatabaseKind } from '../db';
import type { ApiRouter } from '../http/api-router';
import { createLogger } from '../logger';
import { startServer, type RunningServer, type ServerContext } from '../server';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestServer {
  server: RunningServer;
  url: string;
  testDatabase: TestDatabase;
  /** Moves the server's clock (e.g. to expire unpaid orders or cross a Shanghai day). */
  setNow: (at: Date) => void;
  stop: () => Promise<void>;
}

/**
 * The real server (real HTTP on 127.0.0.1, the mounted WeChat sandbox, real adapters) on a fresh migrated test
 * database of the given kind, with a controllable clock. By default every module is mounted.
 */
export async function startTestServer(
  kind: DatabaseKind,
  options: {
    registerRoutes?: (api: ApiRouter, context: ServerContext) => void;
    now?: Date;
    env?: Record<string, string>;
    /**
     * On PostgreSQL the server opens its own pool from the configuration, as in production (pool size and every
     * limit), instead of sharing the test database's small pool without limits. `testDatabase` stays the test's.
     */
    ownPool?: boolean;
  } = {},
): Promise<TestServer> {
  const testDatabase = await createTestDatabase(kind);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-test-server-'));
  let now = options.now;
  try {
    const ownPool = options.ownPool === true && testDatabase.url !== undefined;
    // No catalogue micro-cache unless a test asks for one: tests read sold counts and stock right after writing them.
    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JOBS_ENABLED: 'false',
      ...(ownPool && testDatabase.url ? { DATABASE_URL: testDatabase.url } : {}),
      CATALOG_CACHE_MS: '0',
      ...options.env,
    };
    const server = await startServer(loadConfig(env), {
      ...(ownPool ? {} : { database: testDatabase.database }),
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      clock: () => now ?? new Date(),
      ...(options.registerRoutes ? { registerRoutes: options.registerRoutes } : {}),
    });
    return {
      server,
      url: server.url,
      testDatabase,
      setNow: (at) => {
        now = at;
      },
      stop: async () => {
        await server.close();
        await testDatabase.cleanup();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await testDatabase.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
