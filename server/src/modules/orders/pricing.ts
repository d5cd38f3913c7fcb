import {
  allocateProportionally,
  couponDiscount,
  decidePointsDeduction,
  pointsPerStep,
  type CouponTerms,
  type PointsConfig,
} from '@member-ops/shared';

/**
 * Shipping: free when the goods total reaches ¥99, otherwise a flat ¥8. Judged on the goods total before
 * coupons and points, as shoppers read "满99包邮".
 */
export const FREE_SHIPPING_THRESHOLD_FEN = 9_900;
export const SHIPPING_FEE_FEN = 800;
/** An unpaid order holds its stock, coupon and points this long. */
export const UNPAID_ORDER_TTL_MS = 15 * 60 * 1000;

export interface PricedLineInput {
  skuId: number;
  category: string;
  unitPriceFen: number;
  quantity: number;
}

export interface PricedLine extends PricedLineInput {
  lineTotalFen: number;
  /** This line's share of the coupon and points discounts (for proportional refunds). */
  discountAllocFen: number;
}

export type OrderPricing =
  | {
      ok: true;
      lines: PricedLine[];
      itemsTotalFen: number;
      shippingFen: number;
      couponDiscountFen: number;
      pointsUsed: number;
      pointsDiscountFen: number;
      payableFen: number;
    }
  | { ok: false; field: string; message: string };

/**
 * Prices an order from catalogue prices: shipping, one coupon (couponDiscount), then points on the goods
 * left after the coupon (decidePointsDeduction: whole steps, ≤ the configured share, ≤ what is available).
 * Points never pay for shipping, so every line's discount stays within its own total. Returns a decision;
 * the caller writes it.
 */
export function priceOrder(input: {
  lines: readonly PricedLineInput[];
  coupon: CouponTerms | null;
  pointsRequested: number;
  availablePoints: number;
  pointsConfig: PointsConfig;
}): OrderPricing {
  const totals = input.lines.map((line) => line.unitPriceFen * line.quantity);
  const itemsTotalFen = totals.reduce((sum, fen) => sum + fen, 0);
  const shippingFen = itemsTotalFen >= FREE_SHIPPING_THRESHOLD_FEN ? 0 : SHIPPING_FEE_FEN;

  let couponDiscountFen = 0;
  let couponAllocations = totals.map(() => 0);
  if (input.coupon) {
    const decision = couponDiscount(
      input.coupon,
      input.lines.map((line, i) => ({ category: line.category, lineTotalFen: totals[i] ?? 0 })),
      shippingFen,
    );
    if (!decision.applicable) {
      const why =
        decision.reason === 'below_threshold'
          ? `the order is ¥${(decision.shortFen / 100).toFixed(2)} short of the coupon's threshold`
          : 'no item in the order is covered by the coupon';
      return { ok: false, field: 'body.couponId', message: `Coupon does not apply: ${why}` };
    }
    couponDiscountFen = decision.discountFen;
    couponAllocations = decision.lineAllocations;
  }

  const goodsAfterCoupon = totals.map((total, i) => total - (couponAllocations[i] ?? 0));
  const goodsAfterCouponFen = goodsAfterCoupon.reduce((sum, fen) => sum + fen, 0);
  let pointsUsed = 0;
  let pointsDiscountFen = 0;
  if (input.pointsRequested > 0) {
    const points = decidePointsDeduction(goodsAfterCouponFen, input.availablePoints, input.pointsRequested, input.pointsConfig);
    if (!points.ok) {
      const message =
        points.reason === 'not_whole_steps'
          ? `use points in multiples of ${pointsPerStep(input.pointsConfig.redemption)}`
          : `at most ${points.max.points} points can be used on this order`;
      return { ok: false, field: 'body.pointsToUse', message };
    }
    pointsUsed = points.points;
    pointsDiscountFen = points.fen;
  }
  const pointsAllocations = allocateProportionally(pointsDiscountFen, goodsAfterCoupon);

  const lines = input.lines.map((line, i) => ({
    ...line,
    lineTotalFen: totals[i] ?? 0,
    discountAllocFen: (couponAllocations[i] ?? 0) + (pointsAllocations[i] ?? 0),
  }));
  return {
    ok: true,
    lines,
    itemsTotalFen,
    shippingFen,
    couponDiscountFen,
    pointsUsed,
    pointsDiscountFen,
    payableFen: itemsTotalFen + shippingFen - couponDiscountFen - pointsDiscountFen,
  };
}
