/**
 * Tie-safe quantile cut points. A cut point is a value taken from the data with PostgreSQL's
 * `percentile_disc` rule, and a member's score depends only on their own value compared with the
 * stored cut points, so members with equal values always get equal scores (unlike `ntile()`).
 */

/** Which end of a measure is the good one: more orders is better, fewer days since the last order is better. */
export type QuantileDirection = 'higher_is_better' | 'lower_is_better';

/** `percentile_disc` fractions of the four quintile cut points. */
export const RFM_SCORE_FRACTIONS = [0.2, 0.4, 0.6, 0.8] as const;

export type RfmScore = 1 | 2 | 3 | 4 | 5;

/** The four quintile cut points, ordered from the worst value to the best. */
export type QuintileCutPoints = readonly [number, number, number, number];

function assertFiniteValues(values: readonly number[]): void {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`quantile values must be finite numbers, got ${value}`);
  }
}

/** Worst value first: ascending when higher is better, descending when lower is better. */
function sortWorstFirst(values: readonly number[], direction: QuantileDirection): number[] {
  assertFiniteValues(values);
  const sign = direction === 'higher_is_better' ? 1 : -1;
  return [...values].sort((a, b) => sign * (a - b));
}

function pickDiscrete(sortedWorstFirst: readonly number[], fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction must be within [0, 1], got ${fraction}`);
  if (sortedWorstFirst.length === 0) throw new RangeError('cannot take a percentile of no values');
  // Same arithmetic as PostgreSQL's percentile_disc: row number ceil(fraction × n) in float8, at least the first row.
  const position = Math.max(1, Math.ceil(fraction * sortedWorstFirst.length));
  return sortedWorstFirst[position - 1] as number;
}

/**
 * The value PostgreSQL returns for
 * `percentile_disc(fraction) WITHIN GROUP (ORDER BY x ASC|DESC)`: with the values ordered from worst to
 * best (ASC when higher is better, DESC when lower is better), the value at 1-based position
 * `max(1, ceil(fraction × n))` — the first value whose cumulative share reaches `fraction`.
 * @example discretePercentile([5, 1, 3, 2, 4], 0.4, 'higher_is_better') // 2
 * @example discretePercentile([5, 1, 3, 2, 4], 0.4, 'lower_is_better') // 4
 */
export function discretePercentile(values: readonly number[], fraction: number, direction: QuantileDirection): number {
  return pickDiscrete(sortWorstFirst(values, direction), fraction);
}

/**
 * Several `percentile_disc` cut points of the same values, sorting once.
 * @example discretePercentiles([1, 2, 3, 4], [0.5, 0.75], 'higher_is_better') // [2, 3]
 */
export function discretePercentiles(
  values: readonly number[],
  fractions: readonly number[],
  direction: QuantileDirection,
): number[] {
  const sorted = sortWorstFirst(values, direction);
  return fractions.map((fraction) => pickDiscrete(sorted, fraction));
}

/**
 * The quintile cut points of a base of buyers: `percentile_disc` at 20/40/60/80 %, values ordered from
 * worst to best. SQL: `percentile_disc(ARRAY[0.2,0.4,0.6,0.8]) WITHIN GROUP (ORDER BY x ASC)` for F and M,
 * `... ORDER BY recency_days DESC` for R.
 * @example computeCutPoints([1, 1, 1, 2, 2, 3, 5, 8, 9, 12], 'higher_is_better') // [1, 2, 3, 8]
 */
export function computeCutPoints(values: readonly number[], direction: QuantileDirection): QuintileCutPoints {
  const [c1, c2, c3, c4] = discretePercentiles(values, RFM_SCORE_FRACTIONS, direction) as [number, number, number, number];
  return [c1, c2, c3, c4];
}

/**
 * True when `value` is strictly better than `cutPoint` in the given direction; equal is not better.
 * @example isBetterThanCutPoint(3, 5, 'lower_is_better') // true
 */
export function isBetterThanCutPoint(value: number, cutPoint: number, direction: QuantileDirection): boolean {
  return direction === 'higher_is_better' ? value > cutPoint : value < cutPoint;
}

/**
 * Score 1–5: one plus the number of cut points the value is strictly better than. A value equal to a
 * cut point stays below it, so every member sharing a value shares a score; for distinct values each
 * score holds a fifth of the base.
 * @example scoreAgainstCutPoints(3, [1, 2, 3, 8], 'higher_is_better') // 3
 * @example scoreAgainstCutPoints(4, [30, 20, 10, 5], 'lower_is_better') // 5
 */
export function scoreAgainstCutPoints(value: number, cutPoints: QuintileCutPoints, direction: QuantileDirection): RfmScore {
  let score = 1;
  for (const cutPoint of cutPoints) if (isBetterThanCutPoint(value, cutPoint, direction)) score += 1;
  return score as RfmScore;
}
