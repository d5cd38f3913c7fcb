/**
 * `npm run bench`: the product's performance figures, printed as one JSON document. Uses the PostgreSQL server at
 * TEST_PG_URL or 127.0.0.1:5432 (or a throwaway one, like `npm test`) and the embedded PGlite database.
 * Figures only: targets live in the issues and the README, never in assertions.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DATABASE_KINDS, type DatabaseKind } from '../../server/src/db';
import { CAMPAIGN_BENCH_SIZES, runCampaignsBench } from './bench/campaigns';
import { runCheckoutBench } from './bench/checkout';
import { runEventsBench } from './bench/events';
import { runFlashSaleBench } from './bench/flash-sale';
import { runMembersBench } from './bench/members';
import { runSegmentsBench, SEGMENT_BENCH_SIZES } from './bench/segments';
import { runStorefrontBench, STOREFRONT_SHOPPERS } from './bench/storefront';
import { describeError, UsageError } from './lib/cli';
import { ensurePostgresServer } from './lib/postgres-server';

/** The options; a bad one ends the process with one line, like every other failure. */
function parseOptions() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        db: { type: 'string', default: 'both' },
        clients: { type: 'string', default: '4' },
        batches: { type: 'string', default: '200' },
        orders: { type: 'string' },
        concurrency: { type: 'string', default: '4' },
        /** Segments bench sizes; default per database (SEGMENT_BENCH_SIZES). `--orders` also sizes the checkout bench. */
        members: { type: 'string' },
        /** Segments and members benches: run on this already generated shop (PostgreSQL URL) instead of a fresh one. */
        'database-url': { type: 'string' },
        /** Campaigns bench: outbox rows drained through the sandbox WeChat. */
        deliveries: { type: 'string' },
        /**
         * Storefront bench: virtual shoppers in the load (default per database), its length, and requests per read.
         * Flash-sale bench: shoppers ordering one SKU at once (default 500), and its stock.
         */
        shoppers: { type: 'string' },
        seconds: { type: 'string', default: '30' },
        requests: { type: 'string', default: '200' },
        stock: { type: 'string' },
      },
    });
  } catch (error) {
    console.error(`bench: ${describeError(error)}`);
    process.exit(1);
  }
}

const { values } = parseOptions();

const kinds: DatabaseKind[] = values.db === 'both' ? [...DATABASE_KINDS] : DATABASE_KINDS.filter((kind) => kind === values.db);

type CountOption =
  'clients' | 'batches' | 'orders' | 'concurrency' | 'members' | 'deliveries' | 'shoppers' | 'seconds' | 'requests' | 'stock';

function positive(name: CountOption, fallback?: number): number {
  const text = values[name];
  if (text === undefined && fallback !== undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${values[name]}`);
  return n;
}

function storefrontCounts(kind: DatabaseKind): { shoppers: number; seconds: number; requests: number } {
  return {
    shoppers: positive('shoppers', STOREFRONT_SHOPPERS[kind]),
    seconds: positive('seconds'),
    requests: positive('requests'),
  };
}

const benches: Record<string, () => Promise<unknown[]>> = {
  events: async () => {
    const results = [];
    for (const kind of kinds) {
      process.stderr.write(`bench: events on ${kind}…\n`);
      results.push(await runEventsBench({ kind, clients: positive('clients'), batches: positive('batches'), batchSize: 50 }));
    }
    return results;
  },
  checkout: async () => {
    const results = [];
    for (const kind of kinds) {
      process.stderr.write(`bench: checkout on ${kind}…\n`);
      results.push(await runCheckoutBench({ kind, orders: positive('orders', 200), concurrency: positive('concurrency') }));
    }
    return results;
  },
  segments: async () => {
    const results = [];
    for (const kind of kinds) {
      const members = positive('members', SEGMENT_BENCH_SIZES[kind].members);
      const orders = positive('orders', SEGMENT_BENCH_SIZES[kind].orders);
      process.stderr.write(`bench: segments on ${kind} (${members} members, ${orders} orders)…\n`);
      const databaseUrl = kind === 'postgres' ? values['database-url'] : undefined;
      results.push(await runSegmentsBench({ kind, members, orders, ...(databaseUrl ? { databaseUrl } : {}) }));
    }
    return results;
  },
  members: async () => {
    const results = [];
    for (const kind of kinds) {
      const members = positive('members', SEGMENT_BENCH_SIZES[kind].members);
      const orders = positive('orders', SEGMENT_BENCH_SIZES[kind].orders);
      process.stderr.write(`bench: members list on ${kind} (${members} members, ${orders} orders)…\n`);
      const databaseUrl = kind === 'postgres' ? values['database-url'] : undefined;
      results.push(await runMembersBench({ kind, members, orders, ...(databaseUrl ? { databaseUrl } : {}) }));
    }
    return results;
  },
  campaigns: async () => {
    const results = [];
    for (const kind of kinds) {
      const members = positive('members', CAMPAIGN_BENCH_SIZES[kind].members);
      const deliveries = positive('deliveries', CAMPAIGN_BENCH_SIZES[kind].deliveries);
      process.stderr.write(`bench: campaigns on ${kind} (${members} members, ${deliveries} deliveries)…\n`);
      results.push(await runCampaignsBench({ kind, members, deliveries }));
    }
    return results;
  },
  'flash-sale': async () => {
    const results = [];
    for (const kind of kinds) {
      const shoppers = positive('shoppers', 500);
      const stock = positive('stock', 100);
      process.stderr.write(`bench: flash sale on ${kind} (${shoppers} shoppers at once, ${stock} in stock)…\n`);
      results.push(await runFlashSaleBench({ kind, shoppers, stock }));
    }
    return results;
  },
  storefront: async () => {
    const results = [];
    for (const kind of kinds) {
      const members = positive('members', SEGMENT_BENCH_SIZES[kind].members);
      const orders = positive('orders', SEGMENT_BENCH_SIZES[kind].orders);
      const { shoppers, seconds, requests } = storefrontCounts(kind);
      const databaseUrl = kind === 'postgres' ? values['database-url'] : undefined;
      process.stderr.write(
        `bench: storefront on ${kind} (${databaseUrl ? 'existing shop' : `${members} members, ${orders} orders`}, ${shoppers} shoppers for ${seconds} s)…\n`,
      );
      results.push(
        await runStorefrontBench(
          { kind, members, orders, shoppers, seconds, requests, ...(databaseUrl ? { databaseUrl } : {}) },
          (line) => process.stderr.write(`bench: storefront: ${line}\n`),
        ),
      );
    }
    return results;
  },
};

async function main(): Promise<void> {
  if (kinds.length === 0) throw new UsageError(`--db must be pglite, postgres or both, got ${values.db}`);
  const selected = values.only ? values.only.split(',') : Object.keys(benches);
  const unknown = selected.filter((name) => !(name in benches));
  if (unknown.length > 0)
    throw new UsageError(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
  // Checked before any database is reached.
  if (selected.includes('storefront')) for (const kind of kinds) storefrontCounts(kind);
  const pg = await ensurePostgresServer((line) => process.stderr.write(`bench: ${line}\n`));
  process.env.TEST_PG_URL = pg.url;
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    postgres: { version: pg.version, throwaway: pg.started },
  };
  try {
    for (const name of selected) report[name] = await benches[name]?.();
  } finally {
    pg.stop();
  }
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(`bench: ${describeError(err, [UsageError])}`);
  process.exit(1);
});
