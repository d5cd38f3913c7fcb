import { describe, expect, it } from 'vitest';
import { MoneyError } from '../money';
import { fromShanghai } from '../time';
import { adjustPoints, clawbackForRefund } from './clawback';
import { DEFAULT_POINTS_CONFIG } from './config';
import { earnForOrder } from './earn';
import { availablePoints, balanceOf, batchesOf, type PointsEntry, spendPoints } from './ledger';

const config = DEFAULT_POINTS_CONFIG;
const paidAt = fromShanghai(2026, 4, 1, 12);
const now = fromShanghai(2026, 4, 20, 12);
const older = earnForOrder({ orderId: 'old', paidFen: 5_000, paidAt: fromShanghai(2026, 2, 1) }, 1, config);
const order = earnForOrder({ orderId: 'o1', paidFen: 10_000, paidAt }, 1, config);

const append = (entries: PointsEntry[], more: readonly PointsEntry[]) => {
  entries.push(...more);
  return entries;
};

describe('clawbackForRefund', () => {
  it('claws back the refunded share from the order’s own batch first', () => {
    const decision = clawbackForRefund([...older, ...order], { orderId: 'o1', paidFen: 10_000, refundedFen: 2_500 }, now);
    expect(decision).toEqual({
      entries: [
        {
          kind: 'clawback',
          points: -25,
          allocations: [{ batchId: 'order:o1', points: 25 }],
          reason: 'refund',
          occurredAt: now,
          ref: 'o1',
          shortfall: 0,
        },
      ],
      clawedBack: 25,
      shortfall: 0,
    });
  });

  it('rounds each partial refund down but adds up to the full amount over several refunds', () => {
    const entries: PointsEntry[] = [...older, ...earnForOrder({ orderId: 'o7', paidFen: 1_000, paidAt }, 1, config)];
    const steps = [150, 300, 1_000].map((refundedFen) => {
      const decision = clawbackForRefund(entries, { orderId: 'o7', paidFen: 1_000, refundedFen }, now);
      append(entries, decision.entries);
      return decision.clawedBack;
    });
    expect(steps).toEqual([1, 2, 7]);
    expect(balanceOf(entries)).toBe(50);
  });

  it('does nothing when a refund notification is repeated or the share rounds to zero', () => {
    const entries = append(
      [...order],
      clawbackForRefund(order, { orderId: 'o1', paidFen: 10_000, refundedFen: 5_000 }, now).entries,
    );
    expect(clawbackForRefund(entries, { orderId: 'o1', paidFen: 10_000, refundedFen: 5_000 }, now)).toEqual({
      entries: [],
      clawedBack: 0,
      shortfall: 0,
    });
    expect(clawbackForRefund(order, { orderId: 'o1', paidFen: 10_000, refundedFen: 99 }, now).entries).toEqual([]);
  });

  it('never claws back more than was earned, even for a refund above the paid amount', () => {
    expect(clawbackForRefund(order, { orderId: 'o1', paidFen: 10_000, refundedFen: 12_000 }, now).clawedBack).toBe(100);
  });

  it('takes from other batches once the order’s points are spent, and records a shortfall beyond the balance', () => {
    const entries: PointsEntry[] = [...older, ...order];
    const spent = spendPoints(entries, 120, now, 'checkout');
    if (!spent.ok) throw new Error('setup: spend failed');
    entries.push(spent.entry);
    const decision = clawbackForRefund(entries, { orderId: 'o1', paidFen: 10_000, refundedFen: 10_000 }, now);
    expect(decision.clawedBack).toBe(30);
    expect(decision.shortfall).toBe(70);
    expect(decision.entries[0]?.allocations).toEqual([{ batchId: 'order:o1', points: 30 }]);
    append(entries, decision.entries);
    expect(balanceOf(entries)).toBe(0);
    expect(() => batchesOf(entries, now)).not.toThrow();
  });

  it('counts an earlier shortfall as reversed, so a later refund does not claw it back twice', () => {
    const entries: PointsEntry[] = [...order];
    const spent = spendPoints(entries, 100, now, 'checkout');
    if (!spent.ok) throw new Error('setup: spend failed');
    entries.push(spent.entry);
    const first = clawbackForRefund(entries, { orderId: 'o1', paidFen: 10_000, refundedFen: 4_000 }, now);
    expect(first).toMatchObject({ clawedBack: 0, shortfall: 40 });
    expect(first.entries[0]).toMatchObject({ points: 0, allocations: [], shortfall: 40 });
    expect(Object.is(first.entries[0]?.points, 0)).toBe(true);
    append(entries, first.entries);
    append(entries, earnForOrder({ orderId: 'o2', paidFen: 20_000, paidAt: now }, 1, config));
    const second = clawbackForRefund(entries, { orderId: 'o1', paidFen: 10_000, refundedFen: 10_000 }, now);
    expect(second).toMatchObject({ clawedBack: 60, shortfall: 0 });
  });

  it('reads a clawback recorded without a shortfall field as fully taken', () => {
    const entries: PointsEntry[] = [
      ...order,
      {
        kind: 'clawback',
        points: -30,
        allocations: [{ batchId: 'order:o1', points: 30 }],
        reason: 'refund',
        occurredAt: now,
        ref: 'o1',
      },
    ];
    expect(clawbackForRefund(entries, { orderId: 'o1', paidFen: 10_000, refundedFen: 5_000 }, now).clawedBack).toBe(20);
  });

  it('claws back nothing for an order that earned nothing', () => {
    expect(clawbackForRefund(older, { orderId: 'unknown', paidFen: 1_000, refundedFen: 1_000 }, now).entries).toEqual([]);
  });

  it('rejects impossible amounts', () => {
    expect(() => clawbackForRefund(order, { orderId: 'o1', paidFen: 0, refundedFen: 0 }, now)).toThrow(RangeError);
    expect(() => clawbackForRefund(order, { orderId: 'o1', paidFen: 100, refundedFen: -1 }, now)).toThrow(RangeError);
    expect(() => clawbackForRefund(order, { orderId: 'o1', paidFen: 100.5, refundedFen: 1 }, now)).toThrow(MoneyError);
    const huge = earnForOrder({ orderId: 'big', paidFen: 1_000_000_000, paidAt }, 2, config);
    expect(() => clawbackForRefund(huge, { orderId: 'big', paidFen: 1_000_000_000, refundedFen: 1_000_000_000 }, now)).toThrow(
      RangeError,
    );
  });
});

describe('adjustPoints', () => {
  it('opens a batch for a positive adjustment', () => {
    const decision = adjustPoints([], { adjustmentId: 'a1', points: 200, note: '客诉补偿' }, now, config);
    expect(decision).toEqual({
      ok: true,
      entry: {
        kind: 'adjust',
        points: 200,
        batchId: 'adjust:a1',
        expiresAt: fromShanghai(2027, 4, 30, 23, 59, 59, 999),
        reason: 'manual',
        occurredAt: now,
        ref: 'a1',
        note: '客诉补偿',
      },
    });
  });

  it('takes a negative adjustment oldest first', () => {
    const decision = adjustPoints([...older, ...order], { adjustmentId: 'a2', points: -60, note: '误发' }, now, config);
    expect(decision.ok && decision.entry).toMatchObject({
      kind: 'adjust',
      points: -60,
      allocations: [
        { batchId: 'order:old', points: 50 },
        { batchId: 'order:o1', points: 10 },
      ],
    });
  });

  it('refuses to go below zero or to record nothing', () => {
    expect(adjustPoints(order, { adjustmentId: 'a3', points: -101, note: '' }, now, config)).toEqual({
      ok: false,
      reason: 'insufficient_points',
      available: availablePoints(order, now),
    });
    expect(adjustPoints(order, { adjustmentId: 'a4', points: 0, note: '' }, now, config)).toMatchObject({
      ok: false,
      reason: 'zero_adjustment',
    });
    expect(() => adjustPoints(order, { adjustmentId: 'a5', points: 1.5, note: '' }, now, config)).toThrow(RangeError);
  });
});
