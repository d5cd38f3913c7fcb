/**
 * `tsx scripts/src/bench/checkout-cli.ts [--db pglite|postgres|both] [--orders 400] [--concurrency 8]`
 * Prints one JSON line per database. PostgreSQL is the server at TEST_PG_URL (default 127.0.0.1:5432); the benchmark
 * creates and drops its own database there.
 */
import { parseArgs } from 'node:util';
import { DATABASE_KINDS, type DatabaseKind } from '../../../server/src/db';
import { runCheckoutBench } from './checkout';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    orders: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

const kinds: DatabaseKind[] = values.db === 'both' ? [...DATABASE_KINDS] : DATABASE_KINDS.filter((kind) => kind === values.db);
if (kinds.length === 0) throw new Error(`--db must be pglite, postgres or both, got ${values.db}`);

for (const kind of kinds) {
  const result = await runCheckoutBench({
    kind,
    orders: positive('orders', values.orders),
    concurrency: positive('concurrency', values.concurrency),
  });
  console.log(JSON.stringify(result));
}
