import { describe, expect, it } from 'vitest';
import { allocateProportionally, assertFen, basisPointsOf, fenToYuanString, formatYuan, MoneyError, yuanToFen } from './money';

describe('assertFen', () => {
  it('accepts safe integers', () => {
    expect(() => assertFen(0)).not.toThrow();
    expect(() => assertFen(-12)).not.toThrow();
    expect(() => assertFen(Number.MAX_SAFE_INTEGER)).not.toThrow();
  });

  it('rejects fractions, NaN, infinities and unsafe integers with the label in the message', () => {
    expect(() => assertFen(1.5, 'price')).toThrow(/price must be an integer/);
    expect(() => assertFen(Number.NaN)).toThrow(MoneyError);
    expect(() => assertFen(Number.POSITIVE_INFINITY)).toThrow(MoneyError);
    expect(() => assertFen(Number.MAX_SAFE_INTEGER + 1)).toThrow(MoneyError);
  });
});

describe('yuanToFen', () => {
  it.each([
    ['19.99', 1999],
    ['12.5', 1250],
    ['12.50', 1250],
    ['12.', 1200],
    ['0', 0],
    ['-3', -300],
    ['+7.01', 701],
    ['  8.10  ', 810],
    ['007.5', 750],
  ])('parses the string %j as %i fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it.each([
    [19.99, 1999],
    [0.1 + 0.2, 30],
    [12.5, 1250],
    [-3, -300],
    [123.456, 12346],
  ])('parses the number %d as %i fen without float drift', (value, fen) => {
    expect(yuanToFen(value)).toBe(fen);
  });

  it('rounds a third decimal half away from zero', () => {
    expect(yuanToFen('0.005')).toBe(1);
    expect(yuanToFen('0.004')).toBe(0);
    expect(yuanToFen('-0.005')).toBe(-1);
    expect(yuanToFen('1.0049')).toBe(100);
    expect(yuanToFen('0.999')).toBe(100);
    expect(yuanToFen(1.005)).toBe(101);
  });

  it('rounds a number once, from its shortest decimal form', () => {
    expect(yuanToFen(1.0049999999)).toBe(100);
    expect(yuanToFen(0.0049999999)).toBe(0);
  });

  it('treats magnitudes below a millionth of a yuan as zero and never returns -0', () => {
    expect(Object.is(yuanToFen(1e-7), 0)).toBe(true);
    expect(Object.is(yuanToFen(-1e-7), 0)).toBe(true);
    expect(Object.is(yuanToFen('-0.001'), 0)).toBe(true);
  });

  it.each(['', 'abc', '1,000', '.5', '1.2.3', '¥12', '1e3'])('rejects %j', (text) => {
    expect(() => yuanToFen(text)).toThrow(MoneyError);
  });

  it('rejects non-finite numbers and amounts beyond safe integers', () => {
    expect(() => yuanToFen(Number.NaN)).toThrow(MoneyError);
    expect(() => yuanToFen(Number.POSITIVE_INFINITY)).toThrow(MoneyError);
    expect(() => yuanToFen(1e21)).toThrow(MoneyError);
    expect(() => yuanToFen('90071992547409.92')).toThrow(MoneyError);
  });
});

describe('fenToYuanString', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [1999, '19.99'],
    [123450, '1234.50'],
    [-5, '-0.05'],
    [-123456, '-1234.56'],
  ])('writes %i fen as %s', (fen, text) => {
    expect(fenToYuanString(fen)).toBe(text);
  });

  it('rejects fractional fen', () => {
    expect(() => fenToYuanString(1.5)).toThrow(MoneyError);
  });
});

describe('formatYuan', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatYuan(123450)).toBe('¥1,234.50');
    expect(formatYuan(123456789)).toBe('¥1,234,567.89');
    expect(formatYuan(0)).toBe('¥0.00');
    expect(formatYuan(99)).toBe('¥0.99');
  });

  it('puts the sign before the currency symbol', () => {
    expect(formatYuan(-123450)).toBe('-¥1,234.50');
  });

  it('trims zero decimals only when asked and only when they are zero', () => {
    expect(formatYuan(1200, { trimZeros: true })).toBe('¥12');
    expect(formatYuan(1250, { trimZeros: true })).toBe('¥12.50');
    expect(formatYuan(-100000, { trimZeros: true })).toBe('-¥1,000');
    expect(formatYuan(1200)).toBe('¥12.00');
  });
});

describe('basisPointsOf', () => {
  it('takes a share rounded down to whole fen', () => {
    expect(basisPointsOf(10000, 5000)).toBe(5000);
    expect(basisPointsOf(999, 5000)).toBe(499);
    expect(basisPointsOf(1999, 3333)).toBe(666);
    expect(basisPointsOf(12345, 0)).toBe(0);
    expect(basisPointsOf(12345, 10000)).toBe(12345);
  });

  it('rejects a fractional amount', () => {
    expect(() => basisPointsOf(1.5, 100)).toThrow(MoneyError);
  });
});

describe('allocateProportionally', () => {
  it('splits evenly with ties going to the earlier weight', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateProportionally(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('gives the leftover fen to the largest remainders', () => {
    expect(allocateProportionally(10, [1, 2, 7])).toEqual([1, 2, 7]);
    expect(allocateProportionally(100, [1, 2])).toEqual([33, 67]);
    expect(allocateProportionally(1000, [0.1, 0.2, 0.7])).toEqual([100, 200, 700]);
  });

  it('allocates negative totals symmetrically', () => {
    expect(allocateProportionally(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
  });

  it('gives zero-weight parts nothing and never returns -0', () => {
    const parts = allocateProportionally(-7, [0, 1]);
    expect(parts).toEqual([0, -7]);
    expect(Object.is(parts[0], 0)).toBe(true);
  });

  it('handles empty and all-zero weights only for a zero total', () => {
    expect(allocateProportionally(0, [])).toEqual([]);
    expect(allocateProportionally(0, [0, 0])).toEqual([0, 0]);
    expect(() => allocateProportionally(1, [])).toThrow(MoneyError);
    expect(() => allocateProportionally(1, [0, 0])).toThrow(MoneyError);
  });

  it('rejects negative, NaN and infinite weights and fractional totals', () => {
    expect(() => allocateProportionally(10, [1, -1])).toThrow(MoneyError);
    expect(() => allocateProportionally(10, [1, Number.NaN])).toThrow(MoneyError);
    expect(() => allocateProportionally(10, [1, Number.POSITIVE_INFINITY])).toThrow(MoneyError);
    expect(() => allocateProportionally(10.5, [1])).toThrow(MoneyError);
  });
});
