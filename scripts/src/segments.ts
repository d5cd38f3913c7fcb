/**
 * `npm run segments -- [--as-of ISO] [--database-url URL | --data-dir DIR]`
 *
 * Recomputes every member's aggregates, RFM scores and segment, value layer, lifecycle and behaviour as of
 * `--as-of` (default: now) in the configured database, e.g. to segment an imported order history:
 * `npm run segments -- --as-of 2011-12-10`. A date without a time means the start of that Shanghai day.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseShanghaiDate } from '@member-ops/shared/time/index';
import { ConfigError, loadConfig } from '../../server/src/config';
import { migrate, openDatabase } from '../../server/src/db';
import { refreshSegments } from '../../server/src/modules/segmentation/index';
import { terminalProgress } from './lib/progress';

const USAGE = `Usage: npm run segments -- [options]
  --as-of WHEN         YYYY-MM-DD (start of that Asia/Shanghai day) or an ISO date-time (default: now)
  --database-url URL   a PostgreSQL server (default: DATABASE_URL, else embedded PGlite)
  --data-dir DIR       data folder for PGlite (default: DATA_DIR or .data)`;

class UsageError extends Error {
  override name = 'UsageError';
}

/** "2011-12-10" is that Shanghai day's midnight; anything else must be a full ISO date-time. */
export function parseAsOf(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const bad = () => new UsageError(`--as-of must be YYYY-MM-DD or an ISO date-time, got ${text}`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return parseShanghaiDate(text);
    } catch {
      throw bad();
    }
  }
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw bad();
  return at;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'as-of': { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const asOf = parseAsOf(values['as-of'], new Date());
  const config = loadConfig();
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : config.dataDir;
  const url = values['database-url'] ?? config.database.url;
  const database = await openDatabase(
    url ? { url, applicationName: 'member-ops-segments' } : { dataDir: path.join(dataDir, 'pglite') },
  );
  try {
    await migrate(database);
    const progress = terminalProgress('segments');
    const result = await refreshSegments(database, {
      asOf,
      onProgress: (stage, done, total) => progress.update(stage, done, total),
    }).finally(() => progress.stop());
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await database.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const badArguments =
      error instanceof UsageError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    if (badArguments) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof ConfigError) console.error(error.message);
    else console.error(error);
    process.exitCode = 1;
  });
}
