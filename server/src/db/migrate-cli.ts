/**
 * `npm run db:migrate -w server`: applies pending migrations to DATABASE_URL (PostgreSQL) or, when that is
 * unset, to the PGlite folder DATA_DIR. The one place in the server besides config.ts that reads the
 * environment, because it must run without the rest of the server's configuration.
 */
import { openDatabase } from './database';
import { migrate } from './migrate';

const url = process.env.DATABASE_URL || undefined;
const dataDir = process.env.DATA_DIR || undefined;

if (!url && !dataDir) {
  console.error('db:migrate: set DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite data folder)');
  process.exit(2);
}

/** One line on what went wrong (a refused connection, a failed migration statement), never a stack trace. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // node-postgres reports a refused connection to every address of a host name at once, with no message.
  // Drizzle wraps a failed statement's driver error in one whose message is the whole SQL text.
  if (error.cause instanceof Error && error.message.startsWith('Failed query')) return describe(error.cause);
  const cause =
    error instanceof AggregateError && error.message === '' && error.errors[0] instanceof Error ? error.errors[0] : error;
  const code = (cause as { code?: unknown }).code;
  const line = cause.message.split('\n').find((text) => text.trim() !== '') ?? cause.name;
  return typeof code === 'string' ? `${line} (${code})` : line;
}

try {
  const database = await openDatabase({ url, dataDir, applicationName: 'member-ops-migrate' });
  try {
    const result = await migrate(database);
    const target = url ? 'PostgreSQL' : `PGlite at ${dataDir}`;
    console.log(`db:migrate: ${result.applied} applied, ${result.total} in total (${target})`);
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(`db:migrate: failed: ${describe(error)}`);
  process.exitCode = 1;
}
