/**
 * The set-based statements of a segment refresh, compiled from the shared SQL builders. The aggregation and
 * the classification take a member filter, so the nightly batch (all members) and the one-member update after an
 * order or a refund run the very same SQL and cannot drift apart; preference scores are summed by the same
 * builder from a member's history or from only the signals folded into their stored scores. Only server-chosen
 * expressions, ISO instants and validated config numbers reach the SQL text.
 */
import {
  activityDecayFactorSql,
  activityEventPointsSql,
  behaviourStateSql,
  lifecycleStageSql,
  rfmCutPointsSql,
  rfmDaysBetweenSql,
  rfmScoreSql,
  rfmSegmentSql,
  rfmWindowStart,
  valueLayerCutPointsSql,
  valueLayerSql,
  growthWindowStart,
  PRICE_BAND_FRACTIONS,
  PRICE_BANDS,
  type BehaviourConfig,
  type LifecycleConfig,
  type PreferencesConfig,
  type RfmConfig,
  type TierConfig,
} from '@member-ops/shared';
import { PAID_ORDER_STATUSES } from '../../db/schema';

export interface SegmentationConfig {
  rfm: RfmConfig;
  lifecycle: LifecycleConfig;
  behaviour: BehaviourConfig;
  preferences: PreferencesConfig;
  tier: Pick<TierConfig, 'windowDays'>;
}

/**
 * Which members a statement touches: all of them, one (the incremental path), or those listed in the temporary
 * table segment_delta (a refresh from the orders; see changedMembersSql).
 */
export type MemberScope = { kind: 'all' } | { kind: 'one'; memberId: number } | { kind: 'changed' };

/** A timestamptz literal of a JS Date (an ISO string, so nothing user-supplied reaches the SQL text). */
export function instantSql(at: Date): string {
  return `'${at.toISOString()}'::timestamptz`;
}

/**
 * The member filter. For one member it is the parameter $1 (the member id), so the one-member statements have
 * the same text for every member and can be prepared once (see parameteriseInstants).
 */
function scopeSql(column: string, scope: MemberScope): string {
  if (scope.kind === 'all') return 'true';
  if (scope.kind === 'changed') return `${column} in (select d.member_id from pg_temp.segment_delta d)`;
  if (!Number.isSafeInteger(scope.memberId)) throw new RangeError(`memberId must be an integer, got ${scope.memberId}`);
  return `${column} = $1::int8`;
}

/**
 * Turns a one-member statement into one whose text does not change with time: every instant literal becomes a
 * parameter after the statement's own ($1 the member id, and any after it), in order of first appearance.
 * Returns the text and its parameters.
 */
export function parameteriseInstants(statement: string, leading: readonly unknown[]): { text: string; params: unknown[] } {
  const params: unknown[] = [...leading];
  const numbers = new Map<string, number>();
  const text = statement.replace(/'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)'::timestamptz/g, (_, iso: string) => {
    let n = numbers.get(iso);
    if (n === undefined) {
      params.push(iso);
      n = params.length;
      numbers.set(iso, n);
    }
    return `$${n}::timestamptz`;
  });
  return { text, params };
}

const PAID = `o.status in (${PAID_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`;
/** The shared rule: a refund of the whole (non-zero) amount undoes the purchase. */
const fullyRefunded = (refunded: string) => `(${refunded} > 0 and ${refunded} >= o.paid_fen)`;
const FULLY_REFUNDED = fullyRefunded('o.refunded_fen');

/**
 * What a replay as of a past instant knows of order o's refunds (shared refundedAsOf): its refunded_fen less the
 * refunds settled after the instant, which `laterRefundsJoin` brings in as lr. An amount recorded on the order
 * without refund rows (a generated shop) counts as settled with the payment. Pre-aggregated per order from the
 * refunds settled after the instant — none for a refresh as of now — so no member's refunds are scanned one by one.
 */
const REFUNDED_AS_OF = 'greatest(o.refunded_fen - coalesce(lr.fen, 0), 0)';
const FULLY_REFUNDED_AS_OF = fullyRefunded(REFUNDED_AS_OF);
function laterRefundsJoin(at: string, scope: MemberScope): string {
  return `left join (select r.order_id, sum(r.amount_fen)::int8 as fen from refunds r
        where r.status = 'succeeded' and r.succeeded_at > ${at} and ${scopeSql('r.member_id', scope)}
        group by r.order_id) lr on lr.order_id = o.id`;
}

const AGGREGATE_COLUMNS = [
  'orders_total',
  'spend_total_fen',
  'first_order_at',
  'last_order_at',
  'mean_gap_days',
  'frequency_365',
  'monetary_365_fen',
  'growth_value_fen',
] as const;

/**
 * R of RFM as of `at` from the stored last counted order: whole 24 h periods (shared rfmDaysBetween), never
 * negative (an order after the as-of instant, bought since the last refresh, counts as today); null for a member
 * without an order in the window.
 */
export function recencyDaysSql(at: string): string {
  return `case when mm.frequency_365 > 0 then greatest(0, ${rfmDaysBetweenSql('mm.last_order_at', at)}) end`;
}

/**
 * Where a refresh takes its inputs from:
 * - `history`: orders, order lines and events up to the as-of instant — everything rebuilt, so any past instant
 *   can be replayed (an import, a changed rule);
 * - `orders`: the order aggregates re-computed from the orders for the members whose paid orders were written
 *   (marked by a trigger) or left a window since the aggregates' last as-of — everyone else's already equal a
 *   fresh aggregation; activity decayed forward from the score the events keep current, preferences as purchases,
 *   refunds and events keep them — the nightly run;
 * - `aggregates`: the stored per-member aggregates only (windows as of their last update), re-scored and
 *   re-classified as of the instant.
 * The last two need an as-of instant no earlier than the stored state (a refresh refuses otherwise).
 */
export type RefreshSource = 'history' | 'orders' | 'aggregates';

/**
 * Per-member order aggregates as of `asOf` (orders paid later are ignored, so history replays): all-time count,
 * spend, first/last order and mean gap for the lifecycle; F and M over (asOf − window, asOf] and R to asOf for RFM;
 * growth value over the tier window. Members without orders get zeros, so a window that moved on clears them.
 * Only rows whose aggregates differ are written. Returns the statements to run in order, in one transaction.
 */
export function upsertAggregatesSql(asOf: Date, config: SegmentationConfig, scope: MemberScope, now: Date): string[] {
  const at = instantSql(asOf);
  const rfmStart = instantSql(rfmWindowStart(asOf, config.rfm));
  const growthStart = instantSql(growthWindowStart(asOf, config.tier));
  const counted = `not ${FULLY_REFUNDED_AS_OF}`;
  const net = `o.paid_fen - ${REFUNDED_AS_OF}`;
  const aggregates = `select o.member_id,
        count(*) filter (where ${counted})::int as orders_total,
        sum(${net})::int8 as spend_total_fen,
        min(o.paid_at) filter (where ${counted}) as first_order_at,
        max(o.paid_at) filter (where ${counted}) as last_order_at,
        count(*) filter (where ${counted} and o.paid_at > ${rfmStart})::int as frequency_365,
        coalesce(sum(${net}) filter (where o.paid_at > ${rfmStart}), 0)::int8 as monetary_365_fen,
        coalesce(sum(${net}) filter (where o.paid_at >= ${growthStart}), 0)::int8 as growth_value_fen
      from orders o ${laterRefundsJoin(at, scope)}
      where ${PAID} and o.paid_at <= ${at} and ${scopeSql('o.member_id', scope)}
      group by o.member_id`;
  const meanGap = `case when a.orders_total >= 2 then extract(epoch from a.last_order_at - a.first_order_at) / 86400 / (a.orders_total - 1) end`;
  const values: Record<(typeof AGGREGATE_COLUMNS)[number], string> = {
    orders_total: 'a.orders_total',
    spend_total_fen: 'a.spend_total_fen',
    first_order_at: 'a.first_order_at',
    last_order_at: 'a.last_order_at',
    mean_gap_days: meanGap,
    frequency_365: 'a.frequency_365',
    monetary_365_fen: 'a.monetary_365_fen',
    growth_value_fen: 'a.growth_value_fen',
  };
  const zeros: Record<(typeof AGGREGATE_COLUMNS)[number], string> = {
    orders_total: '0',
    spend_total_fen: '0',
    first_order_at: 'null',
    last_order_at: 'null',
    mean_gap_days: 'null',
    frequency_365: '0',
    monetary_365_fen: '0',
    growth_value_fen: '0',
  };
  const list = (row: Record<string, string>) => AGGREGATE_COLUMNS.map((c) => row[c]).join(', ');
  const assign = (row: Record<string, string>) => AGGREGATE_COLUMNS.map((c) => `${c} = ${row[c]}`).join(', ');
  const old = `(${AGGREGATE_COLUMNS.map((c) => `mm.${c}`).join(', ')})`;
  const updates = `changed as (
      update member_metrics mm set ${assign(values)}, updated_at = ${instantSql(now)}
      from segment_aggregates a
      where a.member_id = mm.member_id and ${old} is distinct from (${list(values)})
      returning 1
    ), cleared as (
      update member_metrics mm set ${assign(zeros)}, updated_at = ${instantSql(now)}
      where ${scopeSql('mm.member_id', scope)} and ${old} is distinct from (${list(zeros)})
        and not exists (select 1 from segment_aggregates a where a.member_id = mm.member_id)
      returning 1
    )
    select (select count(*) from changed)::int + (select count(*) from cleared)::int as written`;
  if (scope.kind === 'one') return [`with segment_aggregates as (${aggregates}), ${updates}`];
  // For the whole shop the aggregation runs on its own, where PostgreSQL may scan the orders in parallel (a
  // statement that writes never runs in parallel), and only the members whose aggregates differ are written.
  return [
    'drop table if exists pg_temp.segment_aggregates',
    `create temporary table segment_aggregates on commit drop as ${aggregates}`,
    'create unique index on segment_aggregates (member_id)',
    'analyze segment_aggregates',
    `with ${updates}`,
  ];
}

/** The instant the stored order aggregates were last computed as of, with the window starts they used. */
export interface AggregatesState {
  asOf: Date;
  rfmWindowStart: Date;
  growthWindowStart: Date;
}

const AGGREGATES_STATE_KEY = 'segments.aggregates';

/** Records that every member's stored aggregates are as of `asOf` (after a refresh from history or the orders). */
export function recordAggregatesStateSql(asOf: Date, config: SegmentationConfig): string {
  return `insert into kv_settings (key, value)
    values ('${AGGREGATES_STATE_KEY}', jsonb_build_object('asOf', ${instantSql(asOf)},
      'rfmWindowStart', ${instantSql(rfmWindowStart(asOf, config.rfm))},
      'growthWindowStart', ${instantSql(growthWindowStart(asOf, config.tier))}))
    on conflict (key) do update set value = excluded.value, updated_at = now()`;
}

/** Forgets the aggregates' state after a load that bypassed the change marks: the next refresh re-aggregates all. */
export const FORGET_AGGREGATES_STATE_SQL = `delete from kv_settings where key = '${AGGREGATES_STATE_KEY}'`;

/** The stored aggregates' state as text columns, or no row. */
export const AGGREGATES_STATE_SQL = `select value->>'asOf' as as_of, value->>'rfmWindowStart' as rfm_window_start,
    value->>'growthWindowStart' as growth_window_start
  from kv_settings where key = '${AGGREGATES_STATE_KEY}'`;

/**
 * Fills the temporary table segment_delta (member_id, version) with the members whose stored aggregates may
 * differ from a fresh aggregation as of `asOf`: those marked in member_aggregate_changes (their paid orders were
 * written since; version kept so the mark can be removed exactly), and — given the state the aggregates are
 * as of — those with a paid order that left the F/M or growth window between then and asOf or was paid after
 * then, or with a refund settled after then. Every other member's aggregates already equal a fresh aggregation.
 * Without a state, only the marks.
 */
export function changedMembersSql(asOf: Date, config: SegmentationConfig, state: AggregatesState | null): string[] {
  const ranges: string[] = [];
  if (state) {
    const between = (a: Date, b: Date) =>
      `(o.paid_at >= ${instantSql(a < b ? a : b)} and o.paid_at <= ${instantSql(a < b ? b : a)})`;
    ranges.push(between(state.rfmWindowStart, rfmWindowStart(asOf, config.rfm)));
    ranges.push(between(state.growthWindowStart, growthWindowStart(asOf, config.tier)));
    ranges.push(`o.paid_at > ${instantSql(state.asOf < asOf ? state.asOf : asOf)}`);
  }
  // A refund settled after the earlier of the two instants counts in one aggregation and not in the other.
  const windowed = state
    ? `union all select o.member_id, null::int8 from orders o where ${PAID} and o.member_id is not null and (${ranges.join(' or ')})
       union all select r.member_id, null::int8 from refunds r
       where r.status = 'succeeded' and r.succeeded_at > ${instantSql(state.asOf < asOf ? state.asOf : asOf)}`
    : '';
  return [
    'drop table if exists pg_temp.segment_delta',
    `create temporary table segment_delta on commit drop as
      select member_id, max(version) as version from (
        select c.member_id, c.version from member_aggregate_changes c ${windowed}
      ) d group by member_id`,
    'create unique index on segment_delta (member_id)',
    'analyze segment_delta',
  ];
}

/**
 * How many members marked in member_aggregate_changes have stored order aggregates (count, spend, last order)
 * that differ from their paid orders up to now — orders written without the one-member update, e.g. by an
 * import. Marks whose member was updated in the same transaction as the order (a payment) agree and do not
 * count. A refresh from the stored aggregates would classify the members counted here from old figures.
 */
export const STALE_AGGREGATES_SQL = `select count(*)::int as stale from member_aggregate_changes c
  left join member_metrics mm on mm.member_id = c.member_id
  cross join lateral (
    select count(*) filter (where not ${FULLY_REFUNDED})::int as orders_total,
      coalesce(sum(o.paid_fen - o.refunded_fen), 0)::int8 as spend_total_fen,
      max(o.paid_at) filter (where not ${FULLY_REFUNDED}) as last_order_at
    from orders o where o.member_id = c.member_id and ${PAID} and o.paid_at <= now()
  ) a
  where (mm.orders_total, mm.spend_total_fen, mm.last_order_at) is distinct from (a.orders_total, a.spend_total_fen, a.last_order_at)`;

/** Removes the marks segment_delta read, unless a writer re-marked the member since (a new version). */
export const CLEAR_CHANGE_MARKS_SQL = `delete from member_aggregate_changes c using pg_temp.segment_delta d
  where c.member_id = d.member_id and c.version = d.version`;

/** The layer value: predicted 12-month value where the CLV model gave one, else M (shared valueLayerBasisOf). */
const LAYER_VALUE = 'coalesce(mm.expected_value_365_fen, mm.monetary_365_fen)';

/**
 * Replaces the segment_stats row of `asOf` with the cut points and means of the buyers (F ≥ 1) in the stored
 * aggregates. The exact sums behind the means go to `details`, so one member can later be compared with the
 * mean without rounding (shared ExactMean). No buyers → no row.
 */
export function insertStatsSql(asOf: Date, config: SegmentationConfig, runId: number | null): string {
  const recency = recencyDaysSql(instantSql(asOf));
  return `insert into segment_stats (as_of, window_days, buyers, recency_cuts, frequency_cuts, monetary_cuts,
      recency_mean, frequency_mean, monetary_mean, value_layer_cuts, details)
    select ${instantSql(asOf)}, ${config.rfm.windowDays}, count(*)::int,
      (${rfmCutPointsSql('r.recency_days', 'lower_is_better')})::float8[],
      (${rfmCutPointsSql('mm.frequency_365', 'higher_is_better')})::float8[],
      (${rfmCutPointsSql('mm.monetary_365_fen', 'higher_is_better')})::float8[],
      (sum(r.recency_days)::numeric / count(*))::float8,
      (sum(mm.frequency_365)::numeric / count(*))::float8,
      (sum(mm.monetary_365_fen)::numeric / count(*))::float8,
      (${valueLayerCutPointsSql(LAYER_VALUE, config.rfm)})::float8[],
      jsonb_build_object('recencySum', sum(r.recency_days)::int8, 'frequencySum', sum(mm.frequency_365)::int8,
        'monetarySum', sum(mm.monetary_365_fen)::int8, 'runId', ${runId ?? 'null'}::int8)
    from member_metrics mm cross join lateral (select ${recency} as recency_days) r where mm.frequency_365 > 0
    having count(*) > 0`;
}

/** The cut points and exact sums behind the means that members are scored against. */
export interface StatsValues {
  r_cuts: number[];
  f_cuts: number[];
  m_cuts: number[];
  layer_cuts: number[];
  buyers: number;
  r_sum: string;
  f_sum: string;
  m_sum: string;
}

/**
 * The stored stats a classification scores against: those of `asOf`, or the latest refresh's, read by the
 * statement; or values already read from there (written into the SQL as literals, which lets PostgreSQL scan
 * the members in parallel). `values: null` means there are no stats (no buyers yet).
 */
export type StatsSource = { kind: 'as_of'; asOf: Date } | { kind: 'latest' } | { kind: 'values'; values: StatsValues | null };

/** The stats row of a stored source, in the shape of StatsValues. */
export function statsSql(source: Exclude<StatsSource, { kind: 'values' }>): string {
  const pick = source.kind === 'as_of' ? `where as_of = ${instantSql(source.asOf)}` : 'order by id desc limit 1';
  return `select recency_cuts as r_cuts, frequency_cuts as f_cuts, monetary_cuts as m_cuts, value_layer_cuts as layer_cuts,
      buyers, (details->>'recencySum')::numeric as r_sum, (details->>'frequencySum')::numeric as f_sum,
      (details->>'monetarySum')::numeric as m_sum
    from segment_stats ${pick}`;
}

/** Decayed activity score per member from the events up to asOf (shared activityScoreFromEvents). */
function activitySql(asOf: Date, config: BehaviourConfig, scope: MemberScope): string {
  const points = activityEventPointsSql('e.type', '(e.dwell_ms / 1000.0)', config);
  const decay = activityDecayFactorSql('e.occurred_at', instantSql(asOf), config);
  return `select e.member_id, sum(${points} * ${decay}) as score
    from events e where e.occurred_at <= ${instantSql(asOf)} and ${scopeSql('e.member_id', scope)}
    group by e.member_id`;
}

/** Event types that are preference signals, by signal kind of shared preferences. */
const EVENT_SIGNALS: Record<'cart' | 'favorite' | 'view', string> = {
  cart: 'add_to_cart',
  favorite: 'favorite',
  view: 'product_view',
};

/** The preference decay from `from` to `to`: the behaviour decay with the preferences' half-life. */
function preferenceDecaySql(from: string, to: string, config: SegmentationConfig): string {
  return activityDecayFactorSql(from, to, { ...config.behaviour, halfLifeDays: config.preferences.halfLifeDays });
}

/**
 * Which order lines and events a preference state is built from:
 * - `history`: every purchase line of a counted order and every product event up to asOf of the members in scope;
 * - `fold`: only the lines of the orders in the parameters $2 (orders that became counted: each line adds its
 *   worth) and $3 (orders that were fully refunded: each line takes its worth away) of the member $1;
 * - `events`: only the product events of `relation` (member_id, type, occurred_at, product_id), just stored.
 */
type SignalSource = { kind: 'history'; scope: MemberScope } | { kind: 'fold' } | { kind: 'events'; relation: string };

/**
 * CTEs ending in signal_scores (member_id, kind, key, score): each member's unrounded preference scores as of
 * asOf per category, brand and price band (shared preferencesFrom) — every signal worth its kind's weight halved
 * every half-life. A line's price is its unit price, an event's the product's lowest SKU price; a category's band
 * cut points are the terciles of its products' lowest SKU prices (shared categoryPriceCutPoints).
 */
function signalScoresSql(asOf: Date, config: SegmentationConfig, source: SignalSource): string {
  const prefs = config.preferences;
  const at = instantSql(asOf);
  const purchase = `${prefs.signalWeights.purchase}::float8`;
  const eventWeight = `(case e.type ${Object.entries(EVENT_SIGNALS)
    .map(([kind, type]) => `when '${type}' then ${prefs.signalWeights[kind as keyof typeof EVENT_SIGNALS]}::float8`)
    .join(' ')} end)`;
  const productEvents = (from: string, where: string) => `select e.member_id, e.occurred_at as at, c.code as category,
        b.code as brand, ${eventWeight} as weight, pp.price
      from ${from} e join products p on p.id = e.product_id join categories c on c.id = p.category_id
        left join brands b on b.id = p.brand_id left join product_prices pp on pp.product_id = p.id
      where e.type in (${Object.values(EVENT_SIGNALS)
        .map((t) => `'${t}'`)
        .join(', ')})
        and e.occurred_at <= ${at} and ${where}`;
  const lines =
    source.kind === 'events'
      ? productEvents(source.relation, 'true')
      : source.kind === 'history'
        ? `select i.member_id, o.paid_at as at, i.category, i.brand, ${purchase} as weight, i.unit_price_fen::int8 as price
      from order_items i join orders o on o.id = i.order_id ${laterRefundsJoin(at, source.scope)}
      where ${PAID} and not ${FULLY_REFUNDED_AS_OF} and o.paid_at <= ${at} and ${scopeSql('i.member_id', source.scope)}
      union all
      ${productEvents('events', scopeSql('e.member_id', source.scope))}`
        : `select i.member_id, o.paid_at as at, i.category, i.brand,
        case when o.id = any($2::int8[]) then ${purchase} else -${purchase} end as weight, i.unit_price_fen::int8 as price
      from orders o join order_items i on i.order_id = o.id
      where o.member_id = $1::int8 and i.member_id = $1::int8 and o.paid_at <= ${at}
        and ((o.id = any($2::int8[]) and ${PAID} and not ${FULLY_REFUNDED}) or (o.id = any($3::int8[]) and ${FULLY_REFUNDED}))`;
  // Only the categories the signals name need cut points (one member: a few; the whole shop: all).
  const wholeShop = source.kind === 'history' && source.scope.kind !== 'one';
  const pricesIn = (categories: string) => `select k.product_id, min(k.price_fen)::int8 as price
      from skus k join products p on p.id = k.product_id
      where p.category_id in (${categories})
      group by k.product_id`;
  const productPrices =
    source.kind === 'fold'
      ? pricesIn(`select c.id from categories c where c.code in (select i.category from order_items i
          where i.order_id = any($2::int8[]) or i.order_id = any($3::int8[]))`)
      : source.kind === 'events'
        ? pricesIn(`select p.category_id from products p where p.id in (select e.product_id from ${source.relation} e)`)
        : 'select k.product_id, min(k.price_fen)::int8 as price from skus k group by k.product_id';
  // Not materialised: a CTE scan would keep the whole-shop statement from running in parallel.
  return `product_prices as not materialized (${productPrices}
    ), signals as (${lines}
    ), category_cuts as (
      select c.code as category,
        percentile_disc(array[${PRICE_BAND_FRACTIONS.map((f) => `${f}::float8`).join(', ')}]) within group (order by pp.price) as cuts
      from product_prices pp join products p on p.id = pp.product_id join categories c on c.id = p.category_id
      ${wholeShop ? '' : 'where c.code in (select s.category from signals s)'}
      group by c.code
    ), signal_scores as (
      select s.member_id, k.kind, k.key, sum(s.weight * ${preferenceDecaySql('s.at', at, config)}) as score
      from signals s left join category_cuts cc on cc.category = s.category
        cross join lateral (values ('category', s.category), ('brand', s.brand),
          ('band', case when s.price is null or cc.cuts is null then null
                        when s.price <= cc.cuts[1] then 'low' when s.price <= cc.cuts[2] then 'mid' else 'high' end)) as k(kind, key)
      where k.key is not null
      group by 1, 2, 3
    )`;
}

/**
 * The member_preferences columns of one member from rows (kind, key, score) of `relation`, grouped by `groupBy`:
 * codes sorted in "C" order with their scores, the bands' scores in PRICE_BANDS order. Scores whose magnitude is
 * below 1e-9 (what a full refund leaves of a purchase) are dropped: they round to 0 and can only decay.
 */
function preferenceArraysSql(relation: string): string {
  const kept = `abs(${relation}.score) >= 1e-9`;
  const codes = (kind: string) =>
    `coalesce(array_agg(${relation}.key order by ${relation}.key collate "C") filter (where ${relation}.kind = '${kind}' and ${kept}), '{}')`;
  const scores = (kind: string) =>
    `coalesce(array_agg(${relation}.score order by ${relation}.key collate "C") filter (where ${relation}.kind = '${kind}' and ${kept}), '{}')`;
  const band = (b: string) =>
    `coalesce(sum(${relation}.score) filter (where ${relation}.kind = 'band' and ${relation}.key = '${b}' and ${kept}), 0)`;
  return `${codes('category')} as category_codes, ${scores('category')}::float8[] as category_scores,
      ${codes('brand')} as brand_codes, ${scores('brand')}::float8[] as brand_scores,
      array[${PRICE_BANDS.map(band).join(', ')}]::float8[] as band_scores`;
}

/** The bands in the order of member_preferences.band_scores (PRICE_BANDS), as a SQL text array. */
const PRICE_BANDS_ARRAY = `array[${PRICE_BANDS.map((b) => `'${b}'`).join(', ')}]`;
const PREFERENCE_COLUMNS = ['category_codes', 'category_scores', 'brand_codes', 'brand_scores', 'band_scores'] as const;
const UPSERT_PREFERENCES = `on conflict (member_id) do update set scores_at = excluded.scores_at,
    ${PREFERENCE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/**
 * Statements rebuilding member_preferences as of asOf from every member's history (a refresh from history): the
 * scores are worked out by a read-only statement PostgreSQL may run in parallel, then written; members left
 * without any signal lose their row.
 */
export function rebuildPreferencesSql(asOf: Date, config: SegmentationConfig): string[] {
  return [
    'drop table if exists pg_temp.segment_preferences',
    // Some ten million (member, category/brand/band) groups: sorted in parallel rather than hashed into hundreds
    // of spilled batches on a planner estimate of a few hundred groups (≈ 50 s instead of ≈ 85 s at 1M members).
    'set local enable_hashagg = off',
    `create temporary table segment_preferences on commit drop as
      with ${signalScoresSql(asOf, config, { kind: 'history', scope: { kind: 'all' } })}
      select s.member_id, ${preferenceArraysSql('s')} from signal_scores s group by s.member_id`,
    'set local enable_hashagg to default',
    `insert into member_preferences (member_id, scores_at, ${PREFERENCE_COLUMNS.join(', ')})
      select s.member_id, ${instantSql(asOf)}, ${PREFERENCE_COLUMNS.map((c) => `s.${c}`).join(', ')} from segment_preferences s
      ${UPSERT_PREFERENCES}`,
    `delete from member_preferences p where not exists (select 1 from segment_preferences s where s.member_id = p.member_id)`,
  ];
}

/**
 * One statement writing member $1's preference state as of asOf from their whole history — for a member
 * without a stored state (the first purchase, or data loaded before the state existed).
 */
export function memberPreferencesFromHistorySql(asOf: Date, config: SegmentationConfig, memberId: number): string {
  const one: MemberScope = { kind: 'one', memberId };
  return `with ${signalScoresSql(asOf, config, { kind: 'history', scope: one })}
    insert into member_preferences (member_id, scores_at, ${PREFERENCE_COLUMNS.join(', ')})
    select $1::int8, ${instantSql(asOf)}, ${preferenceArraysSql('s')} from signal_scores s
    ${UPSERT_PREFERENCES}`;
}

/**
 * One statement moving member $1's stored preference state to asOf: every stored score decayed from its
 * instant, plus the worth of the lines of the orders in $2 that became counted, minus that of the lines of the
 * orders in $3 that were fully refunded — the sums a rebuild from history computes, without reading the member's
 * history. Needs a stored state (see memberPreferencesFromHistorySql).
 */
export function foldMemberPreferencesSql(asOf: Date, config: SegmentationConfig): string {
  return `with ${signalScoresSql(asOf, config, { kind: 'fold' })},
    ${foldIntoStoredSql(asOf, config, '$1::int8')}
    select 1`;
}

/**
 * For the events just stored (relation `events`, one member's): CTEs that fold their product signals into the
 * member's stored preference state as of `now` and write it, ending in `preference_state` (no row when the member
 * has no stored state — the next purchase builds it from history, these events included). Rank it with
 * preferenceRankingSql. The member's member_metrics row is locked before their member_preferences row, the order
 * a paid order or a refund takes them in, so the two cannot deadlock.
 */
export function foldEventPreferencesSql(now: Date, config: SegmentationConfig, memberId: number, events: string): string {
  if (!Number.isSafeInteger(memberId)) throw new RangeError(`memberId must be an integer, got ${memberId}`);
  return `${signalScoresSql(now, config, { kind: 'events', relation: events })},
    metrics_locked as (select 1 from member_metrics where member_id = ${memberId}::int8 for update),
    ${foldIntoStoredSql(now, config, `${memberId}::int8`, 'exists (select 1 from metrics_locked)')}`;
}

/**
 * CTEs folding signal_scores into the member's stored preference state: stored_preferences (locked, read once
 * `lockedAfter` holds), preference_state (member_id, scores_at = asOf and the score arrays: the stored scores
 * decayed to asOf plus signal_scores; no row without a stored state) and preference_written, which stores it.
 */
function foldIntoStoredSql(asOf: Date, config: SegmentationConfig, memberId: string, lockedAfter = 'true'): string {
  const at = instantSql(asOf);
  const decay = preferenceDecaySql('st.scores_at', at, config);
  return `stored_preferences as (
      select * from member_preferences where member_id = ${memberId} and ${lockedAfter} for update
    ), scores as (
      select x.kind, x.key, sum(x.score) as score from (
        select 'category' as kind, u.key, u.score * ${decay} as score
          from stored_preferences st cross join lateral unnest(st.category_codes, st.category_scores) as u(key, score)
        union all
        select 'brand', u.key, u.score * ${decay}
          from stored_preferences st cross join lateral unnest(st.brand_codes, st.brand_scores) as u(key, score)
        union all
        select 'band', u.key, u.score * ${decay}
          from stored_preferences st cross join lateral unnest(${PRICE_BANDS_ARRAY}, st.band_scores) as u(key, score)
        union all
        select s.kind, s.key, s.score from signal_scores s
      ) x group by x.kind, x.key
    ), preference_state as (
      select ${memberId} as member_id, ${at} as scores_at, ${preferenceArraysSql('scores')} from scores
      having exists (select 1 from stored_preferences)
    ), preference_written as (
      update member_preferences p set scores_at = ps.scores_at,
        ${PREFERENCE_COLUMNS.map((c) => `${c} = ps.${c}`).join(', ')}
      from preference_state ps where p.member_id = ps.member_id
      returning 1
    )`;
}

/**
 * The member's top categories, top brands and price band as of `at` from their stored preference state `ps`
 * (shared preferencesFrom): scores decayed from the state's instant and rounded to 6 decimals, only positive
 * ones, ties by code in "C" order (bands: the earlier of low, mid, high). No state → none.
 */
export function preferenceRankingSql(
  asOf: Date,
  config: SegmentationConfig,
): { categories: string; brands: string; band: string } {
  const decay = preferenceDecaySql('ps.scores_at', instantSql(asOf), config);
  const rounded = `round((u.score * ${decay})::numeric, 6)`;
  const top = (codes: string, scores: string, limit: number) =>
    `array(select u.code from unnest(ps.${codes}, ps.${scores}) as u(code, score) where ${rounded} > 0
      order by ${rounded} desc, u.code collate "C" limit ${limit})`;
  return {
    categories: top('category_codes', 'category_scores', config.preferences.topCategories),
    brands: top('brand_codes', 'brand_scores', config.preferences.topBrands),
    band: `(select u.code from unnest(${PRICE_BANDS_ARRAY}, ps.band_scores)
        with ordinality as u(code, score, position)
      where ${rounded} > 0 order by ${rounded} desc, u.position limit 1)`,
  };
}

type StatsRefs = Record<keyof StatsValues, string>;

/** How the classification refers to the stats: columns of the joined stats row, or literals. */
function statsRefs(stats: StatsSource): StatsRefs {
  if (stats.kind !== 'values') {
    return {
      r_cuts: 'c.r_cuts',
      f_cuts: 'c.f_cuts',
      m_cuts: 'c.m_cuts',
      layer_cuts: 'c.layer_cuts',
      buyers: 'c.buyers',
      r_sum: 'c.r_sum',
      f_sum: 'c.f_sum',
      m_sum: 'c.m_sum',
    };
  }
  const v = stats.values;
  const array = (values: number[] | undefined) => {
    if (!values) return 'null::float8[]';
    if (!values.every(Number.isFinite)) throw new RangeError(`cut points must be finite numbers, got ${values.join(', ')}`);
    return `'{${values.join(',')}}'::float8[]`;
  };
  const integer = (value: string | number | undefined) => {
    if (value === undefined) return 'null::numeric';
    if (!/^-?\d+$/.test(String(value))) throw new RangeError(`expected an integer, got ${value}`);
    return `${value}::numeric`;
  };
  return {
    r_cuts: array(v?.r_cuts),
    f_cuts: array(v?.f_cuts),
    m_cuts: array(v?.m_cuts),
    layer_cuts: array(v?.layer_cuts),
    buyers: v ? integer(v.buyers).replace('::numeric', '::int8') : 'null::int8',
    r_sum: integer(v?.r_sum),
    f_sum: integer(v?.f_sum),
    m_sum: integer(v?.m_sum),
  };
}

const CHANGE_DIMENSIONS = ['rfm_segment', 'lifecycle', 'value_layer', 'behaviour'] as const;

/** The classification columns; a member is written only when one of them changes. */
const CLASS_COLUMNS = ['rfm_r', 'rfm_f', 'rfm_m', 'rfm_segment', 'value_layer', 'lifecycle', 'behaviour'] as const;

/**
 * Classifies the members in scope from their stored aggregates (RFM scores, segment and value layer against the
 * chosen stats; lifecycle; behaviour; preferences), all as of `asOf`, in one UPDATE; the same statement records
 * each changed dimension in segment_changes by comparing with the rows as they were before it.
 *
 * With `history` the activity score is recomputed from the events up to asOf (for one member: the stored score,
 * which the events keep current, decayed to asOf), and the preferences are ranked from member_preferences, which
 * the caller brought to asOf first (rebuildPreferencesSql, or the one-member fold); otherwise the stored activity
 * score is decayed forward to asOf (exponential decay, so this equals the sum over the events) and preferences stay
 * as stored — a uniform decay does not reorder them. Only members whose classification (or, from history, activity
 * or preferences) changes are written, with R and the activity score as of asOf.
 */
export function classifySql(
  asOf: Date,
  config: SegmentationConfig,
  scope: MemberScope,
  stats: StatsSource,
  runId: number | null,
  source: RefreshSource = 'history',
): string[] {
  const at = instantSql(asOf);
  const fromHistory = source === 'history' || scope.kind === 'one';
  const c = statsRefs(stats);
  const buyer = 'mm.frequency_365 > 0';
  const means = {
    recency: { sum: c.r_sum, count: c.buyers },
    frequency: { sum: c.f_sum, count: c.buyers },
    monetary: { sum: c.m_sum, count: c.buyers },
  };
  const lifecycle = lifecycleStageSql(
    {
      now: at,
      firstPaidAt: 'mm.first_order_at',
      lastPaidAt: 'mm.last_order_at',
      paidOrderCount: 'mm.orders_total',
      lastActivityAt: 'null::timestamptz',
    },
    config.lifecycle,
  );
  const whenBuyer = (expr: string) => `case when ${buyer} and ${c.buyers} is not null then ${expr} end`;
  const decayed = `coalesce(mm.activity_score * ${activityDecayFactorSql('mm.activity_score_at', at, config.behaviour)}, 0)`;
  // Activity from the events for a rebuild; one member's stored score (the events keep it current) decayed forward.
  const fromEvents = source === 'history' && scope.kind !== 'one';
  const signals = fromEvents ? `activity as (${activitySql(asOf, config.behaviour, scope)}),` : '';
  const ranked = preferenceRankingSql(asOf, config);
  // The member's inputs as of asOf, as x: from the events and order lines, or from the stored state.
  const inputs = fromHistory
    ? `${fromEvents ? 'left join activity a on a.member_id = mm.member_id' : ''}
      left join member_preferences ps on ps.member_id = mm.member_id
      cross join lateral (select ${fromEvents ? 'coalesce(a.score, 0)' : decayed} as score,
        ${ranked.categories} as top_categories, ${ranked.brands} as top_brands, ${ranked.band} as price_band,
        ${recencyDaysSql(at)} as recency) x`
    : `cross join lateral (select ${decayed} as score, mm.top_categories, mm.top_brands, mm.price_band,
        ${recencyDaysSql(at)} as recency) x`;
  const recency = 'x.recency';
  const computed: Record<(typeof CLASS_COLUMNS)[number], string> = {
    rfm_r: whenBuyer(rfmScoreSql(recency, c.r_cuts, 'lower_is_better')),
    rfm_f: whenBuyer(rfmScoreSql('mm.frequency_365', c.f_cuts, 'higher_is_better')),
    rfm_m: whenBuyer(rfmScoreSql('mm.monetary_365_fen', c.m_cuts, 'higher_is_better')),
    rfm_segment: whenBuyer(
      rfmSegmentSql({ recencyDays: recency, frequency: 'mm.frequency_365', monetary: 'mm.monetary_365_fen' }, means),
    ),
    value_layer: whenBuyer(valueLayerSql(LAYER_VALUE, c.layer_cuts)),
    lifecycle,
    behaviour: behaviourStateSql('x.score', config.behaviour),
  };
  // Compared old with new to decide who is written: the classification, and from history also the inputs.
  const compared = [
    ...CLASS_COLUMNS,
    ...(fromHistory ? (['activity_score', 'top_categories', 'top_brands', 'price_band'] as const) : []),
  ];
  const newValue: Record<(typeof compared)[number], string> = {
    ...Object.fromEntries(CLASS_COLUMNS.map((column) => [column, `new_${column}`])),
    activity_score: 'score',
    top_categories: 'top_categories',
    top_brands: 'top_brands',
    price_band: 'price_band',
  } as Record<(typeof compared)[number], string>;
  const changed =
    scope.kind === 'one'
      ? 'true'
      : `(${compared.map((column) => `t.old_${column}`).join(', ')}) is distinct from (${compared.map((column) => `t.${newValue[column]}`).join(', ')})`;
  // One read of member_metrics works out the new classification of every member in scope and keeps only the
  // members whose classification changes, with their old values for segment_changes; only those rows are then
  // written.
  const select = `select t.* from (
        select mm.member_id,
          ${CLASS_COLUMNS.map((column) => `${computed[column]} as new_${column}`).join(',\n          ')},
          ${compared.map((column) => `mm.${column} as old_${column}`).join(', ')},
          x.recency, x.score, x.top_categories, x.top_brands, x.price_band
        from member_metrics mm ${stats.kind === 'values' ? '' : 'left join stats c on true'} ${inputs}
        where ${scopeSql('mm.member_id', scope)}
      ) t
      where ${changed}`;
  const apply = `after as (
      update member_metrics mm set
        ${CLASS_COLUMNS.map((column) => `${column} = ch.new_${column}`).join(',\n        ')},
        recency_days = ch.recency,
        activity_score = ch.score,
        activity_score_at = ${at},
        top_categories = ch.top_categories,
        top_brands = ch.top_brands,
        price_band = ch.price_band,
        segments_as_of = ${at}
      from segment_changed ch where ch.member_id = mm.member_id
      returning 1
    ), changes as (
      insert into segment_changes (member_id, dimension, from_value, to_value, as_of, run_id)
      select ch.member_id, v.dimension, v.from_value, v.to_value, ${at}, ${runId ?? 'null'}::int8
      from segment_changed ch
        cross join lateral (values ${CHANGE_DIMENSIONS.map((d) => `('${d}', ch.old_${d}, ch.new_${d})`).join(', ')})
          as v(dimension, from_value, to_value)
      where v.from_value is distinct from v.to_value
      returning 1
    )
    select (select count(*) from after)::int as written, (select count(*) from changes)::int as changes`;
  const ctes = `${stats.kind === 'values' ? '' : `stats as (${statsSql(stats)}),`} ${signals}`;
  const prelude = ctes.trim() === '' ? '' : `with ${ctes}`;
  if (scope.kind === 'one') return [`with ${ctes} segment_changed as materialized (${select}), ${apply}`];
  // For the whole shop the classification is worked out by a read-only statement, which PostgreSQL may run in
  // parallel (a statement that writes never does); the few changed rows are then written.
  return [
    'drop table if exists pg_temp.segment_changed',
    `create temporary table segment_changed on commit drop as ${prelude.replace(/,\s*$/, '')} ${select}`,
    `with ${apply}`,
  ];
}

/**
 * Records the instant the shop's segments were last refreshed as of, and the activity half-life they used:
 * member_facts counts R to that instant and decays each stored activity score to it.
 */
export function recordRefreshAsOfSql(asOf: Date, config: SegmentationConfig): string {
  return `insert into kv_settings (key, value)
    values ('segments.as_of', jsonb_build_object('asOf', ${instantSql(asOf)}, 'activityHalfLifeDays', ${Number(config.behaviour.halfLifeDays)}::float8))
    on conflict (key) do update set value = excluded.value, updated_at = now()`;
}

/** The instant of the last refresh as text, or no row. */
export const LAST_REFRESH_AS_OF_SQL = `select value->>'asOf' as as_of from kv_settings where key = 'segments.as_of'`;
