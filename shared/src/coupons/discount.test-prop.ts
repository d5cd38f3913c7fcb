import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUPON_KINDS, couponDiscount } from './discount';

const categories = ['tea', 'coffee', 'snack'];
const terms = fc.record({
  type: fc.constantFrom(...COUPON_KINDS),
  thresholdFen: fc.integer({ min: 0, max: 50_000 }),
  amountOffFen: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
  percentOffBp: fc.option(fc.integer({ min: 1, max: 9_999 }), { nil: null }),
  capFen: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
  applicableCategories: fc.subarray(categories),
});
const cart = fc.array(
  fc.record({ category: fc.constantFrom(...categories), lineTotalFen: fc.integer({ min: 1, max: 100_000 }) }),
  {
    maxLength: 6,
  },
);

describe('couponDiscount properties', () => {
  it('never discounts more than it covers, and the line split adds up exactly', () => {
    fc.assert(
      fc.property(terms, cart, fc.integer({ min: 0, max: 2_000 }), (t, lines, shipping) => {
        const decision = couponDiscount(t, lines, shipping);
        if (!decision.applicable) return;
        expect(Number.isInteger(decision.discountFen)).toBe(true);
        expect(decision.discountFen).toBeGreaterThanOrEqual(0);
        const goods = decision.lineAllocations.reduce((a, b) => a + b, 0);
        expect(goods + decision.shippingDiscountFen).toBe(decision.discountFen);
        expect(decision.shippingDiscountFen).toBeLessThanOrEqual(shipping);
        decision.lineAllocations.forEach((part, i) => {
          expect(part).toBeGreaterThanOrEqual(0);
          expect(part).toBeLessThanOrEqual(lines[i]?.lineTotalFen ?? 0);
        });
        expect(goods).toBeLessThanOrEqual(decision.eligibleFen);
      }),
    );
  });
});
