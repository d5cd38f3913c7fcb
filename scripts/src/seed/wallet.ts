/** One member's coupons: issuing them (once per source key, within the per-member limit) and redeeming one per order. */
import { addDays } from '@member-ops/shared';
import type { CouponSource, coupons } from '../../../server/src/db/schema';
import type { CouponTemplateSpec } from './data/marketing-data';
import { couponCode, type IdSequence } from './ids';
import type { SeededRandom } from './random';

export interface SeededTemplate {
  id: number;
  spec: CouponTemplateSpec;
}

/** What an order looks like to a coupon: its lines by category, the item total and the shipping fee. */
export interface CouponBasket {
  lines: readonly { category: string; lineTotalFen: number }[];
  itemsTotalFen: number;
  shippingFen: number;
}

export interface CouponChoice {
  coupon: WalletCoupon;
  discountFen: number;
  /** A free-shipping coupon pays the shipping fee, not part of the items. */
  onShipping: boolean;
}

export interface WalletCoupon {
  id: number;
  template: SeededTemplate;
  issuedAt: Date;
  validTo: Date;
  source: CouponSource;
  sourceKey: string;
  usedAt: Date | null;
  usedOrderId: number | null;
}

/** The discount `spec` gives on `basket`, or 0 when it does not apply. */
export function couponDiscountFen(spec: CouponTemplateSpec, basket: CouponBasket): number {
  const applicableFen = basket.lines
    .filter((line) => spec.applicableCategories.length === 0 || spec.applicableCategories.includes(line.category))
    .reduce((sum, line) => sum + line.lineTotalFen, 0);
  if (applicableFen === 0 || applicableFen < spec.thresholdFen) return 0;
  switch (spec.type) {
    case 'amount_off':
      return Math.min(spec.amountOffFen ?? 0, applicableFen);
    case 'no_threshold':
      // A no-threshold coupon still needs an order worth more than twice its face value here, so it never pays it all.
      return basket.itemsTotalFen >= 2 * (spec.amountOffFen ?? 0) ? (spec.amountOffFen ?? 0) : 0;
    case 'percent_off':
      return Math.min(Math.floor((applicableFen * (spec.percentOffBp ?? 0)) / 10_000), spec.capFen ?? Number.MAX_SAFE_INTEGER);
    case 'free_shipping':
      return basket.shippingFen;
  }
}

export class CouponWallet {
  private readonly coupons: WalletCoupon[] = [];
  private readonly issuedKeys = new Set<string>();

  constructor(
    private readonly memberId: number,
    private readonly ids: IdSequence,
  ) {}

  issuedCount(templateId: number): number {
    return this.coupons.filter((c) => c.template.id === templateId).length;
  }

  /** Issues a coupon unless this source key was used for the template or the member reached its limit. */
  issue(template: SeededTemplate, at: Date, source: CouponSource, sourceKey: string): WalletCoupon | null {
    const key = `${template.id}/${sourceKey}`;
    if (this.issuedKeys.has(key) || this.issuedCount(template.id) >= template.spec.perMemberLimit) return null;
    this.issuedKeys.add(key);
    const coupon: WalletCoupon = {
      id: this.ids.next('coupons'),
      template,
      issuedAt: at,
      validTo: addDays(at, template.spec.validDays),
      source,
      sourceKey,
      usedAt: null,
      usedOrderId: null,
    };
    this.coupons.push(coupon);
    return coupon;
  }

  /** Gives a coupon the source key that could only be known after it was issued (e.g. the points entry that paid for it). */
  rekey(coupon: WalletCoupon, sourceKey: string): void {
    this.issuedKeys.delete(`${coupon.template.id}/${coupon.sourceKey}`);
    this.issuedKeys.add(`${coupon.template.id}/${sourceKey}`);
    coupon.sourceKey = sourceKey;
  }

  /** The unused, valid coupon worth most on this basket at `at`. */
  best(basket: CouponBasket, at: Date): CouponChoice | null {
    let best: CouponChoice | null = null;
    for (const coupon of this.coupons) {
      if (coupon.usedAt !== null || coupon.issuedAt.getTime() > at.getTime() || coupon.validTo.getTime() <= at.getTime())
        continue;
      const discountFen = couponDiscountFen(coupon.template.spec, basket);
      if (discountFen > 0 && (best === null || discountFen > best.discountFen)) {
        best = { coupon, discountFen, onShipping: coupon.template.spec.type === 'free_shipping' };
      }
    }
    return best;
  }

  use(coupon: WalletCoupon, orderId: number, at: Date): void {
    coupon.usedAt = at;
    coupon.usedOrderId = orderId;
  }

  /**
   * The coupon rows as of `now`. used_order_id is left out: the order rows point at their coupon and are
   * written after the coupons, so the link back is filled in by one UPDATE at the end.
   */
  rows(rng: SeededRandom, now: Date): (typeof coupons.$inferInsert)[] {
    return this.coupons.map((coupon) => ({
      id: coupon.id,
      code: couponCode(coupon.id, rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 4)),
      templateId: coupon.template.id,
      memberId: this.memberId,
      status: coupon.usedAt !== null ? 'used' : coupon.validTo.getTime() <= now.getTime() ? 'expired' : 'available',
      source: coupon.source,
      sourceKey: coupon.sourceKey,
      issuedAt: coupon.issuedAt,
      validFrom: coupon.issuedAt,
      validTo: coupon.validTo,
      usedAt: coupon.usedAt,
      updatedAt: coupon.usedAt ?? coupon.issuedAt,
    }));
  }
}
