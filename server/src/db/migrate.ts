import { fileURLToPath } from 'node:url';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type pg from 'pg';
import type { Database, PgliteDatabase } from './database';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Key of the session advisory lock that serialises migrations across server instances. Any constant works
 * as long as nothing else in the database uses it; this one is "mo-migr" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x6d6f2d6d69677200n;

export interface MigrationResult {
  /** Migrations applied by this call (0 when the database was already current). */
  applied: number;
  /** Migrations recorded in the database afterwards. */
  total: number;
}

interface Executable {
  query(text: string): Promise<{ rows: unknown[] }>;
}

async function countApplied(client: Executable): Promise<number> {
  const exists = await client.query(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  const present = (exists.rows[0] as { present: boolean } | undefined)?.present ?? false;
  if (!present) return 0;
  const counted = await client.query(`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  return (counted.rows[0] as { applied: number }).applied;
}

/** In-process serialisation for PGlite, whose single session makes an advisory lock re-entrant. */
const pgliteMigrations = new WeakMap<PgliteDatabase, Promise<MigrationResult>>();

/**
 * Applies the pending migrations from server/drizzle, forward only. On PostgreSQL it holds a session
 * advisory lock on a dedicated connection for the whole run, so two instances starting together migrate
 * one after the other and the second finds nothing to do.
 */
export async function migrate(database: Database): Promise<MigrationResult> {
  if (database.kind === 'postgres') return migratePostgres(database.client);
  // Queue behind a run in progress; its failure is reported to its own caller, so here it only means "done".
  const running = pgliteMigrations.get(database) ?? Promise.resolve();
  const next = running.catch(() => undefined).then(() => migrateOnPglite(database));
  pgliteMigrations.set(database, next);
  return next;
}

async function migrateOnPglite(database: PgliteDatabase): Promise<MigrationResult> {
  const before = await countApplied(database.client);
  // The Database type widens db to the driver-neutral PgDatabase; this branch knows it is PGlite's.
  await migratePglite(database.db as Parameters<typeof migratePglite>[0], { migrationsFolder: MIGRATIONS_FOLDER });
  const total = await countApplied(database.client);
  return { applied: total - before, total };
}

async function migratePostgres(pool: pg.Pool): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      const before = await countApplied(client);
      await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
      const total = await countApplied(client);
      return { applied: total - before, total };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    client.release();
  }
}
