import { describe, expect, it } from 'vitest';
import { RFM_SEGMENTS } from '../vocabulary';
import { computeRfmMeans, RFM_SEGMENT_FLAGS, rfmSegmentFlagsOf, rfmSegmentFor, type RfmMeans } from './segment';

describe('computeRfmMeans', () => {
  it('sums raw R, F and M over the buyers', () => {
    expect(
      computeRfmMeans([
        { recencyDays: 10, frequency: 1, monetaryFen: 100 },
        { recencyDays: 20, frequency: 3, monetaryFen: 500 },
      ]),
    ).toEqual({ recency: { sum: 30, count: 2 }, frequency: { sum: 4, count: 2 }, monetary: { sum: 600, count: 2 } });
  });
});

describe('rfmSegmentFor', () => {
  // Means: R 20 days, F 2 orders, M 300 fen — all whole, so equality can be tested.
  const means: RfmMeans = { recency: { sum: 60, count: 3 }, frequency: { sum: 6, count: 3 }, monetary: { sum: 900, count: 3 } };

  it('maps each flag combination to the segment in RFM_SEGMENT_FLAGS', () => {
    for (const segment of RFM_SEGMENTS) {
      const flags = RFM_SEGMENT_FLAGS[segment];
      const values = {
        recencyDays: flags.recent ? 5 : 40,
        frequency: flags.frequent ? 4 : 1,
        monetaryFen: flags.highSpend ? 1_000 : 100,
      };
      expect(rfmSegmentFlagsOf(values, means)).toEqual(flags);
      expect(rfmSegmentFor(values, means)).toBe(segment);
    }
  });

  it('counts a value equal to the mean as ↓ in all three dimensions', () => {
    const atMean = { recencyDays: 20, frequency: 2, monetaryFen: 300 };
    expect(rfmSegmentFlagsOf(atMean, means)).toEqual({ recent: false, frequent: false, highSpend: false });
    expect(rfmSegmentFor(atMean, means)).toBe('general_winback');
  });

  it('needs only one day or one fen past the mean to flip', () => {
    expect(rfmSegmentFor({ recencyDays: 19, frequency: 3, monetaryFen: 301 }, means)).toBe('important_value');
  });

  it('has eight distinct flag combinations', () => {
    const keys = new Set(RFM_SEGMENTS.map((s) => JSON.stringify(RFM_SEGMENT_FLAGS[s])));
    expect(keys.size).toBe(8);
  });
});
