/**
 * `npm run seed -- [--members N] [--seed S] [--now ISO] [--database-url URL] [--data-dir DIR] [--reset --yes]`
 *
 * Loads the demo shop into the configured database (DATABASE_URL / DATA_DIR as for `npm start`, or the flags).
 * `--reset --yes` first drops every table (the public schema and the migration record) and migrates afresh.
 * Imported as a module (e.g. by `npm start`) it only re-exports the seed's API.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { type Database, migrate } from '../../server/src/db';
import { phoneKeysFor } from '../../server/src/security/local-keys';
import { openCliDatabase, runCli, UsageError } from './lib/cli';
import { terminalProgress } from './lib/progress';
import { DEFAULT_MEMBER_COUNT, DEFAULT_SEED, DEMO_ACCOUNTS, seedDemoShop, type SeedStage, ShopNotEmptyError } from './seed/index';

export * from './seed/index';

const USAGE = `Usage: npm run seed -- [options]
  --members N          members to create (default ${DEFAULT_MEMBER_COUNT})
  --seed S             random seed; the same seed and --now give the same shop (default "${DEFAULT_SEED}")
  --now ISO            end of the simulated 18-month history (default: the current time)
  --database-url URL   a PostgreSQL server (default: DATABASE_URL, else embedded PGlite)
  --data-dir DIR       data folder for PGlite and the local phone keys (default: DATA_DIR or .data)
  --reset              drop all tables and migrate afresh before seeding (needs --yes)
  --yes                confirm --reset`;

const STAGE_LABELS: Record<SeedStage, string> = {
  accounts: 'staff accounts',
  catalog: 'catalogue',
  members: 'members & history',
  aggregates: 'member metrics',
};

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      members: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      reset: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const members = values.members === undefined ? DEFAULT_MEMBER_COUNT : Number(values.members);
  if (!Number.isInteger(members) || members < 1)
    throw new UsageError(`--members must be a positive integer, got ${values.members}`);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO date-time, got ${values.now}`);
  if (values.reset && !values.yes) throw new UsageError('--reset deletes every table in the database; add --yes to confirm');
  return { ...values, members, now };
}

/** Drops the application schema and the migration record, so the next migrate() builds everything again. */
async function dropEverything(database: Database): Promise<void> {
  await database.db.execute(sql.raw('drop schema if exists drizzle cascade'));
  await database.db.execute(sql.raw('drop schema public cascade'));
  await database.db.execute(sql.raw('create schema public'));
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const { database, config, dataDir } = await openCliDatabase(
    { databaseUrl: options['database-url'], dataDir: options['data-dir'] },
    'member-ops-seed',
  );
  try {
    if (options.reset) {
      console.error('Dropping every table…');
      await dropEverything(database);
    }
    await migrate(database);
    const phoneKeys = phoneKeysFor(config, dataDir);
    const progress = terminalProgress('seed');
    const summary = await seedDemoShop(database, {
      phoneKeys,
      now: options.now,
      seed: options.seed ?? DEFAULT_SEED,
      members: options.members,
      onProgress: (stage, done, total) => progress.update(STAGE_LABELS[stage], done, total),
    }).finally(() => progress.stop());
    const { elapsedMs, ...counts } = summary;
    console.log(
      `Demo shop loaded in ${(elapsedMs / 1000).toFixed(1)} s (${database.kind === 'pglite' ? `PGlite in ${dataDir}` : 'PostgreSQL server'}).`,
    );
    for (const [table, count] of Object.entries(counts))
      console.log(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(9)}`);
    console.log('\nDemo staff accounts (username / password / role / store):');
    for (const account of DEMO_ACCOUNTS) {
      console.log(
        `  ${account.username.padEnd(12)} ${account.password.padEnd(16)} ${account.role.padEnd(12)} ${account.store ?? ''}`,
      );
    }
  } finally {
    await database.close();
  }
}

runCli(import.meta.url, main, { command: 'seed', expectedErrors: [ShopNotEmptyError] });
