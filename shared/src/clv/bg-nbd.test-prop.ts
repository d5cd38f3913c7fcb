import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bgNbdExpectedPurchases, bgNbdLogLikelihood, bgNbdProbabilityAlive } from './bg-nbd';
import type { BgNbdCustomer, BgNbdParams } from './bg-nbd';
import { lnBeta } from './special';
import { integrateUnitInterval } from './testing/quadrature';

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** Histories with 0 ≤ t_x ≤ T, t_x = 0 when x = 0, and x up to several thousand purchases. */
const customerArbitrary: fc.Arbitrary<BgNbdCustomer> = fc
  .record({
    x: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 5000 })),
    T: positive(0, 1e4),
    share: positive(0, 1),
  })
  .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : Math.min(T, T * share) }));

const paramsArbitrary: fc.Arbitrary<BgNbdParams> = fc.record({
  r: positive(0.01, 50),
  alpha: positive(0.01, 1000),
  a: positive(0.01, 50),
  b: positive(0.01, 50),
});

const CDNOW: BgNbdParams = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };

describe('BG/NBD is numerically safe for any valid history', () => {
  it('gives a finite log-likelihood and P(alive) in [0, 1]', () => {
    fc.assert(
      fc.property(paramsArbitrary, customerArbitrary, (params, customer) => {
        expect(Number.isFinite(bgNbdLogLikelihood(params, customer))).toBe(true);
        const alive = bgNbdProbabilityAlive(params, customer);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (customer.x === 0) expect(alive).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('expects a finite, non-negative number of purchases that grows with the horizon', () => {
    fc.assert(
      fc.property(paramsArbitrary, customerArbitrary, positive(0, 520), (params, customer, t) => {
        const shorter = bgNbdExpectedPurchases(params, customer, t);
        const longer = bgNbdExpectedPurchases(params, customer, 2 * t + 1);
        expect(Number.isFinite(shorter)).toBe(true);
        expect(shorter).toBeGreaterThanOrEqual(0);
        expect(longer).toBeGreaterThanOrEqual(shorter * (1 - 1e-9));
      }),
      { numRuns: 300 },
    );
  });

  it('never expects more purchases than an immortal customer at the posterior mean rate would make', () => {
    // Without dropout, E[Y(t)] = (r + x) t / (α + T); dropout can only lower it.
    fc.assert(
      fc.property(customerArbitrary, positive(0, 520), (customer, t) => {
        const immortal = ((CDNOW.r + customer.x) * t) / (CDNOW.alpha + customer.T);
        expect(bgNbdExpectedPurchases(CDNOW, customer, t)).toBeLessThanOrEqual(immortal * (1 + 1e-9) + 1e-12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('BG/NBD expectation agrees with the model integrated directly', () => {
  // E[Y(t)] = P(alive) ∫ Beta(p; a, b+x) (1 − ((α+T)/(α+T+pt))^(r+x)) / p dp: no 2F1 involved.
  // a ≥ 0.3 keeps the p^(a−2) endpoint within reach of the quadrature.
  const byIntegral = (params: BgNbdParams, customer: BgNbdCustomer, t: number): number => {
    const { r, alpha, a, b } = params;
    const { x, T } = customer;
    const logNorm = -lnBeta(a, b + x);
    const whileAlive = integrateUnitInterval((p, oneMinusP) => {
      const boughtAgain = -Math.expm1(-(r + x) * Math.log1p((p * t) / (alpha + T)));
      return Math.exp(logNorm + (a - 2) * Math.log(p) + (b + x - 1) * Math.log(oneMinusP) + Math.log(boughtAgain));
    });
    return whileAlive * bgNbdProbabilityAlive(params, customer);
  };

  it('to 1e-7 over realistic parameters and histories up to x = 200', () => {
    const realisticParams = fc.record({
      r: positive(0.05, 5),
      alpha: positive(0.1, 50),
      a: positive(0.3, 5),
      b: positive(0.3, 10),
    });
    const history = fc
      .record({ x: fc.integer({ min: 0, max: 200 }), T: positive(0, 200), share: positive(0, 1) })
      .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : T * share }));
    fc.assert(
      fc.property(realisticParams, history, positive(0.1, 200), (params, customer, t) => {
        const expected = byIntegral(params, customer, t);
        const actual = bgNbdExpectedPurchases(params, customer, t);
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-7 * expected + 1e-200);
      }),
      { numRuns: 200 },
    );
  });
});
