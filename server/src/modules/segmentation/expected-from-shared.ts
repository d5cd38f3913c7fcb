/**
 * Test support: reads a shop's raw history (orders, lines, events) and derives every classification with the
 * shared JavaScript functions, one member at a time — the reference the set-based SQL is checked against.
 */
import { sql } from 'drizzle-orm';
import {
  activityScoreFromEvents,
  behaviourStateFor,
  categoryPriceCutPoints,
  growthValue,
  isRfmOrderFullyRefunded,
  lifecycleStageFor,
  preferencesFrom,
  refundedAsOf,
  rfmAggregatesFromOrders,
  scoreMember,
  type ActivityEvent,
  type CategoryPriceCutPoints,
  type EventType,
  type PreferenceSignal,
  type PreferenceSignalKind,
  type PriceBand,
  type RfmBaseStats,
  type RfmMemberInput,
  type RfmOrder,
  type SettledRefund,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import type { SegmentationConfig } from './segmentation.sql';

export interface MemberHistory {
  memberId: number;
  orders: RfmOrder[];
  events: ActivityEvent[];
  signals: PreferenceSignal[];
  predictedValueFen: number | null;
  /** The shop's price band cut points by category code (the same map for every member). */
  priceCutPoints: ReadonlyMap<string, CategoryPriceCutPoints>;
}

const PAID = `status in ('paid', 'refunding', 'refunded', 'partially_refunded')`;
const SIGNAL_OF_EVENT: Partial<Record<EventType, PreferenceSignalKind>> = {
  add_to_cart: 'cart',
  favorite: 'favorite',
  product_view: 'view',
};

/**
 * Every member's history as the shared functions take it (the whole shop is loaded: tests only). Given `asOf`,
 * each order's refunded amount is what was known then (shared refundedAsOf over its settled refunds).
 */
export async function loadHistories(executor: Executor, asOf?: Date): Promise<Map<number, MemberHistory>> {
  const histories = new Map<number, MemberHistory>();
  // A product's price is its lowest SKU price; a category's cut points are the terciles of its products' prices.
  const products = await execute<{ id: number; category: string; price: string | number }>(
    executor,
    sql`select p.id, c.code as category, min(k.price_fen) as price
        from products p join categories c on c.id = p.category_id join skus k on k.product_id = p.id
        group by p.id, c.code`,
  );
  const productPrice = new Map(products.map((p) => [p.id, Number(p.price)]));
  const pricesByCategory = new Map<string, number[]>();
  for (const p of products) pricesByCategory.set(p.category, [...(pricesByCategory.get(p.category) ?? []), Number(p.price)]);
  const priceCutPoints = new Map([...pricesByCategory].map(([category, prices]) => [category, categoryPriceCutPoints(prices)]));
  const members = await execute<{ id: number; predicted: number | null }>(
    executor,
    sql`select m.id, mm.expected_value_365_fen as predicted from members m left join member_metrics mm on mm.member_id = m.id`,
  );
  for (const m of members) {
    histories.set(m.id, { memberId: m.id, orders: [], events: [], signals: [], predictedValueFen: m.predicted, priceCutPoints });
  }
  const of = (id: number): MemberHistory => {
    const history = histories.get(id);
    if (!history) throw new Error(`no member ${id}`);
    return history;
  };
  const refunds = new Map<number, SettledRefund[]>();
  const settled = await execute<{ order_id: number; amount_fen: number; succeeded_at: Date }>(
    executor,
    sql`select order_id, amount_fen, succeeded_at from refunds where status = 'succeeded'`,
  );
  for (const r of settled) {
    refunds.set(r.order_id, [...(refunds.get(r.order_id) ?? []), { amountFen: r.amount_fen, settledAt: r.succeeded_at }]);
  }
  const orders = await execute<{ id: number; member_id: number; paid_at: Date; paid_fen: number; refunded_fen: number }>(
    executor,
    sql.raw(`select id, member_id, paid_at, paid_fen, refunded_fen from orders where ${PAID}`),
  );
  const byId = new Map<number, RfmOrder>();
  for (const o of orders) {
    const refundedFen = asOf ? refundedAsOf(o.refunded_fen, refunds.get(o.id) ?? [], asOf) : o.refunded_fen;
    const order = { paidAt: o.paid_at, amountFen: o.paid_fen, refundedFen };
    byId.set(o.id, order);
    of(o.member_id).orders.push(order);
  }
  const lines = await execute<{
    order_id: number;
    member_id: number;
    paid_at: Date;
    category: string;
    brand: string | null;
    unit_price_fen: number;
  }>(
    executor,
    sql.raw(`select i.order_id, i.member_id, o.paid_at, i.category, i.brand, i.unit_price_fen
      from order_items i join orders o on o.id = i.order_id where o.${PAID}`),
  );
  for (const l of lines) {
    const order = byId.get(l.order_id);
    if (!order || isRfmOrderFullyRefunded(order)) continue;
    of(l.member_id).signals.push({
      kind: 'purchase',
      at: l.paid_at,
      categoryId: l.category,
      brandId: l.brand,
      unitPriceFen: Number(l.unit_price_fen),
    });
  }
  const events = await execute<{
    member_id: number;
    type: EventType;
    occurred_at: Date;
    dwell_ms: number | null;
    product_id: number | null;
    category: string | null;
    brand: string | null;
  }>(
    executor,
    sql`select e.member_id, e.type, e.occurred_at, e.dwell_ms, e.product_id, c.code as category, b.code as brand
        from events e left join products p on p.id = e.product_id left join categories c on c.id = p.category_id
          left join brands b on b.id = p.brand_id`,
  );
  for (const e of events) {
    const history = of(e.member_id);
    history.events.push({ type: e.type, at: e.occurred_at, ...(e.dwell_ms === null ? {} : { dwellSeconds: e.dwell_ms / 1000 }) });
    const kind = SIGNAL_OF_EVENT[e.type];
    if (kind && e.category !== null) {
      const unitPriceFen = e.product_id === null ? null : (productPrice.get(Number(e.product_id)) ?? null);
      history.signals.push({ kind, at: e.occurred_at, categoryId: e.category, brandId: e.brand, unitPriceFen });
    }
  }
  return histories;
}

export function rfmInputOf(history: MemberHistory, asOf: Date, config: SegmentationConfig): RfmMemberInput {
  return {
    memberId: String(history.memberId),
    predictedValueFen: history.predictedValueFen,
    ...rfmAggregatesFromOrders(history.orders, asOf, config.rfm),
  };
}

export interface ExpectedMetrics {
  ordersTotal: number;
  frequency365: number;
  monetary365Fen: number;
  growthValueFen: number;
  recencyDays: number | null;
  rfmR: number | null;
  rfmF: number | null;
  rfmM: number | null;
  rfmSegment: string | null;
  valueLayer: string | null;
  lifecycle: string;
  behaviour: string;
  activityScore: number;
  topCategories: string[];
  topBrands: string[];
  priceBand: PriceBand | null;
}

/** The member_metrics columns compared with the shared functions, keyed like ExpectedMetrics. */
export function storedMetrics(row: Record<string, unknown>) {
  return {
    ordersTotal: row.orders_total,
    frequency365: row.frequency_365,
    monetary365Fen: row.monetary_365_fen,
    growthValueFen: row.growth_value_fen,
    recencyDays: row.recency_days,
    rfmR: row.rfm_r,
    rfmF: row.rfm_f,
    rfmM: row.rfm_m,
    rfmSegment: row.rfm_segment,
    valueLayer: row.value_layer,
    lifecycle: row.lifecycle,
    topCategories: row.top_categories,
    topBrands: row.top_brands,
    priceBand: row.price_band,
  };
}

/** One member's fields as the shared functions define them, RFM against `stats`. */
export function expectedMetrics(
  history: MemberHistory,
  asOf: Date,
  stats: RfmBaseStats | null,
  config: SegmentationConfig,
): ExpectedMetrics {
  const counted = history.orders.filter((o) => o.paidAt.getTime() <= asOf.getTime() && !isRfmOrderFullyRefunded(o));
  const times = counted.map((o) => o.paidAt.getTime());
  const lifecycle = lifecycleStageFor(
    {
      firstPaidAt: times.length ? new Date(Math.min(...times)) : null,
      lastPaidAt: times.length ? new Date(Math.max(...times)) : null,
      paidOrderCount: counted.length,
      lastActivityAt: null,
    },
    asOf,
    config.lifecycle,
  ).stage;
  const input = rfmInputOf(history, asOf, config);
  const rfm = stats ? scoreMember(input, stats, asOf, config.rfm) : null;
  const activityScore = activityScoreFromEvents(history.events, asOf, config.behaviour);
  const preferences = preferencesFrom(history.signals, asOf, config.preferences, history.priceCutPoints);
  return {
    ordersTotal: counted.length,
    frequency365: input.paidOrderCount,
    monetary365Fen: input.netPaidFen,
    growthValueFen: growthValue(history.orders, asOf, config.tier),
    recencyDays: rfm?.recencyDays ?? null,
    rfmR: rfm?.scores?.r ?? null,
    rfmF: rfm?.scores?.f ?? null,
    rfmM: rfm?.scores?.m ?? null,
    rfmSegment: rfm?.segment ?? null,
    valueLayer: rfm?.valueLayer ?? null,
    lifecycle,
    behaviour: behaviourStateFor(activityScore, config.behaviour),
    activityScore,
    topCategories: preferences.topCategories,
    topBrands: preferences.topBrands,
    priceBand: preferences.priceBand,
  };
}

/** The stored stats row of an as-of, in the shared RfmBaseStats shape. */
export async function storedStats(executor: Executor, asOf: Date): Promise<RfmBaseStats | null> {
  const [row] = await execute<{
    buyers: number;
    recency_cuts: number[];
    frequency_cuts: number[];
    monetary_cuts: number[];
    value_layer_cuts: number[];
    details: { recencySum: number; frequencySum: number; monetarySum: number };
  }>(executor, sql`select * from segment_stats where as_of = ${asOf}`);
  if (!row) return null;
  const four = (xs: number[]) => [xs[0], xs[1], xs[2], xs[3]] as [number, number, number, number];
  const count = row.buyers;
  return {
    buyerCount: count,
    cutPoints: { recency: four(row.recency_cuts), frequency: four(row.frequency_cuts), monetary: four(row.monetary_cuts) },
    means: {
      recency: { sum: row.details.recencySum, count },
      frequency: { sum: row.details.frequencySum, count },
      monetary: { sum: row.details.monetarySum, count },
    },
    valueLayerCutPoints: { mid: row.value_layer_cuts[0] ?? NaN, high: row.value_layer_cuts[1] ?? NaN },
  };
}
