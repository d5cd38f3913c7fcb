import fc from 'fast-check';
import { DAY_MS, fromShanghai } from '../../time';
import { EVENT_TYPES } from '../../vocabulary';
import type { ActivityEvent } from '../activity';
import { DEFAULT_BEHAVIOUR_CONFIG, type BehaviourConfig } from '../config';

export const behaviourTestNow = fromShanghai(2026, 6, 30, 12);

export const activityEventArb: fc.Arbitrary<ActivityEvent> = fc.record(
  {
    type: fc.constantFrom(...EVENT_TYPES),
    at: fc.integer({ min: 0, max: 200 * DAY_MS }).map((ms) => new Date(behaviourTestNow.getTime() - ms)),
    dwellSeconds: fc.integer({ min: 0, max: 900 }),
  },
  { requiredKeys: ['type', 'at'] },
);

export const behaviourConfigArb: fc.Arbitrary<BehaviourConfig> = fc
  .record({
    halfLifeDays: fc.double({ min: 0.5, max: 90, noNaN: true }),
    pointsPerSecond: fc.double({ min: 0, max: 1, noNaN: true }),
    capSeconds: fc.integer({ min: 0, max: 600 }),
  })
  .map(({ halfLifeDays, pointsPerSecond, capSeconds }) => ({
    ...DEFAULT_BEHAVIOUR_CONFIG,
    halfLifeDays,
    dwell: { pointsPerSecond, capSeconds },
  }));

/** |a − b| ≤ tolerance × max(|a|, |b|). */
export function relativelyClose(a: number, b: number, tolerance = 1e-9): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}
