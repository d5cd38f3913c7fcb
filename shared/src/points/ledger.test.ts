import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import {
  availablePoints,
  balanceOf,
  batchesOf,
  expireDue,
  isPointsCredit,
  type PointsCreditEntry,
  type PointsDebitEntry,
  type PointsEntry,
  PointsLedgerError,
  pointsExpiringSoon,
  spendPoints,
  takeOldestFirst,
} from './ledger';

const earn = (batchId: string, points: number, occurredAt: Date, expiresAt: Date): PointsCreditEntry => ({
  kind: 'earn',
  points,
  batchId,
  expiresAt,
  reason: 'order',
  occurredAt,
});
const spend = (allocations: Array<[string, number]>, occurredAt: Date): PointsDebitEntry => ({
  kind: 'spend',
  points: -allocations.reduce((sum, [, p]) => sum + p, 0),
  allocations: allocations.map(([batchId, points]) => ({ batchId, points })),
  reason: 'checkout',
  occurredAt,
});

const jan = earn('jan', 100, fromShanghai(2026, 1, 10), fromShanghai(2027, 1, 31, 23, 59, 59, 999));
const mar = earn('mar', 50, fromShanghai(2026, 3, 5), fromShanghai(2027, 3, 31, 23, 59, 59, 999));
const feb = earn('feb', 30, fromShanghai(2026, 2, 1), fromShanghai(2027, 2, 28, 23, 59, 59, 999));
const now = fromShanghai(2026, 6, 1);

describe('balanceOf', () => {
  it('is the sum of the entries', () => {
    expect(balanceOf([])).toBe(0);
    expect(balanceOf([jan, mar, spend([['jan', 40]], now)])).toBe(110);
  });
});

describe('batchesOf', () => {
  it('lists batches oldest expiry first with what remains', () => {
    const batches = batchesOf(
      [
        mar,
        jan,
        feb,
        spend(
          [
            ['jan', 40],
            ['feb', 30],
          ],
          now,
        ),
      ],
      now,
    );
    expect(batches.map((b) => [b.batchId, b.points, b.remaining, b.expired])).toEqual([
      ['jan', 100, 60, false],
      ['feb', 30, 0, false],
      ['mar', 50, 50, false],
    ]);
    expect(batches[0]?.earnedAt).toBe(jan.occurredAt);
  });

  it('marks a batch expired only after its last valid millisecond', () => {
    expect(batchesOf([jan], jan.expiresAt)[0]?.expired).toBe(false);
    expect(batchesOf([jan], new Date(jan.expiresAt.getTime() + 1))[0]?.expired).toBe(true);
  });

  it('breaks expiry ties by earning time and then by id', () => {
    const expiry = fromShanghai(2027, 5, 31, 23, 59, 59, 999);
    const late = earn('a-late', 1, fromShanghai(2026, 5, 20), expiry);
    const early = earn('z-early', 1, fromShanghai(2026, 5, 2), expiry);
    const sameB = earn('b', 1, fromShanghai(2026, 5, 2), expiry);
    expect(batchesOf([late, early, sameB], now).map((b) => b.batchId)).toEqual(['b', 'z-early', 'a-late']);
  });

  it.each<[string, PointsEntry[]]>([
    ['a duplicate batch', [jan, { ...jan }]],
    ['an unknown batch', [jan, spend([['nope', 1]], now)]],
    ['overconsumption', [jan, spend([['jan', 60]], now), spend([['jan', 41]], now)]],
    ['a debit that does not match its allocations', [jan, { ...spend([['jan', 10]], now), points: -9 }]],
    ['a non-positive allocation', [jan, spend([['jan', 0]], now)]],
    ['a fractional credit', [{ ...jan, points: 1.5 }]],
    ['a negative credit', [{ ...jan, points: -5 }]],
  ])('throws on %s', (_, entries) => {
    expect(() => batchesOf(entries, now)).toThrow(PointsLedgerError);
  });
});

describe('availablePoints and isPointsCredit', () => {
  it('leaves out expired batches even before their expire entry is written', () => {
    const after = fromShanghai(2027, 2, 10);
    expect(availablePoints([jan, feb, mar], now)).toBe(180);
    expect(availablePoints([jan, feb, mar], after)).toBe(80);
  });

  it('tells credits from debits', () => {
    expect(isPointsCredit(jan)).toBe(true);
    expect(isPointsCredit(spend([['jan', 1]], now))).toBe(false);
  });
});

describe('spendPoints', () => {
  it('takes from the batch that expires first', () => {
    const decision = spendPoints([mar, jan, feb], 120, now, 'checkout', 'order-7');
    expect(decision).toEqual({
      ok: true,
      entry: {
        kind: 'spend',
        points: -120,
        allocations: [
          { batchId: 'jan', points: 100 },
          { batchId: 'feb', points: 20 },
        ],
        reason: 'checkout',
        occurredAt: now,
        ref: 'order-7',
      },
    });
  });

  it('skips emptied and expired batches', () => {
    const later = fromShanghai(2027, 2, 5);
    const decision = spendPoints([jan, feb, mar, spend([['feb', 30]], now)], 40, later, 'coupon_exchange');
    expect(decision.ok && decision.entry.allocations).toEqual([{ batchId: 'mar', points: 40 }]);
    expect(decision.ok && 'ref' in decision.entry).toBe(false);
  });

  it('refuses to spend more than is available and says how much is', () => {
    expect(spendPoints([jan, feb], 131, now, 'checkout')).toEqual({ ok: false, reason: 'insufficient_points', available: 130 });
    expect(spendPoints([jan], 1, fromShanghai(2027, 2, 1), 'checkout')).toEqual({
      ok: false,
      reason: 'insufficient_points',
      available: 0,
    });
  });

  it('rejects zero, negative or fractional amounts', () => {
    expect(() => spendPoints([jan], 0, now, 'checkout')).toThrow(PointsLedgerError);
    expect(() => spendPoints([jan], -5, now, 'checkout')).toThrow(PointsLedgerError);
    expect(() => spendPoints([jan], 2.5, now, 'checkout')).toThrow(PointsLedgerError);
  });
});

describe('takeOldestFirst', () => {
  it('drains a preferred batch first and reports what is missing', () => {
    const batches = batchesOf([jan, feb, mar], now);
    expect(takeOldestFirst(batches, 70, 'mar')).toEqual({
      allocations: [
        { batchId: 'mar', points: 50 },
        { batchId: 'jan', points: 20 },
      ],
      missing: 0,
    });
    expect(takeOldestFirst(batches, 200).missing).toBe(20);
  });
});

describe('expireDue', () => {
  it('writes one entry per expired batch with points left, dated at its expiry', () => {
    const entries = [jan, feb, mar, spend([['jan', 60]], now)];
    const at = fromShanghai(2027, 3, 1, 2);
    expect(expireDue(entries, at)).toEqual([
      { kind: 'expire', points: -40, allocations: [{ batchId: 'jan', points: 40 }], reason: 'expiry', occurredAt: jan.expiresAt },
      { kind: 'expire', points: -30, allocations: [{ batchId: 'feb', points: 30 }], reason: 'expiry', occurredAt: feb.expiresAt },
    ]);
  });

  it('is idempotent once its entries are appended, and the balance then equals what is available', () => {
    const at = fromShanghai(2027, 3, 1, 2);
    const entries: PointsEntry[] = [jan, feb, mar];
    entries.push(...expireDue(entries, at));
    expect(expireDue(entries, at)).toEqual([]);
    expect(balanceOf(entries)).toBe(availablePoints(entries, at));
    expect(balanceOf(entries)).toBe(50);
  });

  it('expires nothing at the last valid millisecond', () => {
    expect(expireDue([jan], jan.expiresAt)).toEqual([]);
  });
});

describe('pointsExpiringSoon', () => {
  it('sums unexpired points expiring within the window, soonest first', () => {
    const at = fromShanghai(2027, 1, 15);
    const soon = pointsExpiringSoon(batchesOf([mar, jan, feb, spend([['jan', 10]], now)], at), at, 45);
    expect(soon.points).toBe(120);
    expect(soon.earliestExpiresAt).toBe(jan.expiresAt);
    expect(soon.batches.map((b) => b.batchId)).toEqual(['jan', 'feb']);
  });

  it('includes a batch expiring exactly at the horizon and excludes ones already expired or empty', () => {
    const at = fromShanghai(2027, 2, 1, 0, 0, 0, 0);
    const batches = batchesOf([jan, feb, spend([['feb', 30]], now), mar], at);
    expect(pointsExpiringSoon(batches, at, 30).points).toBe(0);
    const horizon = new Date(mar.expiresAt.getTime() - 30 * 86_400_000);
    expect(pointsExpiringSoon(batchesOf([mar], horizon), horizon, 30).points).toBe(50);
  });

  it('reports nothing when nothing expires soon', () => {
    expect(pointsExpiringSoon(batchesOf([jan], now), now, 30)).toEqual({ points: 0, earliestExpiresAt: null, batches: [] });
  });
});
