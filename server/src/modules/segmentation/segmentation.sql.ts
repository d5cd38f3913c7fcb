/**
 * The set-based statements of a segment refresh, compiled from the shared SQL builders. Every statement takes
 * a member filter, so the nightly batch (all members) and the one-member update after an order or a refund run
 * the very same SQL and cannot drift apart. Only server-chosen expressions, ISO instants and validated config
 * numbers reach the SQL text.
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

/** Which members a statement touches: all of them, or one (the incremental path). */
export type MemberScope = { kind: 'all' } | { kind: 'one'; memberId: number };

/** A timestamptz literal of a JS Date (an ISO string, so nothing user-supplied reaches the SQL text). */
export function instantSql(at: Date): string {
  return `'${at.toISOString()}'::timestamptz`;
}

function scopeSql(column: string, scope: MemberScope): string {
  if (scope.kind === 'all') return 'true';
  if (!Number.isSafeInteger(scope.memberId)) throw new RangeError(`memberId must be an integer, got ${scope.memberId}`);
  return `${column} = ${scope.memberId}`;
}

const PAID = `o.status in (${PAID_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`;
/** The shared rule: a refund of the whole (non-zero) amount undoes the purchase. */
const FULLY_REFUNDED = `(o.refunded_fen > 0 and o.refunded_fen >= o.paid_fen)`;

/**
 * Per-member order aggregates as of `asOf` (orders paid later are ignored, so history replays): all-time count,
 * spend, first/last order and mean gap for the lifecycle; F and M over (asOf − window, asOf] and R to asOf for RFM;
 * growth value over the tier window. Members without orders get zeros, so a window that moved on clears them.
 */
export function upsertAggregatesSql(asOf: Date, config: SegmentationConfig, scope: MemberScope, now: Date): string {
  const at = instantSql(asOf);
  const rfmStart = instantSql(rfmWindowStart(asOf, config.rfm));
  const growthStart = instantSql(growthWindowStart(asOf, config.tier));
  const counted = `not ${FULLY_REFUNDED}`;
  return `insert into member_metrics as mm (member_id, orders_total, spend_total_fen, first_order_at, last_order_at,
      mean_gap_days, frequency_365, monetary_365_fen, growth_value_fen, recency_days, updated_at)
    select m.id, coalesce(a.orders_total, 0), coalesce(a.spend_total_fen, 0), a.first_order_at, a.last_order_at,
      case when a.orders_total >= 2 then extract(epoch from a.last_order_at - a.first_order_at) / 86400 / (a.orders_total - 1) end,
      coalesce(a.frequency, 0), coalesce(a.monetary, 0), coalesce(a.growth, 0),
      case when a.frequency > 0 then ${rfmDaysBetweenSql('a.last_order_at', at)} end,
      ${instantSql(now)}
    from members m left join (
      select o.member_id,
        count(*) filter (where ${counted})::int as orders_total,
        sum(o.paid_fen - o.refunded_fen)::int8 as spend_total_fen,
        min(o.paid_at) filter (where ${counted}) as first_order_at,
        max(o.paid_at) filter (where ${counted}) as last_order_at,
        count(*) filter (where ${counted} and o.paid_at > ${rfmStart})::int as frequency,
        coalesce(sum(o.paid_fen - o.refunded_fen) filter (where o.paid_at > ${rfmStart}), 0)::int8 as monetary,
        coalesce(sum(o.paid_fen - o.refunded_fen) filter (where o.paid_at >= ${growthStart}), 0)::int8 as growth
      from orders o where ${PAID} and o.paid_at <= ${at} and ${scopeSql('o.member_id', scope)}
      group by o.member_id
    ) a on a.member_id = m.id
    where ${scopeSql('m.id', scope)}
    on conflict (member_id) do update set
      orders_total = excluded.orders_total, spend_total_fen = excluded.spend_total_fen,
      first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
      mean_gap_days = excluded.mean_gap_days, frequency_365 = excluded.frequency_365,
      monetary_365_fen = excluded.monetary_365_fen, growth_value_fen = excluded.growth_value_fen,
      recency_days = excluded.recency_days, updated_at = excluded.updated_at`;
}

/** The layer value: predicted 12-month value where the CLV model gave one, else M (shared valueLayerBasisOf). */
const LAYER_VALUE = 'coalesce(mm.expected_value_365_fen, mm.monetary_365_fen)';

/**
 * Replaces the segment_stats row of `asOf` with the cut points and means of the buyers (F ≥ 1) in the stored
 * aggregates. The exact sums behind the means go to `details`, so one member can later be compared with the
 * mean without rounding (shared ExactMean). No buyers → no row.
 */
export function insertStatsSql(asOf: Date, config: SegmentationConfig, runId: number | null): string {
  return `insert into segment_stats (as_of, window_days, buyers, recency_cuts, frequency_cuts, monetary_cuts,
      recency_mean, frequency_mean, monetary_mean, value_layer_cuts, details)
    select ${instantSql(asOf)}, ${config.rfm.windowDays}, count(*)::int,
      (${rfmCutPointsSql('mm.recency_days', 'lower_is_better')})::float8[],
      (${rfmCutPointsSql('mm.frequency_365', 'higher_is_better')})::float8[],
      (${rfmCutPointsSql('mm.monetary_365_fen', 'higher_is_better')})::float8[],
      (sum(mm.recency_days)::numeric / count(*))::float8,
      (sum(mm.frequency_365)::numeric / count(*))::float8,
      (sum(mm.monetary_365_fen)::numeric / count(*))::float8,
      (${valueLayerCutPointsSql(LAYER_VALUE, config.rfm)})::float8[],
      jsonb_build_object('recencySum', sum(mm.recency_days)::int8, 'frequencySum', sum(mm.frequency_365)::int8,
        'monetarySum', sum(mm.monetary_365_fen)::int8, 'runId', ${runId ?? 'null'}::int8)
    from member_metrics mm where mm.frequency_365 > 0
    having count(*) > 0`;
}

/** The stored stats a classification scores against: those of `asOf`, or the latest refresh's. */
export type StatsSource = { kind: 'as_of'; asOf: Date } | { kind: 'latest' };

function statsSql(source: StatsSource): string {
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

/**
 * Top categories and brands per member (shared preferencesFrom): purchase lines of counted orders and product
 * events, each worth its kind's weight halved every half-life up to asOf, scores rounded to 6 decimals, ties
 * by code in "C" order.
 */
function preferencesSql(asOf: Date, config: SegmentationConfig, scope: MemberScope): string {
  const prefs = config.preferences;
  const at = instantSql(asOf);
  const decay = activityDecayFactorSql('s.at', at, { ...config.behaviour, halfLifeDays: prefs.halfLifeDays });
  const eventWeight = `(case e.type ${Object.entries(EVENT_SIGNALS)
    .map(([kind, type]) => `when '${type}' then ${prefs.signalWeights[kind as keyof typeof EVENT_SIGNALS]}::float8`)
    .join(' ')} end)`;
  const ranked = (column: 'category' | 'brand', limit: number) => `select member_id,
        (array_agg(${column} order by score desc, ${column} collate "C"))[1:${limit}] as top
      from (select s.member_id, s.${column}, round(sum(s.weight * ${decay})::numeric, 6) as score
            from signals s where s.${column} is not null group by s.member_id, s.${column}) x
      where score > 0 group by member_id`;
  return `signals as (
      select i.member_id, o.paid_at as at, i.category, i.brand, ${prefs.signalWeights.purchase}::float8 as weight
      from order_items i join orders o on o.id = i.order_id
      where ${PAID} and not ${FULLY_REFUNDED} and o.paid_at <= ${at} and ${scopeSql('i.member_id', scope)}
      union all
      select e.member_id, e.occurred_at, c.code, b.code, ${eventWeight}
      from events e join products p on p.id = e.product_id join categories c on c.id = p.category_id
        left join brands b on b.id = p.brand_id
      where e.type in (${Object.values(EVENT_SIGNALS)
        .map((t) => `'${t}'`)
        .join(', ')})
        and e.occurred_at <= ${at} and ${scopeSql('e.member_id', scope)}
    ), top_categories as (${ranked('category', prefs.topCategories)}
    ), top_brands as (${ranked('brand', prefs.topBrands)})`;
}

const CHANGE_DIMENSIONS = ['rfm_segment', 'lifecycle', 'value_layer', 'behaviour'] as const;

/**
 * Classifies the members in scope from their stored aggregates (RFM scores, segment and value layer against the
 * chosen stats; lifecycle; behaviour; preferences), all as of `asOf`, in one UPDATE; the same statement records
 * each changed dimension in segment_changes by comparing with the rows as they were before it.
 */
export function classifySql(
  asOf: Date,
  config: SegmentationConfig,
  scope: MemberScope,
  stats: StatsSource,
  runId: number | null,
): string {
  const at = instantSql(asOf);
  const buyer = 'mm.frequency_365 > 0';
  const means = {
    recency: { sum: 'c.r_sum', count: 'c.buyers' },
    frequency: { sum: 'c.f_sum', count: 'c.buyers' },
    monetary: { sum: 'c.m_sum', count: 'c.buyers' },
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
  const whenBuyer = (expr: string) => `case when ${buyer} and c.buyers is not null then ${expr} end`;
  return `with stats as (${statsSql(stats)}),
    activity as (${activitySql(asOf, config.behaviour, scope)}),
    ${preferencesSql(asOf, config, scope)},
    inputs as (
      select m.member_id, s.*, coalesce(a.score, 0) as score, coalesce(tc.top, '{}') as top_categories,
        coalesce(tb.top, '{}') as top_brands
      from member_metrics m left join stats s on true left join activity a on a.member_id = m.member_id
        left join top_categories tc on tc.member_id = m.member_id left join top_brands tb on tb.member_id = m.member_id
      where ${scopeSql('m.member_id', scope)}
    ), before as (
      select member_id, ${CHANGE_DIMENSIONS.join(', ')} from member_metrics m where ${scopeSql('m.member_id', scope)}
    ), after as (
      update member_metrics mm set
        rfm_r = ${whenBuyer(rfmScoreSql('mm.recency_days', 'c.r_cuts', 'lower_is_better'))},
        rfm_f = ${whenBuyer(rfmScoreSql('mm.frequency_365', 'c.f_cuts', 'higher_is_better'))},
        rfm_m = ${whenBuyer(rfmScoreSql('mm.monetary_365_fen', 'c.m_cuts', 'higher_is_better'))},
        rfm_segment = ${whenBuyer(rfmSegmentSql({ recencyDays: 'mm.recency_days', frequency: 'mm.frequency_365', monetary: 'mm.monetary_365_fen' }, means))},
        value_layer = ${whenBuyer(valueLayerSql(LAYER_VALUE, 'c.layer_cuts'))},
        lifecycle = ${lifecycle},
        activity_score = c.score,
        activity_score_at = ${at},
        behaviour = ${behaviourStateSql('c.score', config.behaviour)},
        top_categories = c.top_categories,
        top_brands = c.top_brands,
        segments_as_of = ${at}
      from inputs c where c.member_id = mm.member_id
      returning mm.member_id, ${CHANGE_DIMENSIONS.map((d) => `mm.${d}`).join(', ')}
    ), changes as (
      insert into segment_changes (member_id, dimension, from_value, to_value, as_of, run_id)
      select a.member_id, v.dimension, v.from_value, v.to_value, ${at}, ${runId ?? 'null'}::int8
      from after a join before b on b.member_id = a.member_id
        cross join lateral (values ${CHANGE_DIMENSIONS.map((d) => `('${d}', b.${d}, a.${d})`).join(', ')})
          as v(dimension, from_value, to_value)
      where v.from_value is distinct from v.to_value
      returning 1
    )
    select (select count(*) from after)::int as members, (select count(*) from changes)::int as changes`;
}
