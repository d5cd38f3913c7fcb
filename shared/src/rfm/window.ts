import { assertFen, type Fen } from '../money';
import { addDays, daysBetween } from '../time';
import type { RfmConfig } from './config';

/** A paid order as RFM sees it; `refundedFen` is everything refunded on it so far. */
export interface RfmOrder {
  paidAt: Date;
  amountFen: Fen;
  refundedFen: Fen;
}

/** Per-member aggregates over the RFM window — what the server keeps or computes with one GROUP BY. */
export interface RfmWindowAggregates {
  /** Latest paid, not fully refunded order in the window; null when there is none. */
  lastPaidAt: Date | null;
  /** F: paid orders in the window that are not fully refunded. */
  paidOrderCount: number;
  /** M: paid amount in the window net of refunds, in fen. */
  netPaidFen: Fen;
}

/** One member's input to RFM scoring. */
export interface RfmMemberInput extends RfmWindowAggregates {
  memberId: string;
  /** Predicted value of the next 12 months; null when the model has too little data for this member. */
  predictedValueFen: Fen | null;
}

/** The raw R, F and M of a buyer (a member with F ≥ 1). */
export interface RfmValues {
  /** Whole days since the last paid order: floor((now − lastPaidAt) / 24 h). */
  recencyDays: number;
  frequency: number;
  monetaryFen: Fen;
}

/**
 * Start of the window, exclusive: an order counts when `windowStart < paidAt <= now`.
 * @example rfmWindowStart(new Date('2026-01-01T00:00:00Z'), DEFAULT_RFM_CONFIG) // 2025-01-01T00:00:00Z
 */
export function rfmWindowStart(now: Date, config: RfmConfig): Date {
  return addDays(now, -config.windowDays);
}

/**
 * A refund of the whole amount undoes the purchase; a zero-amount order that was never refunded still counts.
 * SQL: `(refunded > 0 AND refunded >= amount)`.
 * @example isRfmOrderFullyRefunded({ paidAt, amountFen: 500, refundedFen: 500 }) // true
 */
export function isRfmOrderFullyRefunded(order: RfmOrder): boolean {
  return order.refundedFen > 0 && order.refundedFen >= order.amountFen;
}

/**
 * The window aggregates of one member's paid orders. SQL over paid orders:
 * `WHERE paid_at > $windowStart AND paid_at <= $now`, F = `count(*) FILTER (WHERE NOT fully_refunded)`,
 * last = `max(paid_at) FILTER (WHERE NOT fully_refunded)`, M = `sum(amount - refunded)`.
 * @example rfmAggregatesFromOrders([{ paidAt: yesterday, amountFen: 5000, refundedFen: 1000 }], now, DEFAULT_RFM_CONFIG)
 * // { lastPaidAt: yesterday, paidOrderCount: 1, netPaidFen: 4000 }
 */
export function rfmAggregatesFromOrders(orders: readonly RfmOrder[], now: Date, config: RfmConfig): RfmWindowAggregates {
  const windowStart = rfmWindowStart(now, config).getTime();
  let lastPaidAt: Date | null = null;
  let paidOrderCount = 0;
  let netPaidFen = 0;
  for (const order of orders) {
    assertFen(order.amountFen, 'amountFen');
    assertFen(order.refundedFen, 'refundedFen');
    if (order.refundedFen < 0 || order.refundedFen > order.amountFen) {
      throw new RangeError(`refundedFen must be within [0, amountFen], got ${order.refundedFen} of ${order.amountFen}`);
    }
    const paidAt = order.paidAt.getTime();
    if (paidAt <= windowStart || paidAt > now.getTime()) continue;
    netPaidFen += order.amountFen - order.refundedFen;
    if (isRfmOrderFullyRefunded(order)) continue;
    paidOrderCount += 1;
    if (lastPaidAt === null || paidAt > lastPaidAt.getTime()) lastPaidAt = order.paidAt;
  }
  return { lastPaidAt, paidOrderCount, netPaidFen };
}

/**
 * R, F and M of a member, or null for a non-buyer (F = 0). Throws on aggregates that contradict each other.
 * @example rfmValuesOf({ lastPaidAt: tenDaysAgo, paidOrderCount: 2, netPaidFen: 9900 }, now, DEFAULT_RFM_CONFIG)
 * // { recencyDays: 10, frequency: 2, monetaryFen: 9900 }
 */
export function rfmValuesOf(aggregates: RfmWindowAggregates, now: Date, config: RfmConfig): RfmValues | null {
  const { lastPaidAt, paidOrderCount, netPaidFen } = aggregates;
  if (!(Number.isSafeInteger(paidOrderCount) && paidOrderCount >= 0)) {
    throw new RangeError(`paidOrderCount must be a non-negative integer, got ${paidOrderCount}`);
  }
  assertFen(netPaidFen, 'netPaidFen');
  if (paidOrderCount === 0) return null;
  if (lastPaidAt === null) throw new RangeError('a buyer needs lastPaidAt');
  if (lastPaidAt.getTime() <= rfmWindowStart(now, config).getTime() || lastPaidAt.getTime() > now.getTime()) {
    throw new RangeError('lastPaidAt lies outside the RFM window');
  }
  return { recencyDays: daysBetween(lastPaidAt, now), frequency: paidOrderCount, monetaryFen: netPaidFen };
}
