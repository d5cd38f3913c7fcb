import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type AppConfig } from '../../../server/src/config';
import { openDatabase, type Database } from '../../../server/src/db';

/** A bad command-line argument: reported in one line that points to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The database a command works on: `--database-url`, else DATABASE_URL, else the embedded PGlite database in
 * `--data-dir` (else DATA_DIR) — the same one `npm start` uses. Not migrated: the caller decides when.
 */
export async function openCliDatabase(
  flags: { databaseUrl?: string | undefined; dataDir?: string | undefined },
  applicationName: string,
): Promise<{ database: Database; config: AppConfig; dataDir: string }> {
  const config = loadConfig();
  const dataDir = flags.dataDir ? path.resolve(flags.dataDir) : config.dataDir;
  const url = flags.databaseUrl ?? config.database.url;
  // A command is a job (imports, refits, refreshes): the jobs' limits, long but bounded.
  const database = await openDatabase(
    url ? { url, applicationName, timeouts: config.database.jobs.timeouts } : { dataDir: path.join(dataDir, 'pglite') },
  );
  return { database, config, dataDir };
}

/** A failure the command expects and explains in its message (no stack trace is useful to the operator). */
export type ExpectedError = abstract new (...args: never[]) => Error;

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
};

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

/**
 * One line saying what went wrong, for any thrown value: the message of the errors a command expects, a
 * readable sentence for configuration, connection, database and file-system errors, the error's name and first
 * message line otherwise — never a stack trace.
 */
export function describeError(error: unknown, expectedErrors: readonly ExpectedError[] = []): string {
  if (error instanceof ConfigError) {
    return `invalid configuration: ${error.problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`;
  }
  if (!(error instanceof Error)) return `failed: ${String(error)}`;
  if (error instanceof UsageError || expectedErrors.some((type) => error instanceof type)) return firstLine(error.message);
  // node-postgres reports a refused connection to every address of a host name at once.
  if (error instanceof AggregateError && error.errors.length > 0 && error.message === '') {
    return describeError(error.errors[0], expectedErrors);
  }
  // Drizzle wraps a failed statement's driver error; its own message is the whole SQL text.
  if (error.cause instanceof Error && error.message.startsWith('Failed query')) return describeError(error.cause, expectedErrors);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('ERR_PARSE_ARGS')) return firstLine(error.message);
    if (code in CONNECTION_CODES) return `cannot reach the database (${CONNECTION_CODES[code]}): ${firstLine(error.message)}`;
    if ('severity' in error && /^[0-9A-Z]{5}$/.test(code)) return `database error ${code}: ${firstLine(error.message)}`;
    if ('syscall' in error) return firstLine(error.message);
  }
  return `${error.name}: ${firstLine(error.message)}`;
}

export interface CliOptions {
  /** The command as the user typed it (`import:orders`), starting every error line. */
  command: string;
  /** Errors whose message is shown as it is. */
  expectedErrors?: readonly ExpectedError[];
}

/**
 * Runs `main` when the module is the process's entry point (so tests can import the module's helpers). Any
 * failure prints one line, `<command>: <what went wrong>` (bad arguments point to --help), on stderr and sets
 * exit code 1 — errors thrown later from a stream or timer included.
 */
export function runCli(moduleUrl: string, main: (argv: string[]) => Promise<void>, options: CliOptions): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(path.resolve(entry)).href) return;
  const fail = (error: unknown) => {
    const badArguments =
      error instanceof UsageError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    const text = badArguments
      ? `${firstLine((error as Error).message)} (see --help)`
      : describeError(error, options.expectedErrors ?? []);
    process.stderr.write(`${options.command}: ${text}\n`);
    process.exitCode = 1;
  };
  const failLate = (error: unknown) => {
    fail(error);
    process.exit(1);
  };
  process.on('uncaughtException', failLate);
  process.on('unhandledRejection', failLate);
  main(process.argv.slice(2)).catch(fail);
}
