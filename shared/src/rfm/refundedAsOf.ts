import { assertFen, type Fen } from '../money';

/** A refund of an order with the instant it was settled (WeChat's success time, or the return's date). */
export interface SettledRefund {
  amountFen: Fen;
  settledAt: Date;
}

/**
 * How much of an order was refunded as known at `asOf`, for replaying segments as of a past date: the refunds
 * settled by then, plus the part of `refundedFen` no settled refund accounts for (an amount recorded on the order
 * without its refunds — a generated shop — counts as settled with the payment). Never above `refundedFen`.
 *
 * @example refundedAsOf(3_000, [{ amountFen: 1_000, settledAt: jan }, { amountFen: 2_000, settledAt: mar }], feb) // 1_000
 */
export function refundedAsOf(refundedFen: Fen, refunds: readonly SettledRefund[], asOf: Date): Fen {
  assertFen(refundedFen, 'refundedFen');
  let recorded = 0;
  let settled = 0;
  for (const refund of refunds) {
    assertFen(refund.amountFen, 'amountFen');
    recorded += refund.amountFen;
    if (refund.settledAt.getTime() <= asOf.getTime()) settled += refund.amountFen;
  }
  return Math.min(refundedFen, settled + Math.max(0, refundedFen - recorded));
}
