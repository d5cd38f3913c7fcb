import fc from 'fast-check';
import { DAY_MS, fromShanghai } from '../../time';
import { DEFAULT_RFM_CONFIG, type RfmConfig } from '../config';
import type { RfmMemberInput } from '../window';

export const rfmTestNow = fromShanghai(2026, 6, 30, 12);

const recencyMsArb = fc.oneof(
  fc.integer({ min: 0, max: 364 }).map((days) => days * DAY_MS),
  fc.integer({ min: 0, max: 364 * DAY_MS + 23 * 3_600_000 }),
);

/** Few distinct values, so ties are everywhere. */
const memberArb = fc
  .record({
    buys: fc.boolean(),
    recencyMs: recencyMsArb,
    frequency: fc.integer({ min: 1, max: 6 }),
    monetaryFen: fc.integer({ min: 0, max: 20 }).map((k) => k * 5_000),
    predictedValueFen: fc.option(fc.integer({ min: 0, max: 20 }).map((k) => k * 7_000)),
  })
  .map(({ buys, recencyMs, frequency, monetaryFen, predictedValueFen }) => ({
    lastPaidAt: buys ? new Date(rfmTestNow.getTime() - recencyMs) : null,
    paidOrderCount: buys ? frequency : 0,
    netPaidFen: buys ? monetaryFen : 0,
    predictedValueFen,
  }));

export const rfmBaseArb = fc
  .array(memberArb, { minLength: 1, maxLength: 60 })
  .map((members): RfmMemberInput[] => members.map((m, i) => ({ memberId: `m${i}`, ...m })));

export const rfmConfigArb: fc.Arbitrary<RfmConfig> = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))
  .filter(([high, mid]) => high + mid <= 100)
  .map(([highTopPercent, midNextPercent]) => ({ ...DEFAULT_RFM_CONFIG, valueLayer: { highTopPercent, midNextPercent } }));
