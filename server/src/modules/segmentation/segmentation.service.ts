import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { execute, executePrepared, withTransaction, type Database, type Executor, type Tx } from '../../db';
import type { ServerContext } from '../../server';
import { AppError } from '../../errors';
import { idArray } from '../orders/orders.repo';
import { segmentationConfigAt } from './segmentation.repo';
import {
  AGGREGATES_STATE_SQL,
  changedMembersSql,
  classifySql,
  CLEAR_CHANGE_MARKS_SQL,
  insertStatsSql,
  instantSql,
  LAST_REFRESH_AS_OF_SQL,
  parameteriseInstants,
  recordAggregatesStateSql,
  recordRefreshAsOfSql,
  STALE_AGGREGATES_SQL,
  statsSql,
  upsertAggregatesSql,
  foldMemberPreferencesSql,
  memberPreferencesFromHistorySql,
  rebuildPreferencesSql,
  type AggregatesState,
  type MemberScope,
  type RefreshSource,
  type SegmentationConfig,
  type StatsSource,
  type StatsValues,
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
  /** Where the inputs come from (see RefreshSource); default `history`. */
  source?: RefreshSource;
}

export interface RefreshResult extends Record<string, unknown> {
  asOf: string;
  source: RefreshSource;
  members: number;
  /** Members whose order aggregates were recomputed: all from history, the changed ones from the orders. */
  reaggregated: number;
  /** Members whose classification changed, so their row was written. */
  written: number;
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

/** The state the stored aggregates are as of, when a refresh from history or the orders recorded one. */
async function aggregatesState(executor: Executor): Promise<AggregatesState | null> {
  const [row] = await execute<{ as_of: string; rfm_window_start: string; growth_window_start: string }>(
    executor,
    sql.raw(AGGREGATES_STATE_SQL),
  );
  if (!row) return null;
  return {
    asOf: new Date(row.as_of),
    rfmWindowStart: new Date(row.rfm_window_start),
    growthWindowStart: new Date(row.growth_window_start),
  };
}

async function refreshIn(tx: Tx, options: RefreshOptions, now: Date): Promise<RefreshResult> {
  const started = Date.now();
  const { asOf } = options;
  const total = REFRESH_STAGES.length;
  const progress = async (stage: RefreshStage, done: number) => options.onProgress?.(stage, done, total);
  // Refreshes wait for each other instead of interleaving their statements.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('segments.refresh'))`);
  // Compiling these one-off statements (in every parallel worker) costs more than it saves.
  await tx.execute(sql`set local jit = off`);
  const config = options.config ?? (await segmentationConfigAt(tx, asOf));
  const all: MemberScope = { kind: 'all' };
  const runId = options.runId ?? null;
  const source = options.source ?? 'history';
  if (source !== 'history') {
    const [last] = await execute<{ as_of: string | null }>(tx, sql.raw(LAST_REFRESH_AS_OF_SQL));
    if (last?.as_of && new Date(last.as_of) > asOf) {
      const message = `is before the last refresh (${new Date(last.as_of).toISOString()}); only source history can replay the past`;
      throw new AppError('VALIDATION_FAILED', `Invalid input — asOf: ${message}`, [{ field: 'body.asOf', message }]);
    }
  }

  // From history every member is re-aggregated; from the orders only those whose orders were written or whose
  // windows lost an order since the stored aggregates' as-of (everyone when no such state was recorded).
  const state = source === 'orders' ? await aggregatesState(tx) : null;
  const everyone = source !== 'aggregates' && state === null;
  let reaggregated = 0;
  await progress('aggregates', 0);
  if (source !== 'aggregates') {
    // The marks are read first, so a mark added while this runs stays for the next refresh.
    for (const statement of changedMembersSql(asOf, config, state)) await run(tx, statement);
    if (state) {
      const [delta] = await execute<{ n: number }>(tx, sql`select count(*)::int as n from pg_temp.segment_delta`);
      reaggregated = delta?.n ?? 0;
    }
    for (const statement of upsertAggregatesSql(asOf, config, everyone ? all : { kind: 'changed' }, now)) {
      await run(tx, statement);
    }
    await run(tx, CLEAR_CHANGE_MARKS_SQL);
    // After rewriting everyone's aggregates the planner's statistics may describe another shop (e.g. no buyers
    // yet after a bulk load), which sends the cut points down a slow index scan; ANALYZE samples ~30,000 rows.
    if (everyone) await run(tx, 'analyze member_metrics');
    await run(tx, recordAggregatesStateSql(asOf, config));
  }

  await progress('stats', 1);
  let stats: Exclude<StatsSource, { kind: 'values' }> = { kind: 'latest' };
  if (!options.reuseStoredStats) {
    await run(tx, `delete from segment_stats where as_of = ${instantSql(asOf)}`);
    // The cut points sort each RFM input of every buyer (four sorts of up to a million values): in memory, not
    // on disk — for this statement only, so the rebuild's many hash joins keep the server's default.
    await run(tx, "set local work_mem = '32MB'");
    await run(tx, insertStatsSql(asOf, config, runId));
    await run(tx, 'set local work_mem to default');
    stats = { kind: 'as_of', asOf };
  }
  const [counted] = await execute<{ members: number; buyers: number }>(
    tx,
    sql`select count(*)::int as members, (count(*) filter (where frequency_365 > 0))::int as buyers from member_metrics`,
  );

  await progress('classify', 2);
  const [values] = await execute<StatsValues & Record<string, unknown>>(
    tx,
    sql.raw(`select r_cuts, f_cuts, m_cuts, layer_cuts, buyers, r_sum::text as r_sum, f_sum::text as f_sum,
      m_sum::text as m_sum from (${statsSql(stats)}) s`),
  );
  // From history the preference scores are rebuilt first; classification ranks them.
  if (source === 'history') for (const statement of rebuildPreferencesSql(asOf, config)) await run(tx, statement);
  const statements = classifySql(asOf, config, all, { kind: 'values', values: values ?? null }, runId, source);
  for (const statement of statements.slice(0, -1)) await run(tx, statement);
  const [classified] = await execute<{ written: number; changes: number }>(tx, sql.raw(statements.at(-1) ?? ''));
  await run(tx, recordRefreshAsOfSql(asOf, config));
  // A rebuild rewrote everyone's classification too (the first ANALYZE saw the old one): audiences plan against
  // the new distribution at once.
  if (everyone) await run(tx, 'analyze member_metrics');
  await progress('classify', 3);
  return {
    asOf: asOf.toISOString(),
    source,
    members: counted?.members ?? 0,
    reaggregated: everyone ? (counted?.members ?? 0) : reaggregated,
    written: classified?.written ?? 0,
    buyers: counted?.buyers ?? 0,
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
 * The members whose stored order aggregates no longer match their orders (see STALE_AGGREGATES_SQL): a refresh
 * with `source: 'aggregates'` would classify them from old figures; `orders` or `history` re-aggregates them.
 */
export async function countStaleAggregates(executor: Executor): Promise<number> {
  const [row] = await execute<{ stale: number }>(executor, sql.raw(STALE_AGGREGATES_SQL));
  return row?.stale ?? 0;
}

/**
 * What changed about a member's orders, for the one-member update: the orders that became counted (paid, not
 * fully refunded) and those that were fully refunded in this transaction. Their lines are added to or taken from
 * the member's stored preference scores; nothing else of the member's history is read for preferences.
 */
export interface MemberOrderChanges {
  counted?: readonly number[];
  fullyRefunded?: readonly number[];
}

async function runOneMember(tx: Tx, statement: string, leading: readonly unknown[]): Promise<Record<string, unknown>[]> {
  // Prepared once per connection: planning these statements costs several times their execution.
  const { text, params } = parameteriseInstants(statement, leading);
  return executePrepared(tx, `member-segments-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, params);
}

/**
 * One member's aggregates and classifications as of `now`, against the cut points and means of the last refresh
 * (shared scoreMember semantics), in the caller's transaction — after a paid order or a settled refund, naming
 * the orders whose lines count anew or no longer. The order aggregates are re-counted from the member's orders;
 * the activity score is the stored one (the events keep it current) decayed to now; the preference scores are the
 * stored ones decayed to now with the named orders' lines folded in (built from the member's history once, when
 * none are stored). The tier is not touched: the paid-order flow and the tier review own it. Without any stored
 * stats the RFM fields stay empty until the first refresh.
 *
 * @example
 * await withTransaction(database, async (tx) => { ...; await updateMemberDerived(tx, memberId, now, { counted: [orderId] }); });
 */
export async function updateMemberDerived(
  tx: Tx,
  memberId: number,
  now: Date,
  changes: MemberOrderChanges = {},
  config?: SegmentationConfig,
): Promise<void> {
  if (!Number.isSafeInteger(memberId)) throw new RangeError(`memberId must be an integer, got ${memberId}`);
  const rules = config ?? (await segmentationConfigAt(tx, now));
  const one: MemberScope = { kind: 'one', memberId };
  for (const statement of upsertAggregatesSql(now, rules, one, now)) await runOneMember(tx, statement, [memberId]);
  // member_metrics before member_preferences: the order an event batch locks them in too.
  const [stored] = await runOneMember(
    tx,
    `with m as (select 1 from member_metrics where member_id = $1::int8 for update)
      select 1 as stored from member_preferences where member_id = $1::int8 and exists (select 1 from m) for update`,
    [memberId],
  );
  if (stored) {
    const folded = [idArray(changes.counted ?? []), idArray(changes.fullyRefunded ?? [])];
    await runOneMember(tx, foldMemberPreferencesSql(now, rules), [memberId, ...folded]);
  } else {
    await runOneMember(tx, memberPreferencesFromHistorySql(now, rules, memberId), [memberId]);
  }
  for (const statement of classifySql(now, rules, one, { kind: 'latest' }, null)) await runOneMember(tx, statement, [memberId]);
}
