import { describe, expect, it } from 'vitest';
import {
  computeCutPoints,
  discretePercentile,
  discretePercentiles,
  isBetterThanCutPoint,
  scoreAgainstCutPoints,
  type QuintileCutPoints,
} from './quantiles';

describe('discretePercentile', () => {
  it('takes the value at position ceil(fraction × n), worst first', () => {
    const values = [7, 1, 6, 2, 5, 3, 4];
    // n = 7: 0.2 × 7 = 1.4 → 2nd value; 0.8 × 7 = 5.6 → 6th value.
    expect(discretePercentile(values, 0.2, 'higher_is_better')).toBe(2);
    expect(discretePercentile(values, 0.8, 'higher_is_better')).toBe(6);
    expect(discretePercentile(values, 0.2, 'lower_is_better')).toBe(6);
    expect(discretePercentile(values, 0.8, 'lower_is_better')).toBe(2);
  });

  it('returns the first value for fraction 0 and the last for fraction 1', () => {
    expect(discretePercentile([3, 9, 5], 0, 'higher_is_better')).toBe(3);
    expect(discretePercentile([3, 9, 5], 1, 'higher_is_better')).toBe(9);
    expect(discretePercentile([3, 9, 5], 0, 'lower_is_better')).toBe(9);
  });

  it('lands exactly on the boundary value when fraction × n is whole', () => {
    // n = 10, 0.4 × 10 = 4 → the 4th value, not the 5th.
    expect(discretePercentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.4, 'higher_is_better')).toBe(40);
  });

  it('sorts several fractions at once', () => {
    expect(discretePercentiles([4, 3, 2, 1], [0.5, 0.75], 'higher_is_better')).toEqual([2, 3]);
  });

  it('rejects no values, bad fractions and non-finite values', () => {
    expect(() => discretePercentile([], 0.5, 'higher_is_better')).toThrow(RangeError);
    expect(() => discretePercentile([1], 1.5, 'higher_is_better')).toThrow(RangeError);
    expect(() => discretePercentile([1], Number.NaN, 'higher_is_better')).toThrow(RangeError);
    expect(() => discretePercentile([1, Number.NaN], 0.5, 'higher_is_better')).toThrow(RangeError);
    expect(() => discretePercentile([1, Number.POSITIVE_INFINITY], 0.5, 'higher_is_better')).toThrow(RangeError);
  });
});

describe('computeCutPoints and scoreAgainstCutPoints', () => {
  it('scores a frequency base with ties (worked example)', () => {
    const frequencies = [1, 1, 1, 2, 2, 3, 5, 8, 9, 12];
    const cutPoints = computeCutPoints(frequencies, 'higher_is_better');
    expect(cutPoints).toEqual([1, 2, 3, 8]);
    const scores = frequencies.map((f) => scoreAgainstCutPoints(f, cutPoints, 'higher_is_better'));
    expect(scores).toEqual([1, 1, 1, 2, 2, 3, 4, 4, 5, 5]);
  });

  it('gives each score a fifth of the base when values are distinct', () => {
    const recencies = Array.from({ length: 100 }, (_, i) => i);
    const cutPoints = computeCutPoints(recencies, 'lower_is_better');
    expect(cutPoints).toEqual([80, 60, 40, 20]);
    expect(scoreAgainstCutPoints(0, cutPoints, 'lower_is_better')).toBe(5);
    expect(scoreAgainstCutPoints(19, cutPoints, 'lower_is_better')).toBe(5);
    expect(scoreAgainstCutPoints(20, cutPoints, 'lower_is_better')).toBe(4);
    expect(scoreAgainstCutPoints(79, cutPoints, 'lower_is_better')).toBe(2);
    expect(scoreAgainstCutPoints(80, cutPoints, 'lower_is_better')).toBe(1);
    const counts = [1, 2, 3, 4, 5].map(
      (s) => recencies.filter((r) => scoreAgainstCutPoints(r, cutPoints, 'lower_is_better') === s).length,
    );
    expect(counts).toEqual([20, 20, 20, 20, 20]);
  });

  it('keeps a large tie together: 60 % one-order buyers all score 1', () => {
    const frequencies = [...Array<number>(6).fill(1), 2, 2, 3, 4];
    const cutPoints = computeCutPoints(frequencies, 'higher_is_better');
    expect(cutPoints).toEqual([1, 1, 1, 2]);
    expect(scoreAgainstCutPoints(1, cutPoints, 'higher_is_better')).toBe(1);
    expect(scoreAgainstCutPoints(2, cutPoints, 'higher_is_better')).toBe(4);
    expect(scoreAgainstCutPoints(3, cutPoints, 'higher_is_better')).toBe(5);
  });

  it('scores values outside the stored range at the ends', () => {
    const cutPoints: QuintileCutPoints = [10, 20, 30, 40];
    expect(scoreAgainstCutPoints(-5, cutPoints, 'higher_is_better')).toBe(1);
    expect(scoreAgainstCutPoints(1000, cutPoints, 'higher_is_better')).toBe(5);
  });

  it('treats equal as not better in both directions', () => {
    expect(isBetterThanCutPoint(5, 5, 'higher_is_better')).toBe(false);
    expect(isBetterThanCutPoint(5, 5, 'lower_is_better')).toBe(false);
    expect(isBetterThanCutPoint(4, 5, 'lower_is_better')).toBe(true);
    expect(isBetterThanCutPoint(6, 5, 'higher_is_better')).toBe(true);
  });
});
