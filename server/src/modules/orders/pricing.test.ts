import fc from 'fast-check';
import { DEFAULT_POINTS_CONFIG, type CouponTerms } from '@member-ops/shared';
import { describe, expect, it } from 'vitest';
import { FREE_SHIPPING_THRESHOLD_FEN, priceOrder, SHIPPING_FEE_FEN } from './pricing';

const line = fc.record({
  skuId: fc.integer({ min: 1, max: 1_000 }),
  category: fc.constantFrom('tea', 'snacks', 'ware'),
  unitPriceFen: fc.integer({ min: 0, max: 500_000 }),
  quantity: fc.integer({ min: 1, max: 99 }),
});

const coupon: fc.Arbitrary<CouponTerms | null> = fc.option(
  fc.record({
    type: fc.constantFrom('amount_off', 'percent_off', 'no_threshold', 'free_shipping'),
    thresholdFen: fc.integer({ min: 0, max: 50_000 }),
    amountOffFen: fc.integer({ min: 1, max: 100_000 }),
    percentOffBp: fc.integer({ min: 1, max: 9_999 }),
    capFen: fc.option(fc.integer({ min: 1, max: 50_000 })),
    applicableCategories: fc.subarray(['tea', 'snacks', 'ware']),
  }),
);

describe('priceOrder', () => {
  it('always adds up as the orders CHECK demands, keeps every line discount within the line, and caps points at half the goods', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        coupon,
        fc.integer({ min: 0, max: 100 }).map((steps) => steps * 100),
        fc.integer({ min: 0, max: 20_000 }),
        (lines, terms, pointsRequested, availablePoints) => {
          const pricing = priceOrder({
            lines,
            coupon: terms,
            pointsRequested,
            availablePoints,
            pointsConfig: DEFAULT_POINTS_CONFIG,
          });
          if (!pricing.ok) return;
          const items = lines.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0);
          expect(pricing.itemsTotalFen).toBe(items);
          expect(pricing.shippingFen).toBe(items >= FREE_SHIPPING_THRESHOLD_FEN ? 0 : SHIPPING_FEE_FEN);
          expect(pricing.payableFen).toBe(
            pricing.itemsTotalFen + pricing.shippingFen - pricing.couponDiscountFen - pricing.pointsDiscountFen,
          );
          expect(pricing.payableFen).toBeGreaterThanOrEqual(0);
          for (const priced of pricing.lines) expect(priced.discountAllocFen).toBeLessThanOrEqual(priced.lineTotalFen);
          const allocated = pricing.lines.reduce((sum, l) => sum + l.discountAllocFen, 0);
          const shippingPart = terms?.type === 'free_shipping' ? pricing.couponDiscountFen : 0;
          expect(allocated).toBe(pricing.couponDiscountFen - shippingPart + pricing.pointsDiscountFen);
          expect(pricing.pointsUsed).toBeLessThanOrEqual(availablePoints);
          expect(pricing.pointsDiscountFen * 2).toBeLessThanOrEqual(items - (pricing.couponDiscountFen - shippingPart));
        },
      ),
    );
  });

  it('refuses points beyond the limit or not in whole steps, naming the field', () => {
    const lines = [{ skuId: 1, category: 'tea', unitPriceFen: 10_000, quantity: 1 }];
    const base = { lines, coupon: null, availablePoints: 100_000, pointsConfig: DEFAULT_POINTS_CONFIG };
    expect(priceOrder({ ...base, pointsRequested: 5_000 })).toMatchObject({
      ok: true,
      pointsDiscountFen: 5_000,
      payableFen: 5_000,
    });
    expect(priceOrder({ ...base, pointsRequested: 5_100 })).toMatchObject({ ok: false, field: 'body.pointsToUse' });
    expect(priceOrder({ ...base, pointsRequested: 150 })).toMatchObject({ ok: false, field: 'body.pointsToUse' });
  });
});
