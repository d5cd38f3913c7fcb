/**
 * A mean of integers kept as its exact integer sum and count. Comparing a value with `sum / count`
 * through integers gives the same answer in JavaScript and in SQL (`value::numeric * count` vs `sum`),
 * where a rounded floating-point mean could disagree for values right next to it.
 */
export interface ExactMean {
  sum: number;
  count: number;
}

/**
 * @example exactMeanOf([1, 2, 4]) // { sum: 7, count: 3 }
 */
export function exactMeanOf(values: readonly number[]): ExactMean {
  let sum = 0;
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`mean inputs must be integers, got ${value}`);
    sum += value;
  }
  if (!Number.isSafeInteger(sum)) throw new RangeError('sum of mean inputs exceeds the safe integer range');
  return { sum, count: values.length };
}

/**
 * Sign of `value − sum / count`, computed without rounding: 1 above the mean, 0 equal, −1 below.
 * SQL: `sign(value::numeric * count - sum)`.
 * @example compareToMean(3, { sum: 7, count: 3 }) // 1
 * @example compareToMean(2, { sum: 7, count: 3 }) // -1
 * @example compareToMean(2, { sum: 6, count: 3 }) // 0
 */
export function compareToMean(value: number, mean: ExactMean): -1 | 0 | 1 {
  if (!Number.isSafeInteger(value)) throw new RangeError(`value must be an integer, got ${value}`);
  if (!(Number.isSafeInteger(mean.count) && mean.count > 0 && Number.isSafeInteger(mean.sum))) {
    throw new RangeError('a mean needs an integer sum and a positive count');
  }
  // value × count may leave the safe range, so compare with the floor of sum / count instead. That floor is
  // exact: with |sum| < 2^53 the division's rounding error is below the 1 / count gap to the next integer.
  const quotient = Math.floor(mean.sum / mean.count);
  if (value > quotient) return 1;
  if (value < quotient) return -1;
  return mean.sum % mean.count === 0 ? 0 : -1;
}
