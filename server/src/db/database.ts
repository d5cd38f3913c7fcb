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
  /**
   * The handle jobs run on (segment refresh, CLV refit, imports): on PostgreSQL a separate small pool with the
   * job limits, so a request's short statement timeout never kills a long set-based job; on PGlite (one
   * in-process connection, nothing to freeze) the same database.
   */
  forJobs: Database;
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
  /** Limits of every connection of the pool (PostgreSQL only); none when omitted. */
  timeouts?: DatabaseTimeouts;
  /** Limits of the jobs' pool (`forJobs`); without them jobs share the request pool. */
  jobs?: { timeouts: DatabaseTimeouts; poolSize?: number };
}

/**
 * How long anything may wait on the database, in milliseconds (PostgreSQL only). A frozen server or network
 * then turns into an error within a bounded time instead of a hang.
 */
export interface DatabaseTimeouts {
  /** Opening a TCP connection and the start-up handshake. */
  connectMs: number;
  /** Waiting for a free pooled connection (when all are busy), or for a new one to open. */
  acquireMs: number;
  /** Server-side `statement_timeout`; the client gives up waiting for an answer STATEMENT_GRACE_MS later. */
  statementMs: number;
  /** Server-side `lock_timeout`: waiting for a row or table lock. */
  lockMs: number;
  /** Server-side `idle_in_transaction_session_timeout`: a transaction left open without a statement. */
  idleInTransactionMs: number;
}

/**
 * The client waits this much longer than the server's statement timeout before it gives the connection up:
 * enough for the server's own cancellation to arrive when the server is alive, and a bound when it is not.
 */
export const STATEMENT_GRACE_MS = 1000;

/** The message of the client-side timeout (node-postgres' `query_timeout`), on the query and every later one. */
export const QUERY_READ_TIMEOUT_MESSAGE = 'Query read timeout';

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

/** Pool options that bound every wait: connect, acquire, statement (server and client side), locks, idle transactions. */
function poolOptions(
  url: string,
  poolSize: number,
  applicationName: string,
  timeouts: DatabaseTimeouts | undefined,
): pg.PoolConfig {
  const base: pg.PoolConfig = {
    connectionString: url,
    max: poolSize,
    application_name: applicationName,
    options: '-c TimeZone=UTC',
  };
  if (!timeouts) return base;
  const { connectMs } = timeouts;
  return {
    ...base,
    // node-postgres uses one option for both; the client's own connect limit is set apart just below.
    connectionTimeoutMillis: timeouts.acquireMs,
    Client: class extends pg.Client {
      constructor(config?: string | pg.ClientConfig) {
        super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: connectMs });
      }
    },
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    query_timeout: timeouts.statementMs + STATEMENT_GRACE_MS,
  };
}

/**
 * After a client-side read timeout the connection's state is unknown (the server may still answer later, or
 * never): it is destroyed, and every later query on it (Drizzle's rollback) fails with the same timeout
 * instead of queueing behind the lost one; the pool then drops the client on release.
 */
function closeOnReadTimeout(client: pg.PoolClient, onError: (error: Error) => void): void {
  const raw = client as unknown as {
    query: (...args: unknown[]) => unknown;
    connection?: { stream?: { destroy: () => void } };
  };
  const query = raw.query.bind(client);
  let timedOut = false;
  // A checked-out client whose socket is destroyed emits 'error'; without a listener that would end the process.
  client.on('error', (error) => {
    if (!timedOut) onError(error);
  });
  const isReadTimeout = (error: unknown) => error instanceof Error && error.message === QUERY_READ_TIMEOUT_MESSAGE;
  const giveUp = () => {
    timedOut = true;
    raw.connection?.stream?.destroy();
  };
  raw.query = (...args: unknown[]) => {
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    const callback = callbackAt < 0 ? undefined : (args[callbackAt] as (error: unknown, result?: unknown) => void);
    if (timedOut) {
      const error = new Error(QUERY_READ_TIMEOUT_MESSAGE);
      if (callback) return void process.nextTick(() => callback(error));
      return Promise.reject(error);
    }
    if (callback) {
      // The pool's own query() passes a callback.
      const watched = [...args];
      watched[callbackAt] = (error: unknown, result?: unknown) => {
        if (isReadTimeout(error)) giveUp();
        callback(error, result);
      };
      return query(...watched);
    }
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (isReadTimeout(error)) giveUp();
      });
    }
    return result;
  };
}

function createPool(
  url: string,
  options: OpenDatabaseOptions,
  poolSize: number,
  timeouts: DatabaseTimeouts | undefined,
): pg.Pool {
  const pool = new pg.Pool(poolOptions(url, poolSize, options.applicationName ?? 'member-ops', timeouts));
  const onError = options.onPoolError ?? ((error: Error) => process.emitWarning(error));
  pool.on('error', onError);
  if (timeouts) pool.on('connect', (client) => closeOnReadTimeout(client, onError));
  return pool;
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<PostgresDatabase> {
  const pool = createPool(url, options, options.poolSize ?? 10, options.timeouts);
  const db = drizzleNodePg({ client: pool, schema });
  // Fail at startup, not on the first request, when the server is unreachable.
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (error) {
    await pool.end();
    throw error;
  }
  const requests: PostgresDatabase = { kind: 'postgres', client: pool, db, close: () => pool.end(), forJobs: undefined as never };
  if (!options.jobs) {
    requests.forJobs = requests;
    return requests;
  }
  const jobPool = createPool(
    url,
    { ...options, applicationName: `${options.applicationName ?? 'member-ops'}-jobs` },
    options.jobs.poolSize ?? 4,
    options.jobs.timeouts,
  );
  const jobs: PostgresDatabase = {
    kind: 'postgres',
    client: jobPool,
    db: drizzleNodePg({ client: jobPool, schema }),
    close: () => jobPool.end(),
    forJobs: undefined as never,
  };
  jobs.forJobs = jobs;
  requests.forJobs = jobs;
  requests.close = async () => {
    await Promise.all([pool.end(), jobPool.end()]);
  };
  return requests;
}

async function openPglite(dataDir: string): Promise<PgliteDatabase> {
  const inMemory = dataDir === MEMORY_DATA_DIR;
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = inMemory ? new PGlite() : new PGlite(dataDir);
  await client.waitReady;
  await client.exec(`SET TimeZone = 'UTC'`);
  const db = drizzlePglite({ client, schema });
  const database: PgliteDatabase = { kind: 'pglite', client, db, close: () => client.close(), forJobs: undefined as never };
  database.forJobs = database;
  return database;
}
