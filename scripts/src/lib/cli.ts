import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type AppConfig } from '../../../server/src/config';
import { openDatabase, type Database } from '../../../server/src/db';

/** A bad command-line argument: reported with the command's usage text. */
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

/**
 * Runs `main` when the module is the process's entry point (so tests can import the module's helpers). Bad
 * arguments print the message and the usage; the listed error types print their message only; anything else
 * prints the whole error. The exit code is 1 on any failure.
 */
export function runCli(
  moduleUrl: string,
  main: (argv: string[]) => Promise<void>,
  usage: string,
  expectedErrors: readonly (abstract new (...args: never[]) => Error)[] = [],
): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(path.resolve(entry)).href) return;
  main(process.argv.slice(2)).catch((error: unknown) => {
    const badArguments =
      error instanceof UsageError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    if (badArguments) console.error(`${(error as Error).message}\n\n${usage}`);
    else if (error instanceof ConfigError || expectedErrors.some((type) => error instanceof type)) {
      console.error((error as Error).message);
    } else console.error(error);
    process.exitCode = 1;
  });
}
