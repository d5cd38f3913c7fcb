import fc from 'fast-check';
import { DAY_MS, fromShanghai } from '../../time';
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from '../config';
import type { LifecycleInput } from '../stage';

export const lifecycleTestNow = fromShanghai(2026, 6, 30, 12);

/** Milliseconds before now: often whole days, so boundaries are hit exactly. */
const msAgoArb = fc.oneof(
  fc.integer({ min: 0, max: 1_000 }).map((days) => days * DAY_MS),
  fc.integer({ min: 0, max: 1_000 * DAY_MS }),
);

export const lifecycleInputArb: fc.Arbitrary<LifecycleInput> = fc
  .record({
    paidOrderCount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
    a: msAgoArb,
    b: msAgoArb,
    activity: fc.option(msAgoArb),
  })
  .map(({ paidOrderCount, a, b, activity }) => {
    const at = (ms: number) => new Date(lifecycleTestNow.getTime() - ms);
    const lastActivityAt = activity === null ? null : at(activity);
    if (paidOrderCount === 0) return { firstPaidAt: null, lastPaidAt: null, paidOrderCount, lastActivityAt };
    const single = paidOrderCount === 1;
    return {
      firstPaidAt: at(Math.max(a, b)),
      lastPaidAt: at(single ? Math.max(a, b) : Math.min(a, b)),
      paidOrderCount,
      lastActivityAt,
    };
  });

const sortedTriple = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }), fc.integer({ min, max })).map((t) => [...t].sort((x, y) => x - y));

export const lifecycleConfigArb: fc.Arbitrary<LifecycleConfig> = fc
  .record({
    enabled: fc.boolean(),
    minOrders: fc.integer({ min: 2, max: 6 }),
    fixed: sortedTriple(0, 400),
    newWithinDays: fc.integer({ min: 0, max: 60 }),
    potentialActivityWithinDays: fc.integer({ min: 0, max: 60 }),
    percents: sortedTriple(50, 1_200),
    mins: sortedTriple(0, 120),
    spreads: sortedTriple(0, 600),
  })
  .map((r) => {
    const [fa, fs, fz] = r.fixed as [number, number, number];
    const [pa, ps, pz] = r.percents as [number, number, number];
    const [ma, ms, mz] = r.mins as [number, number, number];
    const [sa, ss, sz] = r.spreads as [number, number, number];
    return {
      ...DEFAULT_LIFECYCLE_CONFIG,
      newWithinDays: r.newWithinDays,
      activeWithinDays: fa,
      silentWithinDays: fs,
      sleepingWithinDays: fz,
      potentialActivityWithinDays: r.potentialActivityWithinDays,
      personalCadence: {
        enabled: r.enabled,
        minOrders: r.minOrders,
        activeGapPercent: pa,
        silentGapPercent: ps,
        sleepingGapPercent: pz,
        // Nondecreasing mins plus nondecreasing spreads keep the maxes nondecreasing too.
        activeDays: { min: ma, max: ma + sa },
        silentDays: { min: ms, max: ms + ss },
        sleepingDays: { min: mz, max: mz + sz },
      },
    };
  });
