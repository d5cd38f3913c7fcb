import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, seedDemoShop } from '../../../scripts/src/seed';
import { loadConfig } from '../config';
import { DATABASE_BUSY_RETRY_AFTER_SECONDS } from '../errors';
import { createLogger } from '../logger';
import { signIn } from '../modules/auth/auth.testing';
import { startServer, type RunningServer } from '../server';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { startFreezingProxy, type FreezingProxy } from '../testing/freezing-proxy';
import { TEST_PHONE_KEYS } from '../testing/seeded-server';
import type { PostgresDatabase } from './database';
import { execute } from './execute';
import { pgErrorOf } from './pg-error';
import { databaseTimeoutOf } from './unavailable';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

/**
 * Short limits, so a frozen database turns into 503 quickly. The test itself never waits on a timer: each
 * request simply must be answered (a hang would run into the test timeout and fail it).
 */
const TEST_LIMITS = {
  DB_CONNECT_TIMEOUT_MS: '400',
  DB_POOL_ACQUIRE_TIMEOUT_MS: '400',
  DB_STATEMENT_TIMEOUT_MS: '400',
  DB_LOCK_TIMEOUT_MS: '200',
  DB_IDLE_IN_TX_TIMEOUT_MS: '2000',
  DB_JOB_STATEMENT_TIMEOUT_MS: '60000',
};

interface Answer {
  status: number;
  retryAfter: string | null;
  code: string | undefined;
}

// A frozen TCP connection only exists with a database server; PGlite runs inside the process.
describe('database limits through a proxy that freezes [postgres]', () => {
  let testDatabase: TestDatabase;
  let proxy: FreezingProxy;
  let server: RunningServer;
  let dataDir: string;
  let shopperToken: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    await seedDemoShop(testDatabase.database, { phoneKeys: TEST_PHONE_KEYS, now: SEEDED_AT, seed: 'timeouts', members: 20 });
    proxy = await startFreezingProxy(testDatabase.url ?? '');
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-timeouts-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      JOBS_ENABLED: 'false',
      DATABASE_URL: proxy.url,
      // Every products request must reach the database here, not the catalogue's micro-cache.
      CATALOG_CACHE_MS: '0',
      PHONE_ENCRYPTION_KEY: TEST_PHONE_KEYS.encryptionKey.toString('base64'),
      PHONE_HASH_KEY: TEST_PHONE_KEYS.hashKey.toString('base64'),
      ...TEST_LIMITS,
    });
    server = await startServer(config, { logger: createLogger('silent'), clock: () => SEEDED_AT });
    shopperToken = (await signIn(server.url, 'sandbox-timeouts')).token;
  }, 180_000);

  afterAll(async () => {
    proxy.thaw();
    await server?.close();
    await proxy?.close();
    await testDatabase?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function answer(method: string, route: string, body?: unknown, token?: string): Promise<Answer> {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as { error?: { code?: string } };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), code: json.error?.code };
  }

  const products = () => answer('GET', '/api/products');
  const orders = () => answer('GET', '/api/orders', undefined, shopperToken);
  const staffLogin = () =>
    answer('POST', '/api/staff/login', { username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
  const busy = { status: 503, retryAfter: String(DATABASE_BUSY_RETRY_AFTER_SECONDS), code: 'DATABASE_BUSY' };

  it('answers products, orders and staff login with 503 and Retry-After while frozen, and serves again after the thaw', async () => {
    expect((await products()).status).toBe(200);
    expect((await orders()).status).toBe(200);
    expect((await staffLogin()).status).toBe(200);

    proxy.freeze();
    // Twice: the first round finds pooled connections that stop answering, the second opens new ones that never
    // finish their handshake.
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all([products(), orders(), staffLogin()]);
      expect(answers).toEqual([busy, busy, busy]);
    }
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);

    proxy.thaw();
    expect((await products()).status).toBe(200);
    expect((await orders()).status).toBe(200);
    expect((await staffLogin()).status).toBe(200);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  }, 60_000);

  it('waits for a free pooled connection at most the acquire timeout, then answers 503', async () => {
    const pool = (server.database as PostgresDatabase).client;
    const held: pg.PoolClient[] = [];
    while (pool.totalCount < (pool.options.max ?? 10) || pool.idleCount > 0) held.push(await pool.connect());
    try {
      expect(await products()).toEqual(busy);
      expect(await staffLogin()).toEqual(busy);
    } finally {
      for (const client of held) client.release();
    }
    expect((await products()).status).toBe(200);
  }, 60_000);

  it('gives up waiting for a lock after the lock timeout and answers 503', async () => {
    const { database } = testDatabase;
    if (database.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const holder = await database.client.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table products in access exclusive mode');
      expect(await products()).toEqual(busy);
    } finally {
      await holder.query('rollback');
      holder.release();
    }
    expect((await products()).status).toBe(200);
  }, 60_000);

  it('ends a transaction left idle past the idle-in-transaction timeout, freeing its locks', async () => {
    const pool = (server.database as PostgresDatabase).client;
    const client = await pool.connect();
    const ended = new Promise<unknown>((resolve) => client.once('error', resolve));
    await client.query('begin');
    await client.query('lock table products in access exclusive mode');
    const [{ pid }] = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows as [{ pid: number }];
    // The server ends the session by itself; the test only waits for that state.
    expect(pgErrorOf(await ended)?.code).toBe('25P03');
    const [left] = await execute<{ n: number }>(
      testDatabase.database.db,
      sql`select count(*)::int as n from pg_stat_activity where pid = ${pid}`,
    );
    expect(left?.n).toBe(0);
    client.release(new Error('ended by the server'));
    expect((await products()).status).toBe(200);
  }, 60_000);

  it('gives jobs their own pool and limits: a statement a request may not run, a job may', async () => {
    const { database } = server;
    const slow = sql`select pg_sleep(0.6) is null as slept, current_setting('statement_timeout') as limit`;
    const failure = await execute(database.db, slow).catch((error: unknown) => error);
    expect(databaseTimeoutOf(failure)).toBe('statement');
    const [row] = await execute<{ slept: boolean; limit: string }>(database.forJobs.db, slow);
    expect(row).toEqual({ slept: false, limit: '1min' });
    expect(database.forJobs).not.toBe(database);
  }, 60_000);
});
