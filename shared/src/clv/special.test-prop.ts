import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hypergeometric2F1, lnGamma } from './special';
import { integrateUnitInterval } from './testing/quadrature';

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

describe('lnGamma properties', () => {
  it('satisfies Γ(x + 1) = x Γ(x)', () => {
    fc.assert(
      fc.property(positive(1e-3, 1e7), (x) => {
        const difference = lnGamma(x + 1) - lnGamma(x);
        expect(Math.abs(difference - Math.log(x))).toBeLessThan(1e-12 * Math.max(1, Math.abs(lnGamma(x + 1))));
      }),
    );
  });

  it('satisfies the reflection formula Γ(x)Γ(1 − x) = π / sin(πx) on (0, 1)', () => {
    fc.assert(
      fc.property(positive(1e-3, 0.999), (x) => {
        const expected = Math.log(Math.PI / Math.sin(Math.PI * x));
        expect(Math.abs(lnGamma(x) + lnGamma(1 - x) - expected)).toBeLessThan(1e-12);
      }),
    );
  });
});

describe('hypergeometric2F1 against Euler’s integral', () => {
  // ₂F₁(a, b; c; z) = Γ(c)/(Γ(b)Γ(c−b)) ∫₀¹ t^(b−1) (1−t)^(c−b−1) (1−zt)^(−a) dt, for c > b > 0
  const byIntegral = (a: number, b: number, c: number, z: number): number => {
    const logNorm = lnGamma(c) - lnGamma(b) - lnGamma(c - b);
    return integrateUnitInterval((t, oneMinusT) =>
      Math.exp(logNorm + (b - 1) * Math.log(t) + (c - b - 1) * Math.log(oneMinusT) - a * Math.log1p(-z * t)),
    );
  };

  it('agrees on every branch (series, connection formula, Euler and Pfaff transformations)', () => {
    fc.assert(
      fc.property(positive(-3, 4), positive(0.5, 4), positive(0.5, 6), positive(-4, 0.999), (a, b, gap, z) => {
        const c = b + gap;
        const exact = byIntegral(a, b, c, z);
        expect(Math.abs(hypergeometric2F1(a, b, c, z) - exact)).toBeLessThan(1e-8 * Math.max(1, Math.abs(exact)));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees close to z = 1, where the series alone would be slow', () => {
    fc.assert(
      fc.property(positive(-3, 4), positive(0.5, 4), positive(0.5, 6), positive(0.9, 0.9999), (a, b, gap, z) => {
        const c = b + gap;
        const exact = byIntegral(a, b, c, z);
        expect(Math.abs(hypergeometric2F1(a, b, c, z) - exact)).toBeLessThan(1e-8 * Math.max(1, Math.abs(exact)));
      }),
      { numRuns: 200 },
    );
  });
});
