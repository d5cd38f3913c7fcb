import { describe, expect, it } from 'vitest';
import { bestCoupon, couponDiscount, type CouponTerms } from './discount';

const base: CouponTerms = {
  type: 'amount_off',
  thresholdFen: 0,
  amountOffFen: null,
  percentOffBp: null,
  capFen: null,
  applicableCategories: [],
};
const lines = [
  { category: 'tea', lineTotalFen: 12_000 },
  { category: 'snack', lineTotalFen: 3_000 },
];

describe('couponDiscount', () => {
  it('满减: applies at the threshold and splits the discount over the lines', () => {
    const decision = couponDiscount({ ...base, thresholdFen: 15_000, amountOffFen: 2_000 }, lines, 800);
    expect(decision).toEqual({
      applicable: true,
      discountFen: 2_000,
      eligibleFen: 15_000,
      lineAllocations: [1_600, 400],
      shippingDiscountFen: 0,
    });
  });

  it('满减: says how much is missing below the threshold', () => {
    expect(couponDiscount({ ...base, thresholdFen: 15_001, amountOffFen: 2_000 }, lines, 0)).toEqual({
      applicable: false,
      reason: 'below_threshold',
      eligibleFen: 15_000,
      shortFen: 1,
    });
  });

  it('counts only the categories the coupon covers', () => {
    const decision = couponDiscount(
      { ...base, thresholdFen: 5_000, amountOffFen: 1_000, applicableCategories: ['snack'] },
      lines,
      0,
    );
    expect(decision).toMatchObject({ applicable: false, reason: 'below_threshold', eligibleFen: 3_000 });
    const onTea = couponDiscount({ ...base, amountOffFen: 1_000, applicableCategories: ['tea'] }, lines, 0);
    expect(onTea).toMatchObject({ applicable: true, lineAllocations: [1_000, 0] });
    expect(couponDiscount({ ...base, amountOffFen: 1, applicableCategories: ['toys'] }, lines, 0)).toMatchObject({
      applicable: false,
      reason: 'no_eligible_items',
    });
  });

  it('折扣: percent off rounded down, capped', () => {
    expect(couponDiscount({ ...base, type: 'percent_off', percentOffBp: 1_500 }, lines, 0)).toMatchObject({ discountFen: 2_250 });
    expect(couponDiscount({ ...base, type: 'percent_off', percentOffBp: 1_500, capFen: 2_000 }, lines, 0)).toMatchObject({
      discountFen: 2_000,
    });
    expect(
      couponDiscount({ ...base, type: 'percent_off', percentOffBp: 333 }, [{ category: 'x', lineTotalFen: 100 }], 0),
    ).toMatchObject({
      discountFen: 3,
    });
  });

  it('无门槛: ignores any threshold and never exceeds what it covers', () => {
    const decision = couponDiscount({ ...base, type: 'no_threshold', thresholdFen: 99_999, amountOffFen: 50_000 }, lines, 0);
    expect(decision).toMatchObject({ applicable: true, discountFen: 15_000 });
  });

  it('运费: takes off the shipping only', () => {
    expect(couponDiscount({ ...base, type: 'free_shipping', thresholdFen: 9_900 }, lines, 800)).toEqual({
      applicable: true,
      discountFen: 800,
      eligibleFen: 15_000,
      lineAllocations: [0, 0],
      shippingDiscountFen: 800,
    });
  });
});

describe('bestCoupon', () => {
  const now = new Date('2026-11-23T08:00:00Z');
  const valid = { validFrom: new Date('2026-11-01T00:00:00Z'), validTo: new Date('2026-12-31T00:00:00Z') };
  it('picks the largest saving among coupons valid now', () => {
    const best = bestCoupon(
      [
        { id: 1, terms: { ...base, amountOffFen: 1_000 }, ...valid },
        { id: 2, terms: { ...base, type: 'percent_off', percentOffBp: 2_000 }, ...valid },
        { id: 3, terms: { ...base, amountOffFen: 9_000 }, validFrom: valid.validFrom, validTo: new Date('2026-11-23T08:00:00Z') },
        { id: 4, terms: { ...base, amountOffFen: 8_000, thresholdFen: 20_000 }, ...valid },
      ],
      lines,
      0,
      now,
    );
    expect(best).toEqual({ id: 2, discountFen: 3_000 });
  });

  it('breaks ties by the earlier expiry, then the lower id; null when nothing applies', () => {
    const soon = { validFrom: valid.validFrom, validTo: new Date('2026-11-30T00:00:00Z') };
    const coupons = [
      { id: 7, terms: { ...base, amountOffFen: 1_000 }, ...valid },
      { id: 9, terms: { ...base, amountOffFen: 1_000 }, ...soon },
      { id: 8, terms: { ...base, amountOffFen: 1_000 }, ...soon },
    ];
    expect(bestCoupon(coupons, lines, 0, now)).toEqual({ id: 8, discountFen: 1_000 });
    expect(bestCoupon(coupons, [], 0, now)).toBeNull();
  });
});
