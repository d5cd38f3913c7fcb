import { sql } from 'drizzle-orm';
import { execute, withTransaction, type Database, type Executor, type Tx } from '../../db';
import type { ServerContext } from '../../server';
import { segmentationConfigAt } from './segmentation.repo';
import {
  classifySql,
  insertStatsSql,
  instantSql,
  upsertAggregatesSql,
  type MemberScope,
  type SegmentationConfig,
  type StatsSource,
} from './segmentation.sql';

export const REFRESH_STAGES = ['aggregates', 'stats', 'classify'] as const;
export type RefreshStage = (typeof REFRESH_STAGES)[number];

export interface RefreshOptions {
  /** The instant the shop is classified as of; orders and events after it are ignored (history replay). */
  asOf: Date;
  /** Called before each stage and once at the end: (stage, stages done, stage count). */
  onProgress?: (stage: RefreshStage, done: number, total: number) => void | Promise<void>;
  /** The job run recorded on segment_stats and segment_changes. */
  runId?: number;
  /**
   * Score against the latest stored cut points and means instead of recomputing them from this base
   * (re-scoring everyone exactly as the one-member path would).
   */
  reuseStoredStats?: boolean;
  /** Rules to classify by; default: those in force at asOf. */
  config?: SegmentationConfig;
}

export interface RefreshResult extends Record<string, unknown> {
  asOf: string;
  members: number;
  buyers: number;
  changes: number;
  elapsedMs: number;
}

/** Where a refresh runs: a server context or a database (its own transaction), or a caller's open transaction. */
export type RefreshTarget = ServerContext | Database | Tx;

function isContext(target: RefreshTarget): target is ServerContext {
  return 'clock' in target && 'database' in target;
}

function isDatabase(target: RefreshTarget): target is Database {
  return 'kind' in target && 'client' in target;
}

async function run(executor: Executor, statement: string): Promise<void> {
  await executor.execute(sql.raw(statement));
}

async function refreshIn(tx: Tx, options: RefreshOptions, now: Date): Promise<RefreshResult> {
  const started = Date.now();
  const { asOf } = options;
  const total = REFRESH_STAGES.length;
  const progress = async (stage: RefreshStage, done: number) => options.onProgress?.(stage, done, total);
  // Refreshes wait for each other instead of interleaving their statements.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('segments.refresh'))`);
  const config = options.config ?? (await segmentationConfigAt(tx, asOf));
  const all: MemberScope = { kind: 'all' };
  const runId = options.runId ?? null;

  await progress('aggregates', 0);
  await run(tx, upsertAggregatesSql(asOf, config, all, now));

  await progress('stats', 1);
  let stats: StatsSource = { kind: 'latest' };
  if (!options.reuseStoredStats) {
    await run(tx, `delete from segment_stats where as_of = ${instantSql(asOf)}`);
    await run(tx, insertStatsSql(asOf, config, runId));
    stats = { kind: 'as_of', asOf };
  }
  const [buyers] = await execute<{ buyers: number }>(
    tx,
    sql`select count(*)::int as buyers from member_metrics where frequency_365 > 0`,
  );

  await progress('classify', 2);
  const [classified] = await execute<{ members: number; changes: number }>(
    tx,
    sql.raw(classifySql(asOf, config, all, stats, runId)),
  );
  await progress('classify', 3);
  return {
    asOf: asOf.toISOString(),
    members: classified?.members ?? 0,
    buyers: buyers?.buyers ?? 0,
    changes: classified?.changes ?? 0,
    elapsedMs: Date.now() - started,
  };
}

/**
 * Recomputes every member's aggregates and classifications as of `options.asOf` with set-based SQL from the
 * shared definitions: per-member order aggregates, RFM cut points and means (one segment_stats row per as-of),
 * scores, segment, value layer, lifecycle, behaviour and preferences, recording who moved in segment_changes.
 * Runs in one transaction, so readers see the old or the new classification, never a mix.
 *
 * @example
 * await refreshSegments(context, { asOf: new Date('2026-03-15T19:00:00Z'), onProgress: (stage, done, total) => log(stage, done, total) });
 */
export async function refreshSegments(target: RefreshTarget, options: RefreshOptions): Promise<RefreshResult> {
  if (isContext(target)) {
    const now = target.clock();
    return withTransaction(target.database, (tx) => refreshIn(tx, options, now), { retries: 0 });
  }
  if (isDatabase(target)) return withTransaction(target, (tx) => refreshIn(tx, options, new Date()), { retries: 0 });
  return refreshIn(target, options, new Date());
}

/**
 * One member's aggregates and classifications as of `now`, against the cut points and means of the last refresh
 * (shared scoreMember semantics), in the caller's transaction — after a paid order or a settled refund. The tier
 * is not touched: the paid-order flow and the tier review own it. Without any stored stats the RFM fields stay
 * empty until the first refresh.
 *
 * @example
 * await withTransaction(database, async (tx) => { ...; await updateMemberDerived(tx, memberId, now); });
 */
export async function updateMemberDerived(tx: Tx, memberId: number, now: Date, config?: SegmentationConfig): Promise<void> {
  const rules = config ?? (await segmentationConfigAt(tx, now));
  const one: MemberScope = { kind: 'one', memberId };
  await run(tx, upsertAggregatesSql(now, rules, one, now));
  await run(tx, classifySql(now, rules, one, { kind: 'latest' }, null));
}
