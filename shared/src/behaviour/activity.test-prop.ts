import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../time';
import { activityScoreAt, activityScoreFromEvents, addEvent, emptyActivityScore, type ActivityScore } from './activity';
import { decayScore } from './decay';
import { activityEventArb, behaviourConfigArb, behaviourTestNow as now, relativelyClose } from './testing/arbitraries';

const eventsArb = fc.array(activityEventArb, { minLength: 0, maxLength: 40 });

/** 2^-1022, the smallest double with full 53-bit precision. */
const SMALLEST_NORMAL_DOUBLE = 2.2250738585072014e-308;

describe('activity score properties', () => {
  it('incremental updates in any arrival order, with checkpoints, equal the batch within 1e-9', () => {
    const scenario = eventsArb.chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.boolean(), { minLength: events.length, maxLength: events.length }),
      ),
    );
    fc.assert(
      fc.property(scenario, behaviourConfigArb, ([events, arrival, checkpoints], config) => {
        let running: ActivityScore = emptyActivityScore(new Date(now.getTime() - 250 * DAY_MS));
        arrival.forEach((event, i) => {
          running = addEvent(running, event, config);
          // A stored score is sometimes re-based to a later time (e.g. a nightly refresh).
          if (checkpoints[i]) {
            const at = new Date(running.asOf.getTime() + (now.getTime() - running.asOf.getTime()) / 2);
            running = { value: activityScoreAt(running, at, config), asOf: at };
          }
        });
        const incremental = activityScoreAt(running, now, config);
        const batch = activityScoreFromEvents(events, now, config);
        expect(relativelyClose(incremental, batch), `${incremental} vs ${batch}`).toBe(true);
      }),
    );
  });

  it('decaying in two steps equals decaying in one', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 400 * DAY_MS }),
        fc.integer({ min: 0, max: 400 * DAY_MS }),
        fc.double({ min: 0.5, max: 90, noNaN: true }),
        (score, first, second, halfLife) => {
          const a = new Date(0);
          const b = new Date(first);
          const c = new Date(first + second);
          const twoSteps = decayScore(decayScore(score, a, b, halfLife), b, c, halfLife);
          const oneStep = decayScore(score, a, c, halfLife);
          // Below the smallest normal double (subnormals, e.g. a score of 1e-320, or one decayed over
          // ~1,000 half-lives) a float holds too few significant bits for any relative bound; there the two
          // may differ only by less than that floor.
          const bothBelowNormal = Math.max(Math.abs(twoSteps), Math.abs(oneStep)) < SMALLEST_NORMAL_DOUBLE;
          expect(relativelyClose(twoSteps, oneStep, 1e-12) || bothBelowNormal).toBe(true);
        },
      ),
    );
  });

  it('an extra event never lowers the score, and the score never grows while time passes', () => {
    fc.assert(
      fc.property(
        eventsArb,
        activityEventArb,
        fc.integer({ min: 0, max: 30 * DAY_MS }),
        behaviourConfigArb,
        (events, extra, laterMs, config) => {
          const base = activityScoreFromEvents(events, now, config);
          expect(activityScoreFromEvents([...events, extra], now, config)).toBeGreaterThanOrEqual(base);
          expect(activityScoreFromEvents(events, new Date(now.getTime() + laterMs), config)).toBeLessThanOrEqual(
            base * (1 + 1e-12),
          );
        },
      ),
    );
  });
});
