/**
 * Segmentation benchmark on a fresh database: generate a synthetic shop (bulk load), refresh every member's
 * segments set-based, time one paid order with its incremental member update, and time an audience query
 * compiled from a segment rule against member_facts. Peak memory is the RSS of this Node process (which hosts
 * PGlite) and, for PostgreSQL on this machine, the peak RSS of the database's backends.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { compileSegmentMemberIdsQuery, type SegmentRule } from '@member-ops/shared/rules/index';
import { sql } from 'drizzle-orm';
import { type Database, type DatabaseKind, execute, withTransaction } from '../../../server/src/db';
import {
  refreshSegments,
  updateMemberDerived,
  type RefreshOptions,
  type RefreshResult,
  type RefreshStage,
} from '../../../server/src/modules/segmentation/index';
import { generateShop, type GenerateSummary } from '../generate/index';
import { benchDatabase, shopSize } from './bench-database';

export interface SegmentsBenchOptions {
  kind: DatabaseKind;
  members: number;
  orders: number;
  /** Paid orders with their incremental update per sample kind (default 1,000: p99 is the tenth slowest). */
  incrementalSamples?: number;
  /** Audience query runs (default 30). */
  audienceSamples?: number;
  /** An already generated shop on a PostgreSQL server: no bulk load, and the database is kept. */
  databaseUrl?: string;
}

export interface SegmentsBenchResult {
  database: DatabaseKind;
  members: number;
  orders: number;
  orderItems: number;
  /** Null when the bench ran on an existing shop (--database-url). */
  bulkLoadMs: number | null;
  bulkLoadStagesMs: GenerateSummary['timings'] | null;
  /** Rebuild of every member from the orders, order lines and events (source history). */
  fullRefreshMs: number;
  fullRefreshStagesMs: StageTimings;
  refreshedMembers: number;
  /** The next day's nightly refresh: aggregates from the orders, stored activity and preferences (source orders). */
  refreshFromOrdersMs: number;
  refreshFromOrdersStagesMs: StageTimings;
  /** Members whose aggregates the refresh from the orders recomputed (orders written or a window moved past). */
  refreshFromOrdersReaggregated: number;
  refreshFromOrdersWritten: number;
  /** Re-classifying everyone from the stored per-member aggregates (source aggregates), the day after. */
  refreshFromAggregatesMs: number;
  refreshFromAggregatesStagesMs: StageTimings;
  /**
   * One paid order (order + line inserted) plus updateMemberDerived, in one transaction, for the members of a
   * random sample of orders (frequent buyers as often as they order): in the daytime (after the refreshes, the
   * rebuild's writes checkpointed), and right after the full rebuild.
   */
  incrementalP50Ms: number;
  incrementalP99Ms: number;
  /** The same with buyers drawn uniformly (a typical member rather than a typical order). */
  incrementalTypicalMemberP50Ms: number;
  incrementalTypicalMemberP99Ms: number;
  /** The same for the member with the most orders (median of 5). */
  incrementalHeaviestMember: { orders: number; p50Ms: number };
  incrementalAfterRebuildP50Ms: number;
  incrementalAfterRebuildP99Ms: number;
  audienceRule: SegmentRule;
  audienceMembers: number;
  audienceP50Ms: number;
  audienceP95Ms: number;
  /** This process's RSS before the bench (PGlite's memory stays with the process after an earlier run). */
  nodeRssAtStartMiB: number;
  peakNodeRssMiB: number;
  /** VmHWM of the PostgreSQL backends serving this database (shared buffers they touched included). */
  peakPgBackendRssMiB: number | null;
}

/** The sizes the issue's figures are quoted at. */
export const SEGMENT_BENCH_SIZES: Record<DatabaseKind, { members: number; orders: number }> = {
  postgres: { members: 1_000_000, orders: 10_000_000 },
  pglite: { members: 100_000, orders: 1_000_000 },
};

/** Gold and diamond members who have gone to sleep although they bought at least three times this year. */
export const AUDIENCE_RULE: SegmentRule = {
  all: [
    { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
    { field: 'lifecycle', op: 'eq', value: 'sleeping' },
    { field: 'frequency365', op: 'gte', value: 3 },
  ],
};

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

/** Time per refresh stage (aggregates, stats, classify), from the refresh's own progress reports. */
export type StageTimings = Partial<Record<RefreshStage, number>>;

async function timedRefresh(
  database: Database,
  options: Omit<RefreshOptions, 'onProgress'>,
): Promise<{ ms: number; result: RefreshResult; stagesMs: StageTimings }> {
  const stagesMs: StageTimings = {};
  let current: { stage: RefreshStage; at: number } | null = null;
  const t0 = performance.now();
  const result = await refreshSegments(database, {
    ...options,
    onProgress: (stage) => {
      const at = performance.now();
      if (current) stagesMs[current.stage] = Math.round((stagesMs[current.stage] ?? 0) + at - current.at);
      current = { stage, at };
    },
  });
  const ms = performance.now() - t0;
  return { ms: Math.round(ms), result, stagesMs };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

function sampleRss(): { peakMiB: () => number; stop: () => void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    peakMiB: () => Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
    stop: () => clearInterval(timer),
  };
}

/** Peak RSS of the server processes of this database, when the server runs on this machine and /proc is readable. */
async function pgBackendPeakMiB(database: Database): Promise<number | null> {
  if (database.kind !== 'postgres') return null;
  const pids = await execute<{ pid: number }>(
    database.db,
    sql.raw('select pid from pg_stat_activity where datname = current_database()'),
  );
  let peakKiB = 0;
  for (const { pid } of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
  }
  return peakKiB > 0 ? Math.round(peakKiB / 1024) : null;
}

async function payOneOrder(database: Database, memberId: number, skuId: number, at: Date, n: number): Promise<void> {
  await withTransaction(database, async (tx) => {
    const [order] = await execute<{ id: number }>(
      tx,
      sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, created_at, paid_at, updated_at)
        values (${`bench:${at.getTime()}:${n}`}, ${memberId}, 'mini_program', 'paid', 9990, 9990, 9990, ${at}, ${at}, ${at}) returning id`,
    );
    await tx.execute(sql`insert into order_items (order_id, member_id, sku_id, product_id, title, category, unit_price_fen, quantity, line_total_fen)
      select ${order?.id}, ${memberId}, s.id, s.product_id, s.title, c.code, 9990, 1, 9990
      from skus s join products p on p.id = s.product_id join categories c on c.id = p.category_id where s.id = ${skuId}`);
    await updateMemberDerived(tx, memberId, at, { counted: [order?.id ?? 0] });
  });
}

export async function runSegmentsBench(options: SegmentsBenchOptions): Promise<SegmentsBenchResult> {
  const nodeRssAtStartMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  const rss = sampleRss();
  const test = await benchDatabase(options.kind, options.databaseUrl);
  const { database } = test;
  try {
    const now = new Date();
    const generated = test.existing
      ? null
      : await generateShop(database, { members: options.members, orders: options.orders, seed: 'bench', now });
    const full = await timedRefresh(database, { asOf: now, source: 'history' });

    // Who pays next, as the shop's history says: the members of a repeatable random sample of its paid orders
    // (a frequent buyer appears as often as they order).
    const buyers = await execute<{ member_id: number }>(
      database.db,
      sql.raw(`select member_id from orders tablesample bernoulli (1) repeatable (7)
        where member_id is not null and status = 'paid' limit 5000`),
    );
    const [sku] = await execute<{ id: number }>(database.db, sql.raw('select min(id)::int8 as id from skus'));
    const samples = options.incrementalSamples ?? 1000;
    /** Times `count` paid orders, one a second from `from`, for members taken in turn from `pool`. */
    const payOrders = async (pool: { member_id: number }[], count: number, from: Date, offset: number) => {
      const timings: number[] = [];
      for (let i = 0; i < count; i++) {
        const member = pool[((offset + i) * 7919) % Math.max(1, pool.length)];
        if (!member || !sku) break;
        const at = new Date(from.getTime() + i * 1000);
        timings.push(await timed(() => payOneOrder(database, member.member_id, sku.id, at, offset + i)));
      }
      return timings;
    };
    // Right after the rebuild, while PostgreSQL still writes back the million rows it rewrote.
    const afterRebuild = await payOrders(buyers, samples, now, 0);

    const query = compileSegmentMemberIdsQuery(AUDIENCE_RULE, { now });
    const runQuery = async () =>
      database.kind === 'postgres'
        ? (await database.client.query(query.sql, query.params)).rows.length
        : (await database.client.query(query.sql, query.params)).rows.length;
    let audienceMembers = await runQuery();
    const audience: number[] = [];
    for (let i = 0; i < (options.audienceSamples ?? 30); i++) {
      audience.push(
        await timed(async () => {
          audienceMembers = await runQuery();
        }),
      );
    }

    const nextDay = new Date(now.getTime() + 86_400_000);
    const fromOrders = await timedRefresh(database, { asOf: nextDay, source: 'orders' });
    const fromAggregates = await timedRefresh(database, {
      asOf: new Date(nextDay.getTime() + 3_600_000),
      source: 'aggregates',
    });
    // The daytime case: no refresh running and the rebuild's writes checkpointed.
    if (database.kind === 'postgres') await database.db.execute(sql.raw('checkpoint'));
    const steady = await payOrders(buyers, samples, new Date(nextDay.getTime() + 2 * 3_600_000), samples);
    // The same for a typical member: buyers drawn uniformly, whatever their order count.
    const members = await execute<{ member_id: number }>(
      database.db,
      sql.raw(`select member_id from member_metrics tablesample bernoulli (1) repeatable (7) where orders_total > 0 limit 5000`),
    );
    const perMember = await payOrders(members, samples, new Date(nextDay.getTime() + 2.5 * 3_600_000), 2 * samples);
    // The busiest member: the one-member update reads their whole history (orders, lines, events).
    const [heaviest] = await execute<{ member_id: number; orders_total: number }>(
      database.db,
      sql.raw('select member_id, orders_total from member_metrics order by orders_total desc limit 1'),
    );
    const heaviestTimings = heaviest
      ? await payOrders([heaviest], 5, new Date(nextDay.getTime() + 3 * 3_600_000), 3 * samples)
      : [];
    const sizes = await shopSize(database);
    return {
      database: options.kind,
      members: generated?.members ?? sizes.members,
      orders: generated?.orders ?? sizes.orders,
      orderItems: generated?.orderItems ?? sizes.items,
      bulkLoadMs: generated?.elapsedMs ?? null,
      bulkLoadStagesMs: generated?.timings ?? null,
      fullRefreshMs: full.ms,
      fullRefreshStagesMs: full.stagesMs,
      refreshedMembers: full.result.members,
      refreshFromOrdersMs: fromOrders.ms,
      refreshFromOrdersStagesMs: fromOrders.stagesMs,
      refreshFromOrdersReaggregated: fromOrders.result.reaggregated,
      refreshFromOrdersWritten: fromOrders.result.written,
      refreshFromAggregatesMs: fromAggregates.ms,
      refreshFromAggregatesStagesMs: fromAggregates.stagesMs,
      incrementalP50Ms: percentile(steady, 50),
      incrementalP99Ms: percentile(steady, 99),
      incrementalTypicalMemberP50Ms: percentile(perMember, 50),
      incrementalTypicalMemberP99Ms: percentile(perMember, 99),
      incrementalHeaviestMember: { orders: heaviest?.orders_total ?? 0, p50Ms: percentile(heaviestTimings, 50) },
      incrementalAfterRebuildP50Ms: percentile(afterRebuild, 50),
      incrementalAfterRebuildP99Ms: percentile(afterRebuild, 99),
      audienceRule: AUDIENCE_RULE,
      audienceMembers,
      audienceP50Ms: percentile(audience, 50),
      audienceP95Ms: percentile(audience, 95),
      nodeRssAtStartMiB,
      peakNodeRssMiB: rss.peakMiB(),
      peakPgBackendRssMiB: await pgBackendPeakMiB(database),
    };
  } finally {
    rss.stop();
    await test.cleanup();
  }
}
