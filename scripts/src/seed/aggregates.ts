/**
 * Set-based statements run once after the history is loaded: links and counters derived from it, per-member
 * aggregates from the orders, and a first classification (lifecycle, RFM, value layer, behaviour, top
 * categories) computed with the shared SQL definitions, so the console has figures before the first nightly
 * refresh recomputes them.
 */
import {
  activityDecayFactorSql,
  activityEventPointsSql,
  behaviourStateSql,
  DEFAULT_BEHAVIOUR_CONFIG,
} from '@member-ops/shared/behaviour/index';
import { DEFAULT_LIFECYCLE_CONFIG, lifecycleStageSql } from '@member-ops/shared/lifecycle/index';
import {
  DEFAULT_RFM_CONFIG,
  rfmCutPointsSql,
  rfmDaysBetweenSql,
  rfmScoreSql,
  rfmSegmentSql,
  rfmWindowStart,
  valueLayerCutPointsSql,
  valueLayerSql,
} from '@member-ops/shared/rfm/index';
import { growthWindowStart, type TierConfig } from '@member-ops/shared/tiers/index';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../../server/src/db';

/** Statuses of an order that was paid at some point (as in the schema's PAID_ORDER_STATUSES). */
const PAID = `status in ('paid', 'refunding', 'refunded', 'partially_refunded')`;
const FULLY_REFUNDED = `(refunded_fen > 0 and refunded_fen >= paid_fen)`;

/** A timestamptz literal of a JS Date (an ISO string, so nothing user-supplied reaches the SQL text). */
function instantSql(at: Date): string {
  return `'${at.toISOString()}'::timestamptz`;
}

export async function linkCoupons(executor: Executor): Promise<void> {
  await executor.execute(
    sql.raw(`update coupons c set used_order_id = o.id from orders o where o.coupon_id = c.id and c.status = 'used'`),
  );
  await executor.execute(
    sql.raw(
      `update coupon_templates t set issued_count = n.issued from (select template_id, count(*)::int as issued from coupons group by template_id) n where n.template_id = t.id`,
    ),
  );
}

export async function fillMemberActivity(executor: Executor): Promise<void> {
  await executor.execute(
    sql.raw(`insert into member_activity (member_id, event_type, event_count, dwell_ms_total, first_at, last_at)
      select member_id, type, count(*)::int, coalesce(sum(dwell_ms), 0), min(occurred_at), max(occurred_at)
      from events group by member_id, type`),
  );
}

/** Order aggregates per member: all-time, the RFM window and the tier growth window, net of refunds. */
export async function fillOrderAggregates(executor: Executor, now: Date, tierConfig: TierConfig): Promise<void> {
  const at = instantSql(now);
  await executor.execute(
    sql.raw(`insert into member_metrics (member_id) select id from members on conflict (member_id) do nothing`),
  );
  await executor.execute(
    sql.raw(`update member_metrics mm set
        orders_total = a.orders_total,
        spend_total_fen = a.spend_total_fen,
        first_order_at = a.first_order_at,
        last_order_at = a.last_order_at,
        mean_gap_days = case when a.orders_total >= 2
          then extract(epoch from a.last_order_at - a.first_order_at) / 86400 / (a.orders_total - 1) end,
        frequency_365 = a.frequency_365,
        monetary_365_fen = a.monetary_365_fen,
        growth_value_fen = a.growth_value_fen,
        updated_at = ${at}
      from (
        select member_id,
          count(*) filter (where not ${FULLY_REFUNDED})::int as orders_total,
          sum(paid_fen - refunded_fen)::bigint as spend_total_fen,
          min(paid_at) filter (where not ${FULLY_REFUNDED}) as first_order_at,
          max(paid_at) filter (where not ${FULLY_REFUNDED}) as last_order_at,
          count(*) filter (where not ${FULLY_REFUNDED} and paid_at > ${instantSql(rfmWindowStart(now, DEFAULT_RFM_CONFIG))})::int as frequency_365,
          coalesce(sum(paid_fen - refunded_fen) filter (where paid_at > ${instantSql(rfmWindowStart(now, DEFAULT_RFM_CONFIG))}), 0)::bigint as monetary_365_fen,
          coalesce(sum(paid_fen - refunded_fen) filter (where paid_at >= ${instantSql(growthWindowStart(now, tierConfig))}), 0)::bigint as growth_value_fen
        from orders where ${PAID} and paid_at <= ${at}
        group by member_id
      ) a
      where a.member_id = mm.member_id`),
  );
}

export async function classifyLifecycle(executor: Executor, now: Date): Promise<void> {
  const stage = lifecycleStageSql(
    {
      now: instantSql(now),
      firstPaidAt: 'first_order_at',
      lastPaidAt: 'last_order_at',
      paidOrderCount: 'orders_total',
      lastActivityAt: 'activity_score_at',
    },
    DEFAULT_LIFECYCLE_CONFIG,
  );
  await executor.execute(sql.raw(`update member_metrics set lifecycle = ${stage}, segments_as_of = ${instantSql(now)}`));
}

/**
 * RFM scores against quintile cut points of this base, the eight segments against the buyers' means, and the
 * value layer by M; the cut points and means are stored in segment_stats like a refresh would.
 */
export async function classifyRfm(executor: Executor, now: Date): Promise<void> {
  const at = instantSql(now);
  const means = {
    recency: { sum: 's.r_sum', count: 's.buyers' },
    frequency: { sum: 's.f_sum', count: 's.buyers' },
    monetary: { sum: 's.m_sum', count: 's.buyers' },
  };
  const window = `with w as (
      select member_id,
        ${rfmDaysBetweenSql(`max(paid_at) filter (where not ${FULLY_REFUNDED})`, at)} as r,
        count(*) filter (where not ${FULLY_REFUNDED})::int as f,
        sum(paid_fen - refunded_fen)::bigint as m
      from orders
      where ${PAID} and paid_at > ${instantSql(rfmWindowStart(now, DEFAULT_RFM_CONFIG))} and paid_at <= ${at}
      group by member_id
      having count(*) filter (where not ${FULLY_REFUNDED}) > 0
    ), s as (
      select count(*)::int as buyers, sum(r)::numeric as r_sum, sum(f)::numeric as f_sum, sum(m)::numeric as m_sum,
        ${rfmCutPointsSql('r', 'lower_is_better')} as r_cuts,
        ${rfmCutPointsSql('f', 'higher_is_better')} as f_cuts,
        ${rfmCutPointsSql('m', 'higher_is_better')} as m_cuts,
        ${valueLayerCutPointsSql('m', DEFAULT_RFM_CONFIG)} as layer_cuts
      from w
    )`;
  await executor.execute(
    sql.raw(`${window}
      update member_metrics mm set
        rfm_r = ${rfmScoreSql('w.r', 's.r_cuts', 'lower_is_better')},
        rfm_f = ${rfmScoreSql('w.f', 's.f_cuts', 'higher_is_better')},
        rfm_m = ${rfmScoreSql('w.m', 's.m_cuts', 'higher_is_better')},
        rfm_segment = ${rfmSegmentSql({ recencyDays: 'w.r', frequency: 'w.f', monetary: 'w.m' }, means)},
        value_layer = ${valueLayerSql('w.m', 's.layer_cuts')}
      from w cross join s where w.member_id = mm.member_id`),
  );
  await executor.execute(
    sql.raw(`${window}
      insert into segment_stats (as_of, window_days, buyers, recency_cuts, frequency_cuts, monetary_cuts,
        recency_mean, frequency_mean, monetary_mean, value_layer_cuts, details)
      select ${at}, ${DEFAULT_RFM_CONFIG.windowDays}, buyers, r_cuts, f_cuts, m_cuts,
        (r_sum / buyers)::float8, (f_sum / buyers)::float8, (m_sum / buyers)::float8,
        array[layer_cuts[2], layer_cuts[1]], '{"source": "demo seed"}'::jsonb
      from s where buyers > 0`),
  );
}

/** Time-decayed activity score from the events, and the behaviour state it gives. */
export async function classifyBehaviour(executor: Executor, now: Date): Promise<void> {
  const at = instantSql(now);
  const points = activityEventPointsSql('type', '(dwell_ms / 1000.0)', DEFAULT_BEHAVIOUR_CONFIG);
  const decay = activityDecayFactorSql('occurred_at', at, DEFAULT_BEHAVIOUR_CONFIG);
  await executor.execute(
    sql.raw(`update member_metrics mm set
        activity_score = a.score,
        activity_score_at = ${at},
        behaviour = ${behaviourStateSql('a.score', DEFAULT_BEHAVIOUR_CONFIG)}
      from (select member_id, sum(${points} * ${decay}) as score from events where occurred_at <= ${at} group by member_id) a
      where a.member_id = mm.member_id`),
  );
}

/** The three categories and brands each buyer spent most on (net of refunds). */
export async function fillTopPreferences(executor: Executor): Promise<void> {
  const ranked = (column: string) => `(select member_id, (array_agg(${column} order by spent desc, ${column}))[1:3] as top
      from (select i.member_id, i.${column}, sum(i.line_total_fen - i.discount_alloc_fen - i.refunded_fen) as spent
            from order_items i join orders o on o.id = i.order_id
            where o.${PAID} and i.${column} is not null group by i.member_id, i.${column}) x
      group by member_id)`;
  await executor.execute(
    sql.raw(`update member_metrics mm set top_categories = c.top, top_brands = coalesce(b.top, '{}')
      from ${ranked('category')} c left join ${ranked('brand')} b on b.member_id = c.member_id
      where c.member_id = mm.member_id`),
  );
}
