/**
 * The seed assigns every id itself (the identity columns are "by default"), so rows can point at each other
 * before anything is written and the same seed gives the same ids.
 */
import { shanghaiDate } from '@member-ops/shared';

export type SeededTable =
  | 'orders'
  | 'order_items'
  | 'payments'
  | 'refunds'
  | 'reviews'
  | 'coupons'
  | 'points_batches'
  | 'points_ledger'
  | 'tier_history'
  | 'events'
  | 'subscription_events'
  | 'rep_assignments';

export class IdSequence {
  private readonly last = new Map<SeededTable, number>();

  next(table: SeededTable): number {
    const id = (this.last.get(table) ?? 0) + 1;
    this.last.set(table, id);
    return id;
  }
}

function compactDate(at: Date): string {
  return shanghaiDate(at).replaceAll('-', '');
}

/** The out_trade_no WeChat Pay sees: "MO" + Shanghai date + the order id. */
export function orderNumber(orderId: number, createdAt: Date): string {
  return `MO${compactDate(createdAt)}${String(orderId).padStart(8, '0')}`;
}

/** WeChat Pay's 28-digit transaction id; in-store payments get the till's reference instead. */
export function transactionId(orderId: number, paidAt: Date, inStore: boolean): string {
  return inStore
    ? `POS${compactDate(paidAt)}${String(orderId).padStart(10, '0')}`
    : `4200002${String(orderId % 1000).padStart(3, '0')}${compactDate(paidAt)}${String(orderId).padStart(10, '0')}`;
}

export function refundNumber(refundId: number, at: Date): string {
  return `RF${compactDate(at)}${String(refundId).padStart(8, '0')}`;
}

/** WeChat Pay's refund id. */
export function wechatRefundId(refundId: number, at: Date): string {
  return `50300${compactDate(at)}${String(refundId).padStart(16, '0')}`;
}

/** A coupon code: unique by its id, with a check-like suffix so codes do not look sequential. */
export function couponCode(couponId: number, suffix: string): string {
  return `CP${couponId.toString(36).toUpperCase().padStart(7, '0')}${suffix}`;
}
