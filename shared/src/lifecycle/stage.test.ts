import { describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import { DEFAULT_LIFECYCLE_CONFIG, lifecycleConfigSchema, type LifecycleConfig } from './config';
import { cadenceThresholdDays, lifecycleStageFor, lifecycleThresholdsFor, type LifecycleInput } from './stage';

const now = fromShanghai(2026, 6, 30, 12);
const fixed = DEFAULT_LIFECYCLE_CONFIG;
const cadence: LifecycleConfig = { ...fixed, personalCadence: { ...fixed.personalCadence, enabled: true } };
const ago = (days: number, hours = 0) => new Date(addDays(now, -days).getTime() - hours * 3_600_000);

function buyer(firstDaysAgo: number, lastDaysAgo: number, paidOrderCount: number): LifecycleInput {
  return { firstPaidAt: ago(firstDaysAgo), lastPaidAt: ago(lastDaysAgo), paidOrderCount, lastActivityAt: null };
}

const stageOf = (input: LifecycleInput, config = fixed) => lifecycleStageFor(input, now, config).stage;

describe('lifecycleStageFor with fixed days', () => {
  it('calls a member who never bought a prospect, potential when they browsed within 30 days', () => {
    const prospect = (lastActivityAt: Date | null) =>
      lifecycleStageFor({ firstPaidAt: null, lastPaidAt: null, paidOrderCount: 0, lastActivityAt }, now, fixed);
    expect(prospect(null)).toEqual({ stage: 'prospect', potential: false, daysSinceLastPaid: null, thresholds: null });
    expect(prospect(ago(30, 23)).potential).toBe(true);
    expect(prospect(ago(31)).potential).toBe(false);
  });

  it('calls a member new while the first order is at most 30 days old, whatever came after', () => {
    expect(stageOf(buyer(30, 30, 1))).toBe('new');
    expect(stageOf(buyer(10, 2, 3))).toBe('new');
    expect(stageOf(buyer(31, 31, 1))).toBe('active');
  });

  it('uses inclusive boundaries on whole days since the last order', () => {
    const cases: [number, string][] = [
      [90, 'active'],
      [91, 'silent'],
      [180, 'silent'],
      [181, 'sleeping'],
      [365, 'sleeping'],
      [366, 'churned'],
    ];
    for (const [days, stage] of cases) expect([days, stageOf(buyer(400, days, 2))]).toEqual([days, stage]);
  });

  it('floors partial days: 90 days and 23 hours is still 90', () => {
    const input = { firstPaidAt: ago(200), lastPaidAt: ago(90, 23), paidOrderCount: 2, lastActivityAt: null };
    expect(lifecycleStageFor(input, now, fixed)).toMatchObject({ stage: 'active', daysSinceLastPaid: 90 });
  });

  it('never flags a buyer as potential', () => {
    expect(lifecycleStageFor({ ...buyer(200, 100, 2), lastActivityAt: ago(1) }, now, fixed).potential).toBe(false);
  });
});

describe('personal cadence', () => {
  // Ten weekly orders: span 63 days, mean gap 7 days.
  const weekly = (lastDaysAgo: number) => buyer(lastDaysAgo + 63, lastDaysAgo, 10);
  // Three orders half a year apart: span 365 days, mean gap 182.5 days.
  const twiceAYear = (lastDaysAgo: number) => buyer(lastDaysAgo + 365, lastDaysAgo, 3);

  it('makes a weekly buyer silent after a month', () => {
    expect(stageOf(weekly(30), cadence)).toBe('active');
    expect(stageOf(weekly(31), cadence)).toBe('silent');
    expect(stageOf(weekly(31), fixed)).toBe('active');
    expect(lifecycleThresholdsFor(weekly(31), cadence)).toEqual({
      mode: 'cadence',
      activeWithinDays: 30, // 1.5 × 7 = 10, raised to the 30-day floor
      silentWithinDays: 60, // 3 × 7 = 21, raised to 60
      sleepingWithinDays: 90, // 6 × 7 = 42, raised to 90
    });
    expect(stageOf(weekly(61), cadence)).toBe('sleeping');
    expect(stageOf(weekly(91), cadence)).toBe('churned');
  });

  it('keeps a twice-a-year buyer active well past a month, and past the fixed 90 days', () => {
    expect(stageOf(twiceAYear(31), cadence)).toBe('active');
    expect(stageOf(twiceAYear(100), fixed)).toBe('silent');
    expect(stageOf(twiceAYear(100), cadence)).toBe('active');
    expect(lifecycleThresholdsFor(twiceAYear(100), cadence)).toEqual({
      mode: 'cadence',
      activeWithinDays: 180, // 1.5 × 182.5 = 273, capped at 180
      silentWithinDays: 365, // 3 × 182.5 = 547, capped at 365
      sleepingWithinDays: 730, // 6 × 182.5 = 1095, capped at 730
    });
    expect(stageOf(twiceAYear(181), cadence)).toBe('silent');
    expect(stageOf(twiceAYear(400), cadence)).toBe('sleeping');
    expect(stageOf(twiceAYear(731), cadence)).toBe('churned');
  });

  it('uses the uncapped personal boundary between floor and cap', () => {
    // Monthly: 5 orders over 120 days, gap 30: active ≤ 45, silent ≤ 90, sleeping ≤ 180.
    expect(lifecycleThresholdsFor(buyer(200, 80, 5), cadence)).toEqual({
      mode: 'cadence',
      activeWithinDays: 45,
      silentWithinDays: 90,
      sleepingWithinDays: 180,
    });
  });

  it('falls back to fixed days below the minimum number of orders', () => {
    expect(lifecycleThresholdsFor(buyer(300, 100, 2), cadence).mode).toBe('fixed');
    expect(lifecycleThresholdsFor(buyer(300, 100, 3), cadence).mode).toBe('cadence');
    expect(lifecycleThresholdsFor(buyer(300, 100, 3), fixed).mode).toBe('fixed');
  });

  it('gives orders on a single day the floors', () => {
    expect(lifecycleThresholdsFor(buyer(100, 100, 4), cadence)).toMatchObject({ activeWithinDays: 30, silentWithinDays: 60 });
  });

  it('computes one boundary with integer arithmetic', () => {
    expect(cadenceThresholdDays(63, 10, 150, { min: 30, max: 180 })).toBe(30);
    expect(cadenceThresholdDays(365, 3, 150, { min: 30, max: 180 })).toBe(180);
    expect(cadenceThresholdDays(365, 3, 150, { min: 0, max: 1000 })).toBe(273);
    expect(() => cadenceThresholdDays(10, 1, 150, { min: 0, max: 100 })).toThrow(RangeError);
  });
});

describe('input checks', () => {
  it('rejects aggregates that contradict each other', () => {
    expect(() => stageOf({ firstPaidAt: null, lastPaidAt: ago(1), paidOrderCount: 1, lastActivityAt: null })).toThrow(RangeError);
    expect(() => stageOf({ firstPaidAt: ago(1), lastPaidAt: ago(5), paidOrderCount: 2, lastActivityAt: null })).toThrow(/after/);
    expect(() => stageOf({ firstPaidAt: null, lastPaidAt: null, paidOrderCount: -1, lastActivityAt: null })).toThrow(RangeError);
  });

  it('decides prospect by the order count alone', () => {
    expect(stageOf({ firstPaidAt: ago(3), lastPaidAt: ago(3), paidOrderCount: 0, lastActivityAt: null })).toBe('prospect');
  });
});

describe('lifecycleConfigSchema', () => {
  it('accepts the defaults', () => {
    expect(lifecycleConfigSchema.parse(DEFAULT_LIFECYCLE_CONFIG)).toEqual(DEFAULT_LIFECYCLE_CONFIG);
  });

  it('rejects boundaries that go backwards', () => {
    const bad = (patch: Partial<LifecycleConfig>) => lifecycleConfigSchema.safeParse({ ...fixed, ...patch }).success;
    const badCadence = (patch: Partial<LifecycleConfig['personalCadence']>) =>
      bad({ personalCadence: { ...fixed.personalCadence, ...patch } });
    expect(bad({ silentWithinDays: 60 })).toBe(false);
    expect(bad({ activeWithinDays: 1.5 })).toBe(false);
    expect(badCadence({ minOrders: 1 })).toBe(false);
    expect(badCadence({ silentGapPercent: 100 })).toBe(false);
    expect(badCadence({ activeDays: { min: 50, max: 40 } })).toBe(false);
    expect(badCadence({ silentDays: { min: 20, max: 365 } })).toBe(false);
    expect(badCadence({ sleepingDays: { min: 90, max: 300 } })).toBe(false);
  });
});
