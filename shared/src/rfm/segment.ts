import type { RfmSegment } from '../vocabulary';
import { compareToMean, exactMeanOf, type ExactMean } from './mean';
import type { RfmValues } from './window';

/** Means of the buyers' raw R, F and M, kept exact. */
export interface RfmMeans {
  recency: ExactMean;
  frequency: ExactMean;
  monetary: ExactMean;
}

/**
 * Where a buyer stands against the means. Each flag needs the value to be strictly better than the
 * mean; a value equal to the mean counts as ↓.
 */
export interface RfmSegmentFlags {
  /** R↑: recencyDays < mean recencyDays. */
  recent: boolean;
  /** F↑: frequency > mean frequency. */
  frequent: boolean;
  /** M↑: monetaryFen > mean monetaryFen. */
  highSpend: boolean;
}

/** The classic eight segments as flag combinations; M decides 重要 / 一般. */
export const RFM_SEGMENT_FLAGS: Readonly<Record<RfmSegment, Readonly<RfmSegmentFlags>>> = {
  important_value: { recent: true, frequent: true, highSpend: true },
  important_develop: { recent: true, frequent: false, highSpend: true },
  important_retain: { recent: false, frequent: true, highSpend: true },
  important_winback: { recent: false, frequent: false, highSpend: true },
  general_value: { recent: true, frequent: true, highSpend: false },
  general_develop: { recent: true, frequent: false, highSpend: false },
  general_retain: { recent: false, frequent: true, highSpend: false },
  general_winback: { recent: false, frequent: false, highSpend: false },
};

/**
 * Means of raw R, F, M over buyers. SQL: `sum(recency_days), sum(f), sum(m), count(*)` over buyers.
 * @example computeRfmMeans([{ recencyDays: 10, frequency: 1, monetaryFen: 100 }, { recencyDays: 20, frequency: 3, monetaryFen: 500 }])
 * // { recency: { sum: 30, count: 2 }, frequency: { sum: 4, count: 2 }, monetary: { sum: 600, count: 2 } }
 */
export function computeRfmMeans(buyers: readonly RfmValues[]): RfmMeans {
  return {
    recency: exactMeanOf(buyers.map((b) => b.recencyDays)),
    frequency: exactMeanOf(buyers.map((b) => b.frequency)),
    monetary: exactMeanOf(buyers.map((b) => b.monetaryFen)),
  };
}

/**
 * @example rfmSegmentFlagsOf({ recencyDays: 15, frequency: 2, monetaryFen: 300 }, means) // { recent: false, frequent: false, highSpend: false }
 */
export function rfmSegmentFlagsOf(values: RfmValues, means: RfmMeans): RfmSegmentFlags {
  return {
    recent: compareToMean(values.recencyDays, means.recency) < 0,
    frequent: compareToMean(values.frequency, means.frequency) > 0,
    highSpend: compareToMean(values.monetaryFen, means.monetary) > 0,
  };
}

/**
 * The buyer's segment from raw R, F, M against the base's means.
 * @example rfmSegmentFor({ recencyDays: 3, frequency: 5, monetaryFen: 90_000 }, means) // 'important_value'
 */
export function rfmSegmentFor(values: RfmValues, means: RfmMeans): RfmSegment {
  const flags = rfmSegmentFlagsOf(values, means);
  if (flags.highSpend) {
    if (flags.recent) return flags.frequent ? 'important_value' : 'important_develop';
    return flags.frequent ? 'important_retain' : 'important_winback';
  }
  if (flags.recent) return flags.frequent ? 'general_value' : 'general_develop';
  return flags.frequent ? 'general_retain' : 'general_winback';
}
