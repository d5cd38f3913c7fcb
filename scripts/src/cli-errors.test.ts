import { describe, expect, it } from 'vitest';
import { nonEmptyLines, runCommand } from './lib/run-command';

/** Nothing listens on port 1 of the loopback address: connections are refused at once. */
const CLOSED_PG = 'postgres://postgres@127.0.0.1:1/postgres';

describe('every command fails with one line on stderr and a non-zero exit code', () => {
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'scripts/src/seed.ts',
      ['--database-url', CLOSED_PG],
      {},
      /^seed: cannot reach the database \(connection refused\): connect ECONNREFUSED 127\.0\.0\.1:1$/,
    ],
    ['scripts/src/seed.ts', ['--members', 'many'], {}, /^seed: --members must be a positive integer, got many \(see --help\)$/],
    ['scripts/src/generate.ts', ['--bogus'], {}, /^generate: Unknown option '--bogus'.* \(see --help\)$/],
    [
      'scripts/src/segments.ts',
      ['--source', 'rumours'],
      {},
      /^segments: --source must be history, orders or aggregates, got rumours \(see --help\)$/,
    ],
    ['scripts/src/segments.ts', ['--database-url', CLOSED_PG], {}, /^segments: cannot reach the database \(connection refused\)/],
    ['scripts/src/import-orders.ts', ['a.csv', 'b.csv'], {}, /^import:orders: give exactly one file to import \(see --help\)$/],
    ['scripts/src/clv.ts', ['--transactions', 'nope.csv'], {}, /^clv: cannot read nope\.csv: no such file \(see --help\)$/],
    ['scripts/src/bench.ts', ['--db', 'mongodb'], {}, /^bench: --db must be pglite, postgres or both, got mongodb$/],
    ['scripts/src/bench.ts', ['--bogus'], {}, /^bench: Unknown option '--bogus'/],
    [
      'scripts/src/bench.ts',
      ['--only', 'storefront', '--db', 'pglite', '--shoppers', 'many'],
      {},
      /^bench: --shoppers must be a positive integer, got many$/,
    ],
    [
      'scripts/src/bench.ts',
      ['--only', 'storefront', '--db', 'postgres', '--seconds', '0'],
      {},
      /^bench: --seconds must be a positive integer, got 0$/,
    ],
    ['scripts/src/start.ts', [], { PORT: 'eighty' }, /^start: invalid configuration: PORT: /],
    [
      'scripts/src/start.ts',
      [],
      { WEB_CONCURRENCY: '2' },
      /^start: invalid configuration: WEB_CONCURRENCY: 2 processes need DATABASE_URL: the embedded PGlite database can only be opened by one process$/,
    ],
    [
      'server/src/db/migrate-cli.ts',
      [],
      { DATABASE_URL: CLOSED_PG },
      /^db:migrate: failed: connect ECONNREFUSED 127\.0\.0\.1:1 \(ECONNREFUSED\)$/,
    ],
  ];
  it.each(cases)('%s %j', async (script, args, env, line) => {
    const result = await runCommand(script, args, env);
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    expect(nonEmptyLines(result.stderr)).toEqual([expect.stringMatching(line)]);
    expect(result.stdout).toBe('');
  });
});
