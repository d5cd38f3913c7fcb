import { describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import { DEFAULT_RFM_CONFIG } from './config';
import { isRfmOrderFullyRefunded, rfmAggregatesFromOrders, rfmValuesOf, rfmWindowStart } from './window';

const now = fromShanghai(2026, 6, 30, 12);
const config = DEFAULT_RFM_CONFIG;

describe('rfmWindowStart', () => {
  it('is exactly windowDays × 24 h before now', () => {
    expect(rfmWindowStart(now, config).toISOString()).toBe('2025-06-30T04:00:00.000Z');
    expect(rfmWindowStart(now, { ...config, windowDays: 30 })).toEqual(addDays(now, -30));
  });
});

describe('rfmAggregatesFromOrders', () => {
  const start = rfmWindowStart(now, config);

  it('counts orders in (windowStart, now] and nets refunds', () => {
    const lastOrder = addDays(now, -3);
    const aggregates = rfmAggregatesFromOrders(
      [
        { paidAt: start, amountFen: 99_999, refundedFen: 0 }, // on the open edge: outside
        { paidAt: new Date(start.getTime() + 1), amountFen: 10_000, refundedFen: 0 },
        { paidAt: lastOrder, amountFen: 5_000, refundedFen: 1_000 },
        { paidAt: new Date(now.getTime() + 1), amountFen: 77_777, refundedFen: 0 }, // after now: outside
      ],
      now,
      config,
    );
    expect(aggregates).toEqual({ lastPaidAt: lastOrder, paidOrderCount: 2, netPaidFen: 14_000 });
  });

  it('includes an order paid exactly at now', () => {
    expect(rfmAggregatesFromOrders([{ paidAt: now, amountFen: 100, refundedFen: 0 }], now, config)).toEqual({
      lastPaidAt: now,
      paidOrderCount: 1,
      netPaidFen: 100,
    });
  });

  it('drops a fully refunded order from F and from the last order date', () => {
    const kept = addDays(now, -20);
    const aggregates = rfmAggregatesFromOrders(
      [
        { paidAt: kept, amountFen: 3_000, refundedFen: 0 },
        { paidAt: addDays(now, -1), amountFen: 8_000, refundedFen: 8_000 },
      ],
      now,
      config,
    );
    expect(aggregates).toEqual({ lastPaidAt: kept, paidOrderCount: 1, netPaidFen: 3_000 });
  });

  it('keeps the latest order whatever the input order', () => {
    const later = addDays(now, -2);
    const aggregates = rfmAggregatesFromOrders(
      [
        { paidAt: later, amountFen: 1, refundedFen: 0 },
        { paidAt: addDays(now, -9), amountFen: 1, refundedFen: 0 },
      ],
      now,
      config,
    );
    expect(aggregates.lastPaidAt).toEqual(later);
  });

  it('counts a zero-amount order nobody refunded', () => {
    expect(isRfmOrderFullyRefunded({ paidAt: now, amountFen: 0, refundedFen: 0 })).toBe(false);
    expect(isRfmOrderFullyRefunded({ paidAt: now, amountFen: 500, refundedFen: 500 })).toBe(true);
    expect(isRfmOrderFullyRefunded({ paidAt: now, amountFen: 500, refundedFen: 499 })).toBe(false);
  });

  it('gives empty aggregates for no orders', () => {
    expect(rfmAggregatesFromOrders([], now, config)).toEqual({ lastPaidAt: null, paidOrderCount: 0, netPaidFen: 0 });
  });

  it('rejects refunds outside [0, amount] and non-integer amounts', () => {
    expect(() => rfmAggregatesFromOrders([{ paidAt: now, amountFen: 100, refundedFen: 101 }], now, config)).toThrow(RangeError);
    expect(() => rfmAggregatesFromOrders([{ paidAt: now, amountFen: 100, refundedFen: -1 }], now, config)).toThrow(RangeError);
    expect(() => rfmAggregatesFromOrders([{ paidAt: now, amountFen: 1.5, refundedFen: 0 }], now, config)).toThrow();
  });
});

describe('rfmValuesOf', () => {
  it('floors recency to whole days', () => {
    const lastPaidAt = new Date(addDays(now, -2).getTime() - 5 * 3_600_000); // 2 days 5 hours ago
    expect(rfmValuesOf({ lastPaidAt, paidOrderCount: 4, netPaidFen: 12_300 }, now, config)).toEqual({
      recencyDays: 2,
      frequency: 4,
      monetaryFen: 12_300,
    });
    expect(rfmValuesOf({ lastPaidAt: now, paidOrderCount: 1, netPaidFen: 1 }, now, config)?.recencyDays).toBe(0);
  });

  it('is null for a non-buyer', () => {
    expect(rfmValuesOf({ lastPaidAt: null, paidOrderCount: 0, netPaidFen: 0 }, now, config)).toBeNull();
  });

  it('rejects aggregates that contradict each other', () => {
    expect(() => rfmValuesOf({ lastPaidAt: null, paidOrderCount: 1, netPaidFen: 0 }, now, config)).toThrow(/lastPaidAt/);
    expect(() => rfmValuesOf({ lastPaidAt: addDays(now, -365), paidOrderCount: 1, netPaidFen: 0 }, now, config)).toThrow(
      /window/,
    );
    expect(() => rfmValuesOf({ lastPaidAt: addDays(now, 1), paidOrderCount: 1, netPaidFen: 0 }, now, config)).toThrow(/window/);
    expect(() => rfmValuesOf({ lastPaidAt: now, paidOrderCount: -1, netPaidFen: 0 }, now, config)).toThrow(RangeError);
    expect(() => rfmValuesOf({ lastPaidAt: now, paidOrderCount: 1.5, netPaidFen: 0 }, now, config)).toThrow(RangeError);
    expect(() => rfmValuesOf({ lastPaidAt: now, paidOrderCount: 1, netPaidFen: 0.5 }, now, config)).toThrow();
  });
});
