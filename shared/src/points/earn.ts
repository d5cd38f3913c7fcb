import { assertFen } from '../money';
import { endOfMonthAfter, shanghaiDate, shanghaiDayDiff } from '../time';
import type { PointsConfig } from './config';
import type { PointsCreditEntry, PointsEntry, PointsReason } from './ledger';

/**
 * The batch id of the points earned by an order; refunds find it again by this id.
 * @example orderBatchId('o1') // 'order:o1'
 */
export function orderBatchId(orderId: string): string {
  return `order:${orderId}`;
}

function credit(
  batchId: string,
  points: number,
  reason: PointsReason,
  now: Date,
  config: PointsConfig,
  ref?: string,
): PointsCreditEntry[] {
  if (points <= 0) return [];
  return [
    {
      kind: 'earn',
      points,
      batchId,
      expiresAt: endOfMonthAfter(now, config.expiry.monthsAfterEarned),
      reason,
      occurredAt: now,
      ...(ref ? { ref } : {}),
    },
  ];
}

/**
 * Points for paying `paidFen`: paid yuan × points per yuan × tier multiplier, rounded down once at the end
 * (¥10.90 at 1.5× earns 16, not 15). Computed on whole hundredths so 1.15× never loses a point to
 * floating-point error.
 * @example pointsForPayment(123_456, 1.5, DEFAULT_POINTS_CONFIG) // 1851
 */
export function pointsForPayment(paidFen: number, tierMultiplier: number, config: PointsConfig): number {
  assertFen(paidFen, 'paidFen');
  if (paidFen <= 0) return 0;
  const product = paidFen * Math.round(config.earn.pointsPerYuan * 100) * Math.round(tierMultiplier * 100);
  if (!Number.isSafeInteger(product)) throw new RangeError(`order of ${paidFen} fen is too large to convert to points`);
  return Math.floor(product / 1_000_000);
}

/**
 * The earn entry for a paid order (none when it earns nothing). The batch expires at the end of the
 * `monthsAfterEarned`-th month after payment.
 * @example earnForOrder({ orderId: 'o1', paidFen: 19_900, paidAt }, 1.2, DEFAULT_POINTS_CONFIG) // [{ points: 238, batchId: 'order:o1', … }]
 */
export function earnForOrder(
  order: { orderId: string; paidFen: number; paidAt: Date },
  tierMultiplier: number,
  config: PointsConfig,
): PointsCreditEntry[] {
  const points = pointsForPayment(order.paidFen, tierMultiplier, config);
  return credit(orderBatchId(order.orderId), points, 'order', order.paidAt, config, order.orderId);
}

export interface SignInState {
  lastSignInAt: Date;
  /** Consecutive Shanghai calendar days signed in, ending on the day of `lastSignInAt`. */
  streak: number;
}

export type SignInDecision =
  { status: 'already_signed_in'; state: SignInState } | { status: 'signed_in'; state: SignInState; entries: PointsCreditEntry[] };

/**
 * Daily sign-in. A streak counts consecutive Shanghai calendar days: signing in on the day after the last
 * sign-in extends it, any gap of a day or more restarts it at 1. Every `streakDays`-th day of a streak
 * (7, 14, …) adds the streak bonus. A second sign-in on the same day — or a `now` before the last sign-in's
 * day, as with clock skew between servers — earns nothing.
 * @example decideSignIn({ lastSignInAt: yesterday, streak: 6 }, now, DEFAULT_POINTS_CONFIG) // streak 7: 5 + 20 points
 */
export function decideSignIn(previous: SignInState | null, now: Date, config: PointsConfig): SignInDecision {
  const gap = previous ? shanghaiDayDiff(previous.lastSignInAt, now) : Number.POSITIVE_INFINITY;
  if (previous && gap <= 0) return { status: 'already_signed_in', state: previous };
  const streak = previous && gap === 1 ? previous.streak + 1 : 1;
  const day = shanghaiDate(now);
  const { dailyPoints, streakDays, streakBonusPoints } = config.signIn;
  const entries = [
    ...credit(`sign_in:${day}`, dailyPoints, 'sign_in', now, config),
    ...(streak % streakDays === 0 ? credit(`sign_in_streak:${day}`, streakBonusPoints, 'sign_in_streak', now, config) : []),
  ];
  return { status: 'signed_in', state: { lastSignInAt: now, streak }, entries };
}

/**
 * The bonus for an accepted product review; the review id makes a second award impossible to store.
 * @example reviewBonus('review-9', now, DEFAULT_POINTS_CONFIG) // [{ points: 10, batchId: 'review:review-9', … }]
 */
export function reviewBonus(reviewId: string, now: Date, config: PointsConfig): PointsCreditEntry[] {
  return credit(`review:${reviewId}`, config.reviewBonusPoints, 'review', now, config, reviewId);
}

/**
 * The one-time bonus for completing the profile; nothing if the ledger already holds it.
 * @example profileCompletionBonus(entries, now, DEFAULT_POINTS_CONFIG) // [] the second time
 */
export function profileCompletionBonus(entries: readonly PointsEntry[], now: Date, config: PointsConfig): PointsCreditEntry[] {
  if (entries.some((entry) => entry.reason === 'profile_completion')) return [];
  return credit('profile_completion', config.profileCompletionBonusPoints, 'profile_completion', now, config);
}
