/**
 * `npm run segments -- [--as-of ISO] [--source history|orders|aggregates] [--database-url URL | --data-dir DIR]`
 *
 * Recomputes every member's aggregates, RFM scores and segment, value layer, lifecycle and behaviour as of
 * `--as-of` (default: now) in the configured database, e.g. to segment an imported order history:
 * `npm run segments -- --as-of 2011-12-10`. A date without a time means the start of that Shanghai day.
 */
import { parseArgs } from 'node:util';
import { parseShanghaiDate } from '@member-ops/shared/time/index';
import { migrate } from '../../server/src/db';
import { countStaleAggregates, refreshSegments } from '../../server/src/modules/segmentation/index';
import { openCliDatabase, runCli, UsageError } from './lib/cli';
import { terminalProgress } from './lib/progress';

const USAGE = `Usage: npm run segments -- [options]
  --as-of WHEN         YYYY-MM-DD (start of that Asia/Shanghai day) or an ISO date-time (default: now)
  --source S           history (default: rebuild from orders, order lines and events; any as-of), orders (order
                       aggregates from the orders, activity and preferences as kept) or aggregates (re-classify
                       the stored aggregates; refused while orders written since the last refresh, e.g. by an
                       import, are not in them); the last two cannot go back before the last refresh
  --database-url URL   a PostgreSQL server (default: DATABASE_URL, else embedded PGlite)
  --data-dir DIR       data folder for PGlite (default: DATA_DIR or .data)`;

/** `--source aggregates` refused because some stored aggregates no longer match their orders. */
export class StaleAggregatesError extends Error {
  override name = 'StaleAggregatesError';
  constructor(readonly staleMembers: number) {
    super(
      `--source aggregates refused: the stored order aggregates of ${staleMembers.toLocaleString('en-US')} member(s) ` +
        'no longer match their orders (orders were written since the last refresh, e.g. by import:orders), so they ' +
        'would be classified from old figures (new buyers as prospects); run with --source orders (or history) instead',
    );
  }
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
      source: { type: 'string', default: 'history' },
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
  const source = values.source;
  if (source !== 'history' && source !== 'orders' && source !== 'aggregates') {
    throw new UsageError(`--source must be history, orders or aggregates, got ${source}`);
  }
  const { database } = await openCliDatabase(
    { databaseUrl: values['database-url'], dataDir: values['data-dir'] },
    'member-ops-segments',
  );
  try {
    await migrate(database);
    if (source === 'aggregates') {
      const stale = await countStaleAggregates(database.db);
      if (stale > 0) throw new StaleAggregatesError(stale);
    }
    const progress = terminalProgress('segments');
    const result = await refreshSegments(database, {
      asOf,
      source,
      onProgress: (stage, done, total) => progress.update(stage, done, total),
    }).finally(() => progress.stop());
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await database.close();
  }
}

runCli(import.meta.url, main, { command: 'segments', expectedErrors: [StaleAggregatesError] });
