/**
 * `npm run generate -- --members N --orders N [--seed S] [--now ISO] [--database-url URL | --data-dir DIR]`
 *
 * Generates a large synthetic shop (see ./generate/index.ts) into the configured database, printing progress
 * per stage and the timings. Meant for a fresh database: the benchmark creates one itself.
 */
import { parseArgs } from 'node:util';
import { migrate } from '../../server/src/db';
import { GenerateError, type GenerateStage, generateShop } from './generate/index';
import { openCliDatabase, runCli, UsageError } from './lib/cli';
import { terminalProgress } from './lib/progress';

const USAGE = `Usage: npm run generate -- [options]
  --members N          members to create (default 100000)
  --orders N           orders to create (default 1000000)
  --seed S             the same seed and --now give the same shop (default "generate")
  --now ISO            end of the two-year history (default: the current time)
  --database-url URL   a PostgreSQL server (default: DATABASE_URL, else embedded PGlite, limited to 100k / 1M)
  --data-dir DIR       data folder for PGlite (default: DATA_DIR or .data)`;

const STAGE_LABELS: Record<GenerateStage, string> = {
  catalogue: 'catalogue',
  members: 'members',
  orders: 'orders & lines',
  tiers: 'tiers',
  analyze: 'statistics',
  recommendations: 'recommendations',
};

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${text}`);
  return n;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      members: { type: 'string', default: '100000' },
      orders: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: 'generate' },
      now: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO date-time, got ${values.now}`);
  return {
    help: values.help,
    members: positive('members', values.members),
    orders: positive('orders', values.orders),
    seed: values.seed,
    now,
    url: values['database-url'],
    dataDir: values['data-dir'],
  };
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const { database } = await openCliDatabase({ databaseUrl: options.url, dataDir: options.dataDir }, 'member-ops-generate');
  try {
    await migrate(database);
    const progress = terminalProgress('generate');
    const summary = await generateShop(database, {
      members: options.members,
      orders: options.orders,
      seed: options.seed,
      now: options.now,
      onProgress: (stage, done, total) => progress.update(STAGE_LABELS[stage], done, total),
    }).finally(() => progress.stop());
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await database.close();
  }
}

runCli(import.meta.url, main, { command: 'generate', expectedErrors: [GenerateError] });
