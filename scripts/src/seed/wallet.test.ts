import { describe, expect, it } from 'vitest';
import { COUPON_TEMPLATE_SPECS, type CouponTemplateSpec } from './data/marketing-data';
import { IdSequence } from './ids';
import { planRefund } from './orders';
import { SeededRandom } from './random';
import { CouponWallet, couponDiscountFen } from './wallet';

function spec(name: string): CouponTemplateSpec {
  const found = COUPON_TEMPLATE_SPECS.find((s) => s.name === name);
  if (!found) throw new Error(`no template ${name}`);
  return found;
}

const basket = (lines: [string, number][], shippingFen = 0) => ({
  lines: lines.map(([category, lineTotalFen]) => ({ category, lineTotalFen })),
  itemsTotalFen: lines.reduce((sum, [, fen]) => sum + fen, 0),
  shippingFen,
});

describe('couponDiscountFen', () => {
  it('takes an amount off at or above the threshold only', () => {
    expect(couponDiscountFen(spec('新人专享 满99减20'), basket([['tea', 9_900]]))).toBe(2_000);
    expect(couponDiscountFen(spec('新人专享 满99减20'), basket([['tea', 9_899]]))).toBe(0);
  });

  it('counts only the applicable categories towards the threshold', () => {
    const tea = spec('好茶节 茶叶满299减50');
    expect(
      couponDiscountFen(
        tea,
        basket([
          ['tea', 20_000],
          ['coffee', 20_000],
        ]),
      ),
    ).toBe(0);
    expect(
      couponDiscountFen(
        tea,
        basket([
          ['tea', 30_000],
          ['coffee', 100],
        ]),
      ),
    ).toBe(5_000);
  });

  it('caps a percentage coupon and pays shipping with a free-shipping one', () => {
    const percent = spec('美妆个护 8.5折券');
    expect(couponDiscountFen(percent, basket([['beauty', 20_000]]))).toBe(3_000);
    expect(couponDiscountFen(percent, basket([['beauty', 90_000]]))).toBe(5_000);
    expect(couponDiscountFen(spec('包邮券'), basket([['snacks', 3_000]], 800))).toBe(800);
    expect(couponDiscountFen(spec('包邮券'), basket([['snacks', 12_000]], 0))).toBe(0);
  });

  it('uses a no-threshold coupon only on orders worth twice its face value', () => {
    expect(couponDiscountFen(spec('无门槛10元券'), basket([['snacks', 1_999]]))).toBe(0);
    expect(couponDiscountFen(spec('无门槛10元券'), basket([['snacks', 2_000]]))).toBe(1_000);
  });
});

describe('CouponWallet', () => {
  it('issues once per source key and within the per-member limit, and picks the best valid coupon', () => {
    const wallet = new CouponWallet(1, new IdSequence());
    const welcome = { id: 1, spec: spec('新人专享 满99减20') };
    const big = { id: 2, spec: spec('全场满199减30') };
    const at = new Date('2026-01-01T02:00:00Z');
    expect(wallet.issue(welcome, at, 'claim', 'claim:1')).not.toBeNull();
    expect(wallet.issue(welcome, at, 'claim', 'claim:2')).toBeNull();
    expect(wallet.issue(big, at, 'claim', 'claim:1')?.id).toBe(2);
    expect(wallet.issue(big, at, 'claim', 'claim:1')).toBeNull();
    const later = new Date('2026-01-05T02:00:00Z');
    expect(wallet.best(basket([['tea', 25_000]]), later)?.discountFen).toBe(3_000);
    const afterExpiry = new Date('2026-01-20T02:00:00Z');
    expect(wallet.best(basket([['tea', 25_000]]), afterExpiry)?.coupon.template.id).toBe(1);
    expect(wallet.best(basket([['tea', 25_000]]), new Date('2026-03-01T00:00:00Z'))).toBeNull();
  });
});

describe('planRefund', () => {
  const lines = [
    { id: 1, quantity: 2, lineTotalFen: 10_000, discountAllocFen: 1_000 },
    { id: 2, quantity: 1, lineTotalFen: 5_000, discountAllocFen: 500 },
  ];

  it('refunds either the whole paid amount or part of one line, never more than was paid', () => {
    const rng = new SeededRandom(11);
    let full = 0;
    let partial = 0;
    for (let i = 0; i < 200; i++) {
      const plan = planRefund(rng, lines, 14_300);
      if (!plan) continue;
      if (plan.full) {
        full += 1;
        expect(plan.amountFen).toBe(14_300);
      } else {
        partial += 1;
        expect(plan.lines).toHaveLength(1);
        const line = lines.find((l) => l.id === plan.lines[0]?.orderItemId);
        expect(plan.amountFen).toBeLessThanOrEqual((line?.lineTotalFen ?? 0) - (line?.discountAllocFen ?? 0));
        expect(plan.amountFen).toBeLessThan(14_300);
      }
    }
    expect(full).toBeGreaterThan(0);
    expect(partial).toBeGreaterThan(0);
  });
});
