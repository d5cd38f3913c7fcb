import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareToMean, exactMeanOf } from './mean';

describe('exactMeanOf', () => {
  it('keeps the integer sum and count', () => {
    expect(exactMeanOf([1, 2, 4])).toEqual({ sum: 7, count: 3 });
    expect(exactMeanOf([])).toEqual({ sum: 0, count: 0 });
  });

  it('rejects fractions and sums beyond the safe range', () => {
    expect(() => exactMeanOf([1.5])).toThrow(RangeError);
    expect(() => exactMeanOf([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});

describe('compareToMean', () => {
  it('compares with the exact mean 7/3', () => {
    const mean = { sum: 7, count: 3 };
    expect(compareToMean(3, mean)).toBe(1);
    expect(compareToMean(2, mean)).toBe(-1);
  });

  it('returns 0 only for a value equal to a whole mean', () => {
    expect(compareToMean(2, { sum: 6, count: 3 })).toBe(0);
    expect(compareToMean(3, { sum: 6, count: 3 })).toBe(1);
    expect(compareToMean(1, { sum: 6, count: 3 })).toBe(-1);
  });

  it('handles negative means', () => {
    // −7/3 ≈ −2.33
    expect(compareToMean(-3, { sum: -7, count: 3 })).toBe(-1);
    expect(compareToMean(-2, { sum: -7, count: 3 })).toBe(1);
  });

  it('is exact where value × count leaves the safe range', () => {
    const count = 1_000_000;
    const sum = 9_000_000_000_000_001; // mean 9,000,000,000.000001
    expect(compareToMean(9_000_000_000, { sum, count })).toBe(-1);
    expect(compareToMean(9_000_000_001, { sum, count })).toBe(1);
  });

  it('rejects non-integers and empty means', () => {
    expect(() => compareToMean(1.5, { sum: 3, count: 2 })).toThrow(RangeError);
    expect(() => compareToMean(1, { sum: 0, count: 0 })).toThrow(RangeError);
    expect(() => compareToMean(1, { sum: 0.5, count: 1 })).toThrow(RangeError);
  });

  it('agrees with exact BigInt arithmetic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.maxSafeInteger().filter((s) => s > -Number.MAX_SAFE_INTEGER),
        fc.integer({ min: 1, max: 10_000_000 }),
        (value, sum, count) => {
          const difference = BigInt(value) * BigInt(count) - BigInt(sum);
          const expected = difference > 0n ? 1 : difference < 0n ? -1 : 0;
          expect(compareToMean(value, { sum, count })).toBe(expected);
        },
      ),
    );
  });

  it('is exact right next to the mean', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e8, max: 1e8 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: -2, max: 2 }),
        (value, count, offset) => {
          const sum = value * count + offset;
          expect(compareToMean(value, { sum, count })).toBe(offset > 0 ? -1 : offset < 0 ? 1 : 0);
        },
      ),
    );
  });
});
