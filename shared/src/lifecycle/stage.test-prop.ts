import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../time';
import { LIFECYCLE_STAGES } from '../vocabulary';
import { lifecycleConfigSchema } from './config';
import { lifecycleStageFor, lifecycleThresholdsFor } from './stage';
import { lifecycleConfigArb, lifecycleInputArb, lifecycleTestNow as now } from './testing/arbitraries';

const progression = LIFECYCLE_STAGES;

describe('lifecycle properties', () => {
  it('generated configs are valid configs', () => {
    fc.assert(
      fc.property(lifecycleConfigArb, (config) => {
        expect(lifecycleConfigSchema.safeParse(config).success).toBe(true);
      }),
    );
  });

  it('boundaries never decrease from active to sleeping', () => {
    fc.assert(
      fc.property(lifecycleInputArb, lifecycleConfigArb, (input, config) => {
        const t = lifecycleThresholdsFor(input, config);
        expect(t.activeWithinDays).toBeLessThanOrEqual(t.silentWithinDays);
        expect(t.silentWithinDays).toBeLessThanOrEqual(t.sleepingWithinDays);
      }),
    );
  });

  it('without new orders a member only moves forward through the stages', () => {
    fc.assert(
      fc.property(lifecycleInputArb, lifecycleConfigArb, fc.integer({ min: 0, max: 800 }), (input, config, laterDays) => {
        const before = lifecycleStageFor(input, now, config).stage;
        const after = lifecycleStageFor(input, addDays(now, laterDays), config).stage;
        expect(progression.indexOf(after)).toBeGreaterThanOrEqual(progression.indexOf(before));
        if (before === 'prospect') expect(after).toBe('prospect');
      }),
    );
  });

  it('a member with a shorter rhythm is at least as far along as one with a longer rhythm', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 20 }),
        // Past any generated newWithinDays, so that only the rhythm decides.
        fc.integer({ min: 61, max: 900 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        lifecycleConfigArb,
        (orders, daysSinceLast, spanA, spanB, config) => {
          const [shortSpan, longSpan] = spanA <= spanB ? [spanA, spanB] : [spanB, spanA];
          const member = (span: number) => ({
            firstPaidAt: addDays(now, -(daysSinceLast + span)),
            lastPaidAt: addDays(now, -daysSinceLast),
            paidOrderCount: orders,
            lastActivityAt: null,
          });
          const stageIndex = (span: number) => progression.indexOf(lifecycleStageFor(member(span), now, config).stage);
          expect(stageIndex(shortSpan)).toBeGreaterThanOrEqual(stageIndex(longSpan));
        },
      ),
    );
  });
});
