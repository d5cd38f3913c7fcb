import { describe, expect, it } from 'vitest';
import { MoneyError } from '../money';
import { fromShanghai } from '../time';
import { DEFAULT_TIER_CONFIG } from './config';
import {
  type GrowthOrder,
  growthLeavesWindowAt,
  growthValue,
  growthWindowStart,
  nextGrowthDrop,
  projectedGrowth,
} from './growth';

const config = DEFAULT_TIER_CONFIG;
const order = (paidAt: Date, amountFen: number, refundedFen = 0, refundedAt?: Date): GrowthOrder => ({
  paidAt,
  amountFen,
  refundedFen,
  ...(refundedAt ? { refundedAt } : {}),
});

describe('growthWindowStart and growthLeavesWindowAt', () => {
  it('covers 365 Shanghai calendar days including today', () => {
    expect(growthWindowStart(fromShanghai(2027, 3, 14, 23, 59), config).getTime()).toBe(fromShanghai(2026, 3, 15).getTime());
    expect(growthWindowStart(fromShanghai(2027, 3, 15, 0, 0), config).getTime()).toBe(fromShanghai(2026, 3, 16).getTime());
  });

  it('lets an order leave at 00:00 Shanghai 365 days after the day it was paid', () => {
    expect(growthLeavesWindowAt(fromShanghai(2026, 3, 15, 23, 59), config).getTime()).toBe(fromShanghai(2027, 3, 15).getTime());
    expect(growthLeavesWindowAt(fromShanghai(2024, 3, 1, 8), config).getTime()).toBe(fromShanghai(2025, 3, 1).getTime());
  });

  it('follows a configured window length', () => {
    expect(growthWindowStart(fromShanghai(2026, 3, 31, 12), { windowDays: 1 }).getTime()).toBe(
      fromShanghai(2026, 3, 31).getTime(),
    );
    expect(growthLeavesWindowAt(fromShanghai(2026, 3, 31, 12), { windowDays: 30 }).getTime()).toBe(
      fromShanghai(2026, 4, 30).getTime(),
    );
  });
});

describe('growthValue', () => {
  const now = fromShanghai(2027, 3, 14, 12);

  it('sums paid amounts minus refunds inside the window', () => {
    const orders = [order(fromShanghai(2026, 6, 1), 50_000, 10_000), order(fromShanghai(2027, 1, 1), 30_000)];
    expect(growthValue(orders, now, config)).toBe(70_000);
  });

  it('counts an order on the first day of the window and drops it the day after', () => {
    const orders = [order(fromShanghai(2026, 3, 15, 0, 0), 40_000)];
    expect(growthValue(orders, now, config)).toBe(40_000);
    expect(growthValue(orders, fromShanghai(2027, 3, 14, 23, 59, 59, 999), config)).toBe(40_000);
    expect(growthValue(orders, fromShanghai(2027, 3, 15), config)).toBe(0);
  });

  it('ignores orders before the window and orders paid after now', () => {
    const orders = [order(fromShanghai(2026, 3, 14, 23, 59), 40_000), order(fromShanghai(2027, 3, 14, 12, 0, 1), 1_000)];
    expect(growthValue(orders, now, config)).toBe(0);
  });

  it('counts an order paid exactly at now', () => {
    expect(growthValue([order(now, 1_000)], now, config)).toBe(1_000);
  });

  it('ignores a refund recorded after now, so history can be replayed', () => {
    const orders = [order(fromShanghai(2027, 1, 1), 30_000, 30_000, fromShanghai(2027, 4, 1))];
    expect(growthValue(orders, now, config)).toBe(30_000);
    expect(growthValue(orders, fromShanghai(2027, 4, 1), config)).toBe(0);
  });

  it('gives nothing for no orders', () => {
    expect(growthValue([], now, config)).toBe(0);
  });

  it('rejects refunds above the amount, negative amounts and fractional fen', () => {
    expect(() => growthValue([order(now, 100, 101)], now, config)).toThrow(RangeError);
    expect(() => growthValue([order(now, -100)], now, config)).toThrow(RangeError);
    expect(() => growthValue([order(now, 100, -1)], now, config)).toThrow(RangeError);
    expect(() => growthValue([order(now, 10.5)], now, config)).toThrow(MoneyError);
  });
});

describe('projectedGrowth and nextGrowthDrop', () => {
  const now = fromShanghai(2026, 12, 1, 10);
  const orders = [
    order(fromShanghai(2026, 1, 10, 9), 20_000),
    order(fromShanghai(2026, 2, 20, 21), 30_000, 30_000),
    order(fromShanghai(2026, 6, 5, 9), 50_000),
    order(fromShanghai(2026, 11, 30, 9), 10_000),
  ];

  it('removes what will have left the window by then', () => {
    expect(projectedGrowth(orders, now, now, config)).toBe(80_000);
    expect(projectedGrowth(orders, now, fromShanghai(2027, 1, 9, 23, 59), config)).toBe(80_000);
    expect(projectedGrowth(orders, now, fromShanghai(2027, 1, 10), config)).toBe(60_000);
    expect(projectedGrowth(orders, now, fromShanghai(2027, 6, 5), config)).toBe(10_000);
    expect(projectedGrowth(orders, now, fromShanghai(2027, 12, 1), config)).toBe(0);
  });

  it('agrees with growthValue at the later instant when nothing new is bought', () => {
    for (const at of [fromShanghai(2027, 1, 10), fromShanghai(2027, 3, 1), fromShanghai(2027, 11, 30, 8)]) {
      expect(projectedGrowth(orders, now, at, config)).toBe(growthValue(orders, at, config));
    }
  });

  it('finds the first drop, skipping fully refunded orders', () => {
    expect(nextGrowthDrop(orders, now, config)?.getTime()).toBe(fromShanghai(2027, 1, 10).getTime());
    const refundedFirst = [order(fromShanghai(2026, 1, 10, 9), 20_000, 20_000), ...orders.slice(1)];
    expect(nextGrowthDrop(refundedFirst, now, config)?.getTime()).toBe(fromShanghai(2027, 6, 5).getTime());
  });

  it('has no drop when nothing counts', () => {
    expect(nextGrowthDrop([], now, config)).toBeNull();
    expect(nextGrowthDrop([order(fromShanghai(2025, 1, 1), 99_000)], now, config)).toBeNull();
  });
});
