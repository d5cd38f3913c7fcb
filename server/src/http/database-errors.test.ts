import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { openDatabase, type Database, type Db } from '../db/database';
import { isDatabaseUnavailable } from '../db/pg-error';
import { staffAccounts } from '../db/schema';
import { createLogger } from '../logger';
import { createTestDatabase, describeEachDatabase } from '../testing/database';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from './middleware';

/** What a failed staff update carried: a password hash in the scrypt format the server stores. */
const SECRET_HASH = `scrypt$16384$8$1$c2VjcmV0LXNhbHQ$${'Zm9vYmFy'.repeat(8)}`;

function capturedLogger() {
  const text: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      done();
    },
  });
  return { text: () => text.join(''), logger: createLogger('info', stream) };
}

/** An app with one route per failure, running real statements on `database`. */
function appOn(database: () => Pick<Database, 'db'>) {
  const log = capturedLogger();
  const app = createApp({
    config: loadConfig({}),
    logger: log.logger,
    database: { kind: 'pglite', probe: async () => ({ ok: true, latencyMs: 0.1 }) },
    registerRoutes: (api) => {
      const route = (path: string, run: () => Promise<unknown>) =>
        api.add({
          method: 'post',
          path,
          summary: path,
          tags: ['test'],
          response: z.object({}),
          handler: async () => {
            await run();
            return {};
          },
        });
      // A not-null violation: PostgreSQL's detail lists the failing row, hash included.
      route('/fail/insert', () =>
        database()
          .db.insert(staffAccounts)
          .values({ username: 'x', displayName: null as unknown as string, passwordHash: SECRET_HASH, role: 'admin' }),
      );
      // A cast failure: the database quotes the value in its own message.
      route('/fail/cast', () => database().db.execute(sql`select ${SECRET_HASH}::int as n`));
      route('/sleep', () => database().db.execute(sql`select pg_sleep(60), ${SECRET_HASH} as hash`));
    },
  });
  return { app, log };
}

describeEachDatabase('failed-query logging', ({ database }) => {
  for (const path of ['/api/fail/insert', '/api/fail/cast']) {
    it(`logs the statement and parameter count of a failed statement, never its values (${path})`, async () => {
      const { app, log } = appOn(database);
      const response = await request(app.koa.callback()).post(path).send({});
      expect(response.status).toBe(500);
      expect(response.text).not.toContain(SECRET_HASH);

      const logged = log.text();
      expect(logged).toContain('request failed');
      const line = JSON.parse(logged.split('\n').find((l) => l.includes('request failed')) as string) as {
        err: { statement: string; paramCount: number; sqlState: string; message: string };
      };
      expect(line.err.statement).toMatch(/insert into "staff_accounts"|select \$1::int/);
      expect(line.err.paramCount).toBeGreaterThan(0);
      expect(line.err.sqlState).toMatch(/^(23502|22P02)$/);
      expect(line.err.message).toContain('Failed query with');
      // Not the hash, nor any recognisable piece of it.
      expect(logged).not.toContain(SECRET_HASH);
      expect(logged).not.toContain('Zm9vYmFy');
      expect(logged).not.toContain('c2VjcmV0LXNhbHQ');
    });
  }
});

describe('a database outage', () => {
  it('answers 503 with Retry-After and a Chinese message when PGlite is closed or the pool has ended', async () => {
    const refused = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(refused)).toBe(true);

    const closedPglite = await createTestDatabase('pglite');
    await closedPglite.cleanup();
    const postgres = await createTestDatabase('postgres');
    const endedPool = postgres.database;
    await postgres.cleanup();

    for (const gone of [closedPglite.database, endedPool]) {
      const { app, log } = appOn(() => gone);
      const response = await request(app.koa.callback()).post('/api/fail/cast').send({});
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe(String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      expect(response.body.error.code).toBe('UNAVAILABLE');
      expect(response.body.error.message).toMatch(/[\u4e00-\u9fff]/);
      expect(log.text()).not.toContain(SECRET_HASH);
    }
  }, 60_000);

  it('answers 503 when the PostgreSQL server is not listening, and when it ends the connection mid-statement', async () => {
    const nowhere = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    try {
      const { app } = appOn(() => ({ db: drizzle({ client: nowhere }) as unknown as Db }));
      const response = await request(app.koa.callback()).post('/api/fail/cast').send({});
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe(String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    } finally {
      await nowhere.end();
    }

    const postgres = await createTestDatabase('postgres');
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      const { app, log } = appOn(() => postgres.database);
      const answer = request(app.koa.callback())
        .post('/api/sleep')
        .send({})
        .then((r) => r);
      // Wait for the statement to be running, then end its backend as a server shutdown or failover would.
      let terminated = false;
      for (const deadline = Date.now() + 30_000; !terminated && Date.now() < deadline;) {
        const { rows } = await admin.query<{ ended: boolean }>(
          `select pg_terminate_backend(pid) as ended from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and query like 'select pg_sleep%'`,
        );
        terminated = rows.some((row) => row.ended);
        if (!terminated) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminated).toBe(true);
      const response = await answer;
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('UNAVAILABLE');
      expect(log.text()).not.toContain(SECRET_HASH);
    } finally {
      await admin.end();
      await postgres.cleanup();
    }
  }, 60_000);

  it('tells a lost or refused connection from a failed statement', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code });
    for (const code of ['57P01', '57P03', '08006', '08001', '53300', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(isDatabaseUnavailable(new Error('Failed query', { cause: pgError(code) })), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([pgError('ECONNREFUSED')]))).toBe(true);
    for (const code of ['23505', '22P02', '40001', '57014']) expect(isDatabaseUnavailable(pgError(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});
