import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** The Drizzle handle; the same query API whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database itself or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['pglite', 'postgres'];

interface DatabaseCommon {
  db: Db;
  close(): Promise<void>;
}
export interface PgliteDatabase extends DatabaseCommon {
  kind: 'pglite';
  client: PGlite;
}
export interface PostgresDatabase extends DatabaseCommon {
  kind: 'postgres';
  client: pg.Pool;
}
/** An open database; `client` is the driver's own handle, for the rare job Drizzle cannot do (e.g. COPY). */
export type Database = PgliteDatabase | PostgresDatabase;

export interface OpenDatabaseOptions {
  /** A PostgreSQL connection string; when set, the server is used and dataDir is ignored. */
  url?: string;
  /** PGlite's data folder (created if missing), or 'memory://' for a throw-away in-memory database. */
  dataDir?: string;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * Called when an idle pooled connection fails (e.g. the server restarts). Without a listener node-postgres
   * would crash the process; the default reports it as a process warning.
   */
  onPoolError?: (error: Error) => void;
}

export const MEMORY_DATA_DIR = 'memory://';

/**
 * Opens the database: node-postgres when `url` is given, otherwise embedded PGlite in `dataDir`.
 * Every session runs in UTC, so any `::date` or `date_trunc` that forgets an explicit zone behaves the same
 * on both drivers; Shanghai calendar logic must say `AT TIME ZONE 'Asia/Shanghai'`.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options);
  if (options.dataDir) return openPglite(options.dataDir);
  throw new Error('openDatabase needs a PostgreSQL url or a PGlite dataDir');
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<PostgresDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'member-ops',
    options: '-c TimeZone=UTC',
  });
  pool.on('error', options.onPoolError ?? ((error) => process.emitWarning(error)));
  const db = drizzleNodePg({ client: pool, schema });
  // Fail at startup, not on the first request, when the server is unreachable.
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { kind: 'postgres', client: pool, db, close: () => pool.end() };
}

async function openPglite(dataDir: string): Promise<PgliteDatabase> {
  const inMemory = dataDir === MEMORY_DATA_DIR;
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = inMemory ? new PGlite() : new PGlite(dataDir);
  await client.waitReady;
  await client.exec(`SET TimeZone = 'UTC'`);
  const db = drizzlePglite({ client, schema });
  return { kind: 'pglite', client, db, close: () => client.close() };
}
