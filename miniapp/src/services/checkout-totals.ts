import { DEFAULT_POINTS_CONFIG, maxPointsDeduction } from '@member-ops/shared';

/** The shop's delivery fee rule as the order API applies it: free from ¥99, else ¥8. */
export const FREE_SHIPPING_THRESHOLD_FEN = 9_900;
export const SHIPPING_FEE_FEN = 800;

export interface CheckoutTotals {
  itemsTotalFen: number;
  shippingFen: number;
  couponDiscountFen: number;
  /** The most points this order allows (shared rule: ≤ 50 % of the goods after the coupon, whole yuan). */
  maxPoints: number;
  pointsUsed: number;
  pointsDiscountFen: number;
  payableFen: number;
}

/** What the shopper will pay, in fen, before the order is placed; the order API prices it again and wins. */
export function checkoutTotals(input: {
  itemsTotalFen: number;
  couponDiscountFen: number;
  availablePoints: number;
  usePoints: boolean;
}): CheckoutTotals {
  const shippingFen = input.itemsTotalFen >= FREE_SHIPPING_THRESHOLD_FEN ? 0 : SHIPPING_FEE_FEN;
  const goodsAfterCoupon = Math.max(0, input.itemsTotalFen - input.couponDiscountFen);
  const max = maxPointsDeduction(goodsAfterCoupon, input.availablePoints, DEFAULT_POINTS_CONFIG);
  const used = input.usePoints ? max : { points: 0, fen: 0 };
  return {
    itemsTotalFen: input.itemsTotalFen,
    shippingFen,
    couponDiscountFen: input.couponDiscountFen,
    maxPoints: max.points,
    pointsUsed: used.points,
    pointsDiscountFen: used.fen,
    payableFen: input.itemsTotalFen + shippingFen - input.couponDiscountFen - used.fen,
  };
}
