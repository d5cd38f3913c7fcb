import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './config';
import { execute } from './db';
import { MIGRATION_LOCK_KEY } from './db/migrate';
import { createLogger } from './logger';
import { STARTING_RETRY_AFTER_SECONDS, startServer } from './server';
import { createTestDatabase, describeEachDatabase } from './testing/database';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-startup-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const silent = createLogger('silent');

/** What a probe gets while the server starts: the answer and whether the server closed the connection after it. */
async function probe(url: string): Promise<{ status: number; retryAfter: string | null; connection: string | null }> {
  const response = await fetch(url);
  await response.body?.cancel();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    connection: response.headers.get('connection'),
  };
}

const starting = { status: 503, retryAfter: String(STARTING_RETRY_AFTER_SECONDS), connection: 'close' };

describeEachDatabase('a starting server', ({ database }) => {
  it('answers 503 with Retry-After at once while the work before serving runs, then serves', async () => {
    const seen: Awaited<ReturnType<typeof probe>>[] = [];
    // The hook holds the start until its probes are answered: a server that held them would never finish starting.
    const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: tempDir(), JOBS_ENABLED: 'false' }), {
      logger: silent,
      database: database(),
      beforeServing: async (_database, url) => {
        seen.push(await probe(`${url}/api/health`), await probe(`${url}/api/products`));
      },
    });
    try {
      expect(seen).toEqual([starting, starting]);
      expect((await probe(`${server.url}/api/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}

describe('a server whose migrations wait [postgres]', () => {
  it('answers 503 with Retry-After while another instance holds the migration lock, then serves', async () => {
    const target = await createTestDatabase('postgres', { migrate: false });
    const { database } = target;
    if (database.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const holder = await database.client.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
      const port = await freePort();
      // Request limits far shorter than a migration may wait: migrations run with the jobs' limits.
      const config = loadConfig({
        PORT: String(port),
        DATA_DIR: tempDir(),
        JOBS_ENABLED: 'false',
        DATABASE_URL: target.url,
        DB_STATEMENT_TIMEOUT_MS: '100',
        DB_LOCK_TIMEOUT_MS: '100',
      });
      const started = startServer(config, { logger: silent });
      // The server waits for the lock once its port is open, on the jobs' pool (whose limits are long).
      await vi.waitFor(
        async () => {
          const waiting = await execute<{ application: string }>(
            database.db,
            sql`select a.application_name as application from pg_locks l join pg_stat_activity a on a.pid = l.pid
                 where l.locktype = 'advisory' and not l.granted`,
          );
          expect(waiting).toEqual([{ application: 'member-ops-jobs' }]);
        },
        { timeout: 30_000, interval: 20 },
      );
      expect(await probe(`http://127.0.0.1:${port}/api/health`)).toEqual(starting);

      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
      const server = await started;
      try {
        expect((await probe(`${server.url}/api/health`)).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      holder.release();
      await target.cleanup();
    }
  }, 120_000);
});
