import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { DATABASE_KINDS, MEMORY_DATA_DIR, openDatabase, type Database, type DatabaseKind } from '../db/database';
import { execute } from '../db/execute';
import { migrate } from '../db/migrate';
import { pgErrorOf } from '../db/pg-error';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creating a database and migrating it can take a while on a busy machine. */
const SETUP_TIMEOUT_MS = 60_000;

export interface TestDatabase {
  database: Database;
  /** The connection string of the throw-away PostgreSQL database; undefined for PGlite. */
  url: string | undefined;
  /** Closes the database and, on PostgreSQL, drops it. */
  cleanup(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the migrations before returning (default true). */
  migrate?: boolean;
}

/** The PostgreSQL server for tests: TEST_PG_URL, else a local server with trust auth. */
export function testPgUrl(): string {
  return process.env.TEST_PG_URL || DEFAULT_TEST_PG_URL;
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPgUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database: in-memory PGlite, or a uniquely named database (mo_test_<random>) on the
 * PostgreSQL server at TEST_PG_URL that cleanup() drops again.
 */
export async function createTestDatabase(kind: DatabaseKind, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const shouldMigrate = options.migrate ?? true;
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    if (shouldMigrate) await migrate(database);
    return { database, url: undefined, cleanup: () => database.close() };
  }

  const name = `mo_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testPgUrl());
  url.pathname = `/${name}`;
  const dropDatabase = () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  let database: Database | undefined;
  try {
    database = await openDatabase({ url: url.toString(), poolSize: 4, applicationName: 'member-ops-test' });
    if (shouldMigrate) await migrate(database);
  } catch (error) {
    await database?.close();
    await dropDatabase();
    throw error;
  }
  const opened = database;
  return {
    database: opened,
    url: url.toString(),
    cleanup: async () => {
      await opened.close();
      await dropDatabase();
    },
  };
}

/**
 * Empties every table (identities restarted), keeping the schema and the migration record. Truncation
 * bypasses the append-only triggers, which guard row-level UPDATE and DELETE only.
 */
export async function resetDatabase(database: Database): Promise<void> {
  const tables = await execute<{ name: string }>(
    database.db,
    sql`select format('%I', c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`,
  );
  if (tables.length === 0) return;
  await database.db.execute(sql.raw(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`));
}

export interface DatabaseSuiteContext {
  kind: DatabaseKind;
  /** The suite's migrated database; call it inside tests and hooks, not while the suite is being declared. */
  database(): Database;
}

/**
 * Declares `suite` once per database kind (PGlite, then PostgreSQL), each with its own fresh, migrated
 * database shared by the suite's tests and removed afterwards.
 *
 * @example
 * describeEachDatabase('orders', ({ database }) => {
 *   it('stores an order', async () => { await database().db.insert(orders).values(...); });
 * });
 */
export function describeEachDatabase(name: string, suite: (context: DatabaseSuiteContext) => void): void {
  for (const kind of DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let testDatabase: TestDatabase | undefined;
      beforeAll(async () => {
        testDatabase = await createTestDatabase(kind);
      }, SETUP_TIMEOUT_MS);
      afterAll(async () => {
        await testDatabase?.cleanup();
      }, SETUP_TIMEOUT_MS);
      suite({
        kind,
        database: () => {
          if (!testDatabase) throw new Error(`the ${kind} test database is not ready; use it inside a test or hook`);
          return testDatabase.database;
        },
      });
    });
  }
}

/**
 * Asserts that `promise` fails with the PostgreSQL error `code` (and, if given, on `constraint`), whichever
 * driver raised it.
 *
 * @example
 * await expectPgError(insertDuplicate(), PG_UNIQUE_VIOLATION, 'coupons_issue_once_key');
 */
export async function expectPgError(promise: Promise<unknown>, code: string, constraint?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected PostgreSQL error ${code}${constraint ? ` on ${constraint}` : ''}`).toBeDefined();
  const info = pgErrorOf(error);
  expect(info, `not a PostgreSQL error: ${String(error)}`).toBeDefined();
  expect(info?.code).toBe(code);
  if (constraint !== undefined) expect(info?.constraint).toBe(constraint);
}
