/** The database layer: open, migrate, query, transact, probe. Tables and views are in ./schema. */
export {
  DATABASE_KINDS,
  MEMORY_DATA_DIR,
  openDatabase,
  type Database,
  type DatabaseKind,
  type Db,
  type Executor,
  type OpenDatabaseOptions,
  type PgliteDatabase,
  type PostgresDatabase,
  type Schema,
  type DatabaseTimeouts,
  type Tx,
} from './database';
export { ensureEventPartitions } from './event-partitions';
export { execute, executePrepared } from './execute';
export { pingDatabase, type DatabaseHealth } from './health';
export { migrate, MIGRATIONS_FOLDER, type MigrationResult } from './migrate';
export {
  isUniqueViolation,
  pgErrorOf,
  PG_CHECK_VIOLATION,
  PG_FOREIGN_KEY_VIOLATION,
  PG_NOT_NULL_VIOLATION,
  PG_UNIQUE_VIOLATION,
  type PgErrorInfo,
} from './pg-error';
export { withTransaction, type TransactionOptions } from './transaction';
export { databaseTimeoutOf, type DatabaseTimeoutKind } from './unavailable';
export { withRuleTimeout } from './rule-timeout';
export * as schema from './schema';
