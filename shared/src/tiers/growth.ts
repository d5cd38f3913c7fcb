import { assertFen } from '../money';
import { addDays, startOfShanghaiDay } from '../time';
import type { TierConfig } from './config';

/** One paid order as far as growth value is concerned. */
export interface GrowthOrder {
  paidAt: Date;
  amountFen: number;
  /** Everything refunded on this order so far (cumulative). */
  refundedFen: number;
  /** When the (last) refund happened; a refund after the evaluation instant is not yet known then. */
  refundedAt?: Date | null;
}

/**
 * The first instant of the growth window that ends at `at`: 00:00 Shanghai, `windowDays − 1` days before
 * the Shanghai day of `at`. With 365 days an order paid on 2026-03-15 (any time) counts up to and including
 * 2027-03-14 and leaves the window at 2027-03-15 00:00. In SQL:
 * `paid_at >= date_trunc('day', now AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' - interval '364 days'`.
 * @example growthWindowStart(new Date('2027-03-14T04:00:00Z'), DEFAULT_TIER_CONFIG) // 2026-03-15 00:00 Shanghai
 */
export function growthWindowStart(at: Date, config: Pick<TierConfig, 'windowDays'>): Date {
  return addDays(startOfShanghaiDay(at), -(config.windowDays - 1));
}

/**
 * The instant an order stops counting towards growth value: 00:00 Shanghai, `windowDays` days after the
 * day it was paid.
 * @example growthLeavesWindowAt(fromShanghai(2026, 3, 15, 10), DEFAULT_TIER_CONFIG) // 2027-03-15 00:00 Shanghai
 */
export function growthLeavesWindowAt(paidAt: Date, config: Pick<TierConfig, 'windowDays'>): Date {
  return addDays(startOfShanghaiDay(paidAt), config.windowDays);
}

/** What one order adds to growth value as known at `now`: paid minus refunds recorded by then. */
function netFenKnownAt(order: GrowthOrder, now: Date): number {
  assertFen(order.amountFen, 'amountFen');
  assertFen(order.refundedFen, 'refundedFen');
  if (order.amountFen < 0 || order.refundedFen < 0 || order.refundedFen > order.amountFen) {
    throw new RangeError(`refundedFen must be within 0..amountFen, got ${order.refundedFen} of ${order.amountFen}`);
  }
  const refundKnown = !order.refundedAt || order.refundedAt.getTime() <= now.getTime();
  return order.amountFen - (refundKnown ? order.refundedFen : 0);
}

/** Orders that count at `now`, with their net contribution and the instant they leave the window. */
function countedOrders(orders: readonly GrowthOrder[], now: Date, config: Pick<TierConfig, 'windowDays'>) {
  const start = growthWindowStart(now, config).getTime();
  return orders
    .filter((order) => order.paidAt.getTime() >= start && order.paidAt.getTime() <= now.getTime())
    .map((order) => ({ netFen: netFenKnownAt(order, now), leavesAt: growthLeavesWindowAt(order.paidAt, config) }))
    .filter((order) => order.netFen > 0);
}

/**
 * Growth value in fen at `now`: paid spend minus refunds over the trailing window (`windowDays` Shanghai
 * calendar days, today included). Orders paid after `now` and refunds recorded after `now` are ignored,
 * so the same function replays history.
 * @example growthValue([{ paidAt: now, amountFen: 120_000, refundedFen: 20_000 }], now, DEFAULT_TIER_CONFIG) // 100_000
 */
export function growthValue(orders: readonly GrowthOrder[], now: Date, config: Pick<TierConfig, 'windowDays'>): number {
  return countedOrders(orders, now, config).reduce((sum, order) => sum + order.netFen, 0);
}

/**
 * Growth value at a later instant `at` if the member buys nothing more after `now`: the orders counted
 * today minus those that will have left the window by `at`.
 * @example projectedGrowth(orders, now, addMonths(now, 6), DEFAULT_TIER_CONFIG)
 */
export function projectedGrowth(
  orders: readonly GrowthOrder[],
  now: Date,
  at: Date,
  config: Pick<TierConfig, 'windowDays'>,
): number {
  return countedOrders(orders, now, config)
    .filter((order) => order.leavesAt.getTime() > at.getTime())
    .reduce((sum, order) => sum + order.netFen, 0);
}

/**
 * The first instant after `now` at which growth value falls because a counted order leaves the window,
 * or null when nothing counted is left to fall out.
 * @example nextGrowthDrop(orders, now, DEFAULT_TIER_CONFIG)?.toISOString()
 */
export function nextGrowthDrop(orders: readonly GrowthOrder[], now: Date, config: Pick<TierConfig, 'windowDays'>): Date | null {
  const earliest = countedOrders(orders, now, config).reduce(
    (min, order) => Math.min(min, order.leavesAt.getTime()),
    Number.POSITIVE_INFINITY,
  );
  return Number.isFinite(earliest) ? new Date(earliest) : null;
}
