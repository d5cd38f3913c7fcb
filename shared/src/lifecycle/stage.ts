import { daysBetween } from '../time';
import type { LifecycleStage } from '../vocabulary';
import type { LifecycleConfig } from './config';

/**
 * All-time aggregates of a member's paid, not fully refunded orders (SQL: min, max and count), plus the
 * time of their latest browsing or interaction event.
 */
export interface LifecycleInput {
  firstPaidAt: Date | null;
  lastPaidAt: Date | null;
  paidOrderCount: number;
  lastActivityAt: Date | null;
}

/** Inclusive upper bounds, in whole days since the last order, of active, silent and sleeping. */
export interface LifecycleThresholds {
  mode: 'fixed' | 'cadence';
  activeWithinDays: number;
  silentWithinDays: number;
  sleepingWithinDays: number;
}

export interface LifecycleAssessment {
  stage: LifecycleStage;
  /** A prospect who browsed recently; always false for buyers. */
  potential: boolean;
  daysSinceLastPaid: number | null;
  /** The boundaries used; null for a prospect. */
  thresholds: LifecycleThresholds | null;
}

interface BuyerDates {
  first: Date;
  last: Date;
}

/** The first and last order of a buyer, null for a prospect; throws on aggregates that contradict each other. */
function buyerDatesOf(input: LifecycleInput): BuyerDates | null {
  const { firstPaidAt, lastPaidAt, paidOrderCount } = input;
  if (!(Number.isSafeInteger(paidOrderCount) && paidOrderCount >= 0)) {
    throw new RangeError(`paidOrderCount must be a non-negative integer, got ${paidOrderCount}`);
  }
  if (paidOrderCount === 0) return null;
  if (firstPaidAt === null || lastPaidAt === null) throw new RangeError('a buyer needs firstPaidAt and lastPaidAt');
  if (firstPaidAt.getTime() > lastPaidAt.getTime()) throw new RangeError('firstPaidAt is after lastPaidAt');
  return { first: firstPaidAt, last: lastPaidAt };
}

/**
 * One personal boundary: floor(gapPercent × spanDays / (100 × (orders − 1))) clamped to the range, i.e.
 * gapPercent % of the mean gap in whole days. SQL:
 * `least(greatest((pct * span_days) / (100 * (n - 1)), min), max)` with bigint division.
 * @example cadenceThresholdDays(63, 10, 150, { min: 30, max: 180 }) // 30 (weekly buyer: 1.5 × 7 = 10, raised to 30)
 * @example cadenceThresholdDays(365, 3, 150, { min: 30, max: 180 }) // 180 (1.5 × 182.5 = 273, capped)
 */
export function cadenceThresholdDays(
  spanDays: number,
  orderCount: number,
  gapPercent: number,
  range: { min: number; max: number },
): number {
  if (!(Number.isSafeInteger(orderCount) && orderCount >= 2)) throw new RangeError('a cadence needs at least two orders');
  const personal = Math.floor((gapPercent * spanDays) / (100 * (orderCount - 1)));
  return Math.min(Math.max(personal, range.min), range.max);
}

/**
 * The day boundaries for this member: their own cadence when enabled and they have enough orders,
 * otherwise the fixed days.
 * @example lifecycleThresholdsFor(weeklyBuyer, cadenceConfig) // { mode: 'cadence', activeWithinDays: 30, ... }
 */
export function lifecycleThresholdsFor(input: LifecycleInput, config: LifecycleConfig): LifecycleThresholds {
  return thresholdsFor(input, buyerDatesOf(input), config);
}

function thresholdsFor(input: LifecycleInput, dates: BuyerDates | null, config: LifecycleConfig): LifecycleThresholds {
  const cadence = config.personalCadence;
  if (dates === null || !cadence.enabled || input.paidOrderCount < cadence.minOrders) {
    return {
      mode: 'fixed',
      activeWithinDays: config.activeWithinDays,
      silentWithinDays: config.silentWithinDays,
      sleepingWithinDays: config.sleepingWithinDays,
    };
  }
  const spanDays = daysBetween(dates.first, dates.last);
  const n = input.paidOrderCount;
  return {
    mode: 'cadence',
    activeWithinDays: cadenceThresholdDays(spanDays, n, cadence.activeGapPercent, cadence.activeDays),
    silentWithinDays: cadenceThresholdDays(spanDays, n, cadence.silentGapPercent, cadence.silentDays),
    sleepingWithinDays: cadenceThresholdDays(spanDays, n, cadence.sleepingGapPercent, cadence.sleepingDays),
  };
}

/**
 * The member's stage. In order: never bought → prospect (potential when active within
 * `potentialActivityWithinDays`); first order ≤ newWithinDays ago → new; then by days since the last
 * order: ≤ active → active, ≤ silent → silent, ≤ sleeping → sleeping, beyond → churned.
 * @example lifecycleStageFor({ firstPaidAt: d100, lastPaidAt: d100, paidOrderCount: 1, lastActivityAt: null }, now, DEFAULT_LIFECYCLE_CONFIG).stage // 'silent'
 */
export function lifecycleStageFor(input: LifecycleInput, now: Date, config: LifecycleConfig): LifecycleAssessment {
  const dates = buyerDatesOf(input);
  if (dates === null) {
    const { lastActivityAt } = input;
    const potential = lastActivityAt !== null && daysBetween(lastActivityAt, now) <= config.potentialActivityWithinDays;
    return { stage: 'prospect', potential, daysSinceLastPaid: null, thresholds: null };
  }
  const thresholds = thresholdsFor(input, dates, config);
  const daysSinceLastPaid = daysBetween(dates.last, now);
  const result = (stage: LifecycleStage): LifecycleAssessment => ({ stage, potential: false, daysSinceLastPaid, thresholds });
  if (daysBetween(dates.first, now) <= config.newWithinDays) return result('new');
  if (daysSinceLastPaid <= thresholds.activeWithinDays) return result('active');
  if (daysSinceLastPaid <= thresholds.silentWithinDays) return result('silent');
  if (daysSinceLastPaid <= thresholds.sleepingWithinDays) return result('sleeping');
  return result('churned');
}
