import { allocateProportionally, basisPointsOf, type Fen } from '../money';

/** The kinds of coupon: 满减 amount off over a threshold, 折扣 percent off with a cap, 无门槛, 运费 free shipping. */
export const COUPON_KINDS = ['amount_off', 'percent_off', 'no_threshold', 'free_shipping'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];

/** What decides a coupon's discount (the template's terms). */
export interface CouponTerms {
  type: CouponKind;
  /** Eligible subtotal needed before the coupon applies (0 for none). */
  thresholdFen: Fen;
  amountOffFen: Fen | null;
  /** 1500 = 15 % off. */
  percentOffBp: number | null;
  /** Most a percent-off coupon takes off; null for no cap. */
  capFen: Fen | null;
  /** Category codes the coupon applies to; empty = all. */
  applicableCategories: readonly string[];
}

export interface CouponCartLine {
  category: string;
  lineTotalFen: Fen;
}

export type CouponDecision =
  | {
      applicable: true;
      discountFen: Fen;
      /** Subtotal of the lines the coupon covers. */
      eligibleFen: Fen;
      /** The goods discount split over the cart lines (0 for lines it does not cover); sums to the goods discount. */
      lineAllocations: Fen[];
      /** Part of the discount that is shipping (free-shipping coupons). */
      shippingDiscountFen: Fen;
    }
  | { applicable: false; reason: 'no_eligible_items' | 'below_threshold'; eligibleFen: Fen; shortFen: Fen };

/**
 * The discount one coupon gives on a cart. Never more than what it covers, so a payable amount can't go negative;
 * the split over lines (largest remainder) lets partial refunds give back exactly the discounted price.
 * @example couponDiscount({ type: 'amount_off', thresholdFen: 10000, amountOffFen: 2000, percentOffBp: null,
 *   capFen: null, applicableCategories: [] }, [{ category: 'tea', lineTotalFen: 12000 }], 0).discountFen // 2000
 */
export function couponDiscount(terms: CouponTerms, lines: readonly CouponCartLine[], shippingFen: Fen): CouponDecision {
  const covered = lines.map(
    (line) => terms.applicableCategories.length === 0 || terms.applicableCategories.includes(line.category),
  );
  const eligibleFen = lines.reduce((sum, line, i) => sum + (covered[i] ? line.lineTotalFen : 0), 0);
  if (eligibleFen <= 0) return { applicable: false, reason: 'no_eligible_items', eligibleFen: 0, shortFen: 0 };
  const threshold = terms.type === 'no_threshold' ? 0 : terms.thresholdFen;
  if (eligibleFen < threshold) {
    return { applicable: false, reason: 'below_threshold', eligibleFen, shortFen: threshold - eligibleFen };
  }
  if (terms.type === 'free_shipping') {
    return {
      applicable: true,
      discountFen: shippingFen,
      eligibleFen,
      lineAllocations: lines.map(() => 0),
      shippingDiscountFen: shippingFen,
    };
  }
  let goodsDiscount: Fen;
  if (terms.type === 'percent_off') {
    goodsDiscount = basisPointsOf(eligibleFen, terms.percentOffBp ?? 0);
    if (terms.capFen !== null) goodsDiscount = Math.min(goodsDiscount, terms.capFen);
  } else {
    goodsDiscount = Math.min(terms.amountOffFen ?? 0, eligibleFen);
  }
  const weights = lines.map((line, i) => (covered[i] ? line.lineTotalFen : 0));
  return {
    applicable: true,
    discountFen: goodsDiscount,
    eligibleFen,
    lineAllocations: allocateProportionally(goodsDiscount, weights),
    shippingDiscountFen: 0,
  };
}

export interface WalletCoupon<Id> {
  id: Id;
  terms: CouponTerms;
  validFrom: Date;
  validTo: Date;
}

/**
 * The coupon that saves the most on this cart among those valid at `now`; ties go to the one that expires first
 * (use it before it is lost), then to the lower id. Null when none applies.
 */
export function bestCoupon<Id extends string | number>(
  coupons: readonly WalletCoupon<Id>[],
  lines: readonly CouponCartLine[],
  shippingFen: Fen,
  now: Date,
): { id: Id; discountFen: Fen } | null {
  let best: { id: Id; discountFen: Fen; validTo: number } | null = null;
  for (const coupon of coupons) {
    if (coupon.validFrom.getTime() > now.getTime() || coupon.validTo.getTime() <= now.getTime()) continue;
    const decision = couponDiscount(coupon.terms, lines, shippingFen);
    if (!decision.applicable || decision.discountFen <= 0) continue;
    const candidate = { id: coupon.id, discountFen: decision.discountFen, validTo: coupon.validTo.getTime() };
    if (
      best === null ||
      candidate.discountFen > best.discountFen ||
      (candidate.discountFen === best.discountFen &&
        (candidate.validTo < best.validTo || (candidate.validTo === best.validTo && candidate.id < best.id)))
    ) {
      best = candidate;
    }
  }
  return best ? { id: best.id, discountFen: best.discountFen } : null;
}
