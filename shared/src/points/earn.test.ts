import { describe, expect, it } from 'vitest';
import { MoneyError } from '../money';
import { fromShanghai } from '../time';
import { DEFAULT_POINTS_CONFIG, type PointsConfig } from './config';
import { decideSignIn, earnForOrder, orderBatchId, pointsForPayment, profileCompletionBonus, reviewBonus } from './earn';

const config = DEFAULT_POINTS_CONFIG;

describe('pointsForPayment', () => {
  it.each([
    [19_900, 1, 199],
    [19_999, 1, 199],
    [99, 1, 0],
    [10_000, 1.2, 120],
    [1_090, 1.5, 16],
    [10_000, 1.15, 115],
    [123_456, 2, 2469],
    [0, 2, 0],
  ])('%i fen at %d× earns %i points', (paidFen, multiplier, points) => {
    expect(pointsForPayment(paidFen, multiplier, config)).toBe(points);
  });

  it('applies the configured rate per yuan', () => {
    const half: PointsConfig = { ...config, earn: { pointsPerYuan: 0.5 } };
    expect(pointsForPayment(19_900, 1, half)).toBe(99);
    expect(pointsForPayment(19_900, 1.2, half)).toBe(119);
  });

  it('earns nothing for a non-positive amount and rejects fractional fen or absurd sizes', () => {
    expect(pointsForPayment(-500, 1, config)).toBe(0);
    expect(() => pointsForPayment(10.5, 1, config)).toThrow(MoneyError);
    expect(() => pointsForPayment(Number.MAX_SAFE_INTEGER, 2, config)).toThrow(RangeError);
  });
});

describe('earnForOrder', () => {
  const paidAt = fromShanghai(2026, 3, 15, 20);

  it('opens a batch named after the order that expires at the end of the 12th month', () => {
    expect(earnForOrder({ orderId: 'o1', paidFen: 19_900, paidAt }, 1.2, config)).toEqual([
      {
        kind: 'earn',
        points: 238,
        batchId: 'order:o1',
        expiresAt: fromShanghai(2027, 3, 31, 23, 59, 59, 999),
        reason: 'order',
        occurredAt: paidAt,
        ref: 'o1',
      },
    ]);
    expect(orderBatchId('o1')).toBe('order:o1');
  });

  it('writes nothing for an order below one point', () => {
    expect(earnForOrder({ orderId: 'o2', paidFen: 99, paidAt }, 1, config)).toEqual([]);
  });

  it('follows the configured expiry', () => {
    const short: PointsConfig = { ...config, expiry: { ...config.expiry, monthsAfterEarned: 0 } };
    expect(earnForOrder({ orderId: 'o3', paidFen: 1_000, paidAt }, 1, short)[0]?.expiresAt).toEqual(
      fromShanghai(2026, 3, 31, 23, 59, 59, 999),
    );
  });
});

describe('decideSignIn', () => {
  const day = (d: number, h = 9) => fromShanghai(2026, 3, d, h);

  it('starts a streak of one on the first sign-in', () => {
    const decision = decideSignIn(null, day(1), config);
    expect(decision).toEqual({
      status: 'signed_in',
      state: { lastSignInAt: day(1), streak: 1 },
      entries: [
        {
          kind: 'earn',
          points: 5,
          batchId: 'sign_in:2026-03-01',
          expiresAt: fromShanghai(2027, 3, 31, 23, 59, 59, 999),
          reason: 'sign_in',
          occurredAt: day(1),
        },
      ],
    });
  });

  it('refuses a second sign-in on the same Shanghai day, even across UTC midnight', () => {
    const previous = { lastSignInAt: fromShanghai(2026, 3, 1, 0, 5), streak: 3 };
    expect(decideSignIn(previous, fromShanghai(2026, 3, 1, 23, 59), config)).toEqual({
      status: 'already_signed_in',
      state: previous,
    });
  });

  it('treats a now before the last sign-in as a repeat', () => {
    const previous = { lastSignInAt: day(5), streak: 2 };
    expect(decideSignIn(previous, day(4), config).status).toBe('already_signed_in');
  });

  it('extends the streak on the next Shanghai day, however close in hours', () => {
    const decision = decideSignIn(
      { lastSignInAt: fromShanghai(2026, 3, 1, 23, 59), streak: 2 },
      fromShanghai(2026, 3, 2, 0, 1),
      config,
    );
    expect(decision.state.streak).toBe(3);
  });

  it('adds the bonus on the 7th and 14th day of a streak, and not on the 8th', () => {
    const seventh = decideSignIn({ lastSignInAt: day(6), streak: 6 }, day(7), config);
    expect(seventh.status === 'signed_in' && seventh.entries.map((e) => [e.batchId, e.points, e.reason])).toEqual([
      ['sign_in:2026-03-07', 5, 'sign_in'],
      ['sign_in_streak:2026-03-07', 20, 'sign_in_streak'],
    ]);
    const eighth = decideSignIn({ lastSignInAt: day(7), streak: 7 }, day(8), config);
    expect(eighth.status === 'signed_in' && eighth.entries).toHaveLength(1);
    const fourteenth = decideSignIn({ lastSignInAt: day(13), streak: 13 }, day(14), config);
    expect(fourteenth.status === 'signed_in' && fourteenth.entries).toHaveLength(2);
  });

  it('restarts at one after a missed day', () => {
    const decision = decideSignIn(
      { lastSignInAt: fromShanghai(2026, 3, 5, 23, 59), streak: 6 },
      fromShanghai(2026, 3, 7, 0, 0),
      config,
    );
    expect(decision.state.streak).toBe(1);
    expect(decision.status === 'signed_in' && decision.entries).toHaveLength(1);
  });

  it('writes no entry for zero-point rules but still counts the streak', () => {
    const off: PointsConfig = { ...config, signIn: { dailyPoints: 0, streakDays: 2, streakBonusPoints: 0 } };
    const decision = decideSignIn({ lastSignInAt: day(1), streak: 1 }, day(2), off);
    expect(decision).toEqual({ status: 'signed_in', state: { lastSignInAt: day(2), streak: 2 }, entries: [] });
  });
});

describe('bonuses', () => {
  const now = fromShanghai(2026, 5, 20, 15);

  it('gives the review bonus in a batch named after the review', () => {
    expect(reviewBonus('r9', now, config)).toEqual([
      {
        kind: 'earn',
        points: 10,
        batchId: 'review:r9',
        expiresAt: fromShanghai(2027, 5, 31, 23, 59, 59, 999),
        reason: 'review',
        occurredAt: now,
        ref: 'r9',
      },
    ]);
  });

  it('gives the profile bonus once', () => {
    const first = profileCompletionBonus([], now, config);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ points: 50, batchId: 'profile_completion', reason: 'profile_completion' });
    expect(profileCompletionBonus(first, now, config)).toEqual([]);
  });

  it('writes nothing when a bonus is configured to zero', () => {
    expect(reviewBonus('r1', now, { ...config, reviewBonusPoints: 0 })).toEqual([]);
  });
});
