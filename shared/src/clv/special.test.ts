import { describe, expect, it } from 'vitest';
import { gammaSign, hypergeometric2F1, lnBeta, lnGamma, logSumExp } from './special';

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** Stirling's series with four correction terms: independent of Lanczos and exact to ~1e-16 for x ≥ 50. */
function stirlingLnGamma(x: number): number {
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5) -
    1 / (1680 * x ** 7)
  );
}

describe('lnGamma', () => {
  it('matches known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(2)).toBeCloseTo(0, 14);
    expect(lnGamma(3)).toBeCloseTo(Math.LN2, 14);
    expect(relativeError(lnGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(relativeError(lnGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    expect(relativeError(lnGamma(0.1), Math.log(9.513507698668732))).toBeLessThan(1e-14);
    expect(relativeError(lnGamma(100), 359.1342053695754)).toBeLessThan(1e-14);
  });

  it('agrees with Stirling for large arguments', () => {
    for (const x of [50, 500.5, 1e4, 1e6, 1e10]) {
      expect(relativeError(lnGamma(x), stirlingLnGamma(x))).toBeLessThan(1e-13);
    }
  });

  it('behaves like −ln x − γx near zero', () => {
    const eulerGamma = 0.5772156649015329;
    const x = 1e-6;
    const expected = -Math.log(x) - eulerGamma * x + (Math.PI ** 2 / 12) * x * x;
    expect(relativeError(lnGamma(x), expected)).toBeLessThan(1e-14);
  });

  it('gives ln|Γ| for negative arguments and Infinity at the poles', () => {
    expect(relativeError(lnGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(relativeError(lnGamma(-1.5), Math.log((4 / 3) * Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(lnGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(lnGamma(-3)).toBe(Number.POSITIVE_INFINITY);
    expect(lnGamma(Number.NaN)).toBeNaN();
  });

  it('knows the sign of Γ', () => {
    expect(gammaSign(2.5)).toBe(1);
    expect(gammaSign(-0.5)).toBe(-1);
    expect(gammaSign(-1.5)).toBe(1);
    expect(gammaSign(-2)).toBe(0);
  });
});

describe('lnBeta and logSumExp', () => {
  it('computes ln B(a, b)', () => {
    expect(relativeError(lnBeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14);
  });

  it('never overflows', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp(-1000, 0)).toBe(0);
    expect(logSumExp(Number.NEGATIVE_INFINITY, 5)).toBe(5);
    expect(logSumExp(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('hypergeometric2F1', () => {
  it('matches −ln(1 − z)/z = ₂F₁(1, 1; 2; z), including the slow z → 1 series (c − a − b = 0)', () => {
    for (const z of [0.1, 0.5, 0.9, 0.95, 0.999]) {
      expect(relativeError(hypergeometric2F1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
    }
  });

  it('extrapolates in c when c − a − b is an integer and z is too close to 1 for the series', () => {
    for (const z of [1 - 1e-7, 1 - 1e-10]) {
      expect(relativeError(hypergeometric2F1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-10);
    }
    // c − a − b = 2: ₂F₁(1, 1; 4; z) = Σ 6zⁿ/((n+1)(n+2)(n+3)), summed by partial fractions
    const z = 1 - 1e-8;
    const L = Math.log1p(-z);
    const closedForm = (3 * -L) / z - (6 * (-L - z)) / z ** 2 + (3 * (-L - z - (z * z) / 2)) / z ** 3;
    expect(relativeError(hypergeometric2F1(1, 1, 4, z), closedForm)).toBeLessThan(1e-9);
  });

  it('matches (1 − z)^−a = ₂F₁(a, b; b; z) through the connection formula near z = 1', () => {
    for (const z of [0.3, 0.91, 0.97, 0.9999]) {
      expect(relativeError(hypergeometric2F1(0.3, 1.7, 1.7, z), Math.pow(1 - z, -0.3))).toBeLessThan(1e-13);
    }
  });

  it('matches arcsin(y)/y = ₂F₁(½, ½; 3/2; y²)', () => {
    for (const y of [0.5, 0.97, 0.99999]) {
      expect(relativeError(hypergeometric2F1(0.5, 0.5, 1.5, y * y), Math.asin(y) / y)).toBeLessThan(1e-13);
    }
  });

  it('matches arctan(y)/y = ₂F₁(½, 1; 3/2; −y²) for negative arguments', () => {
    for (const y of [0.5, 3, 100]) {
      expect(relativeError(hypergeometric2F1(0.5, 1, 1.5, -y * y), Math.atan(y) / y)).toBeLessThan(1e-13);
    }
  });

  it('uses Euler’s transformation when c − a − b < 0 near z = 1', () => {
    // ₂F₁(a, b; b; z) again, now with a > 0 large enough that c − a − b = −a < 0 matters
    expect(relativeError(hypergeometric2F1(2.5, 0.7, 0.7, 0.995), Math.pow(0.005, -2.5))).toBeLessThan(1e-12);
  });

  it('is a polynomial when a is a non-positive integer', () => {
    // ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.5, 2.5, 0.6];
    const expected = 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1));
    expect(relativeError(hypergeometric2F1(-2, b, c, z), expected)).toBeLessThan(1e-14);
  });

  it('rejects what it cannot compute', () => {
    expect(() => hypergeometric2F1(1, 1, -2, 0.5)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 2, Number.NaN)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 2, 0.5, { maxTerms: 10 })).toThrow(/did not converge/);
  });
});
