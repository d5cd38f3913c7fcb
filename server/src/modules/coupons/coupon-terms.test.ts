import type { CouponTerms } from '@member-ops/shared';
import { describe, expect, it } from 'vitest';
import { couponValidity, describeCouponTerms, newCouponCode } from './coupon-terms';

const base: CouponTerms = {
  type: 'amount_off',
  thresholdFen: 0,
  amountOffFen: null,
  percentOffBp: null,
  capFen: null,
  applicableCategories: [],
};

describe('describeCouponTerms', () => {
  it.each<[Partial<CouponTerms>, string]>([
    [{ type: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000 }, '满100减20'],
    [{ type: 'amount_off', thresholdFen: 9_950, amountOffFen: 550 }, '满99.5减5.5'],
    [{ type: 'amount_off', thresholdFen: 0, amountOffFen: 300 }, '无门槛减3'],
    [{ type: 'percent_off', percentOffBp: 1_500, capFen: 3_000 }, '8.5折 最高减30'],
    [{ type: 'percent_off', thresholdFen: 20_000, percentOffBp: 1_000 }, '满200享9折'],
    [{ type: 'percent_off', percentOffBp: 1_250 }, '8.75折'],
    [{ type: 'no_threshold', amountOffFen: 500 }, '无门槛减5'],
    [{ type: 'free_shipping' }, '免运费'],
    [{ type: 'free_shipping', thresholdFen: 9_900 }, '满99免运费'],
    [{ type: 'amount_off', thresholdFen: 5_000, amountOffFen: 1_000, applicableCategories: ['coffee'] }, '满50减10 限指定品类'],
  ])('%o → %s', (terms, expected) => {
    expect(describeCouponTerms({ ...base, ...terms })).toBe(expected);
  });
});

describe('couponValidity', () => {
  it('gives a fixed template its own window', () => {
    const validFrom = new Date('2026-11-01T00:00:00Z');
    const validTo = new Date('2026-12-01T00:00:00Z');
    expect(
      couponValidity({ validityKind: 'fixed', validFrom, validTo, validDays: null }, new Date('2026-11-20T00:00:00Z')),
    ).toEqual({
      validFrom,
      validTo,
    });
  });

  it('runs N days after issue to the end of that Shanghai day', () => {
    // 23:30 in Shanghai on 20 Nov: 7 days later is 27 Nov, valid until 23:59:59.999 Shanghai that day.
    const issued = new Date('2026-11-20T15:30:00Z');
    const validity = couponValidity({ validityKind: 'days_after_issue', validFrom: null, validTo: null, validDays: 7 }, issued);
    expect(validity).toEqual({ validFrom: issued, validTo: new Date('2026-11-27T15:59:59.999Z') });
    // 00:30 in Shanghai on 21 Nov (still 20 Nov in UTC): 28 Nov ends at 15:59:59.999Z.
    const early = new Date('2026-11-20T16:30:00Z');
    expect(
      couponValidity({ validityKind: 'days_after_issue', validFrom: null, validTo: null, validDays: 7 }, early).validTo,
    ).toEqual(new Date('2026-11-28T15:59:59.999Z'));
  });
});

describe('newCouponCode', () => {
  it('draws 12 symbols from the unambiguous alphabet, different every time', () => {
    const codes = Array.from({ length: 500 }, () => newCouponCode());
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
