import { describe, expect, it } from 'vitest';
import {
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesNewCustomer,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from './bg-nbd';
import type { BgNbdCustomer, BgNbdParams } from './bg-nbd';
import { lnBeta } from './special';
import { integrateUnitInterval } from './testing/quadrature';
import { seededRandom, simulateBgNbdCustomer } from './testing/simulate';

/** FHL (2005) Figure 1, as printed. */
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
/** The same maximum to more digits, as reported by the CLVTools R package's tests. */
const CDNOW_MLE: BgNbdParams = { r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 };

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** E[Y(t)] straight from the model: P(alive) × ∫ over the posterior dropout p of (1 − E[e^−λpt]) / p. */
function expectedPurchasesByIntegration(params: BgNbdParams, customer: BgNbdCustomer, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  const logNorm = -lnBeta(a, b + x);
  const whileAlive = integrateUnitInterval((p, oneMinusP) => {
    const boughtAgain = -Math.expm1(-(r + x) * Math.log1p((p * t) / (alpha + T)));
    return Math.exp(logNorm + (a - 2) * Math.log(p) + (b + x - 1) * Math.log(oneMinusP) + Math.log(boughtAgain));
  });
  return whileAlive * bgNbdProbabilityAlive(params, customer);
}

describe('bgNbdLogLikelihood', () => {
  it('equals the likelihood written with plain Gamma/Beta ratios for small x', () => {
    const { r, alpha, a, b } = PUBLISHED;
    const [x, tx, T] = [2, 20, 38];
    // Γ(r+2)/Γ(r) = r(r+1); B(a, b+2)/B(a, b) = b(b+1) / ((a+b)(a+b+1))
    const rate = r * (r + 1) * alpha ** r;
    const survival = (b * (b + 1)) / ((a + b) * (a + b + 1));
    const timing = (alpha + T) ** -(r + x) + (a / (b + x - 1)) * (alpha + tx) ** -(r + x);
    expect(bgNbdLogLikelihood(PUBLISHED, { x, tx, T })).toBeCloseTo(Math.log(rate * survival * timing), 12);
  });

  it('stays finite for very large x', () => {
    expect(Number.isFinite(bgNbdLogLikelihood(PUBLISHED, { x: 5000, tx: 300, T: 310 }))).toBe(true);
  });
});

describe('bgNbdProbabilityAlive', () => {
  it('is exactly 1 for customers without a repeat purchase, however long ago they bought', () => {
    for (const T of [0, 1, 39, 1e6]) expect(bgNbdProbabilityAlive(PUBLISHED, { x: 0, tx: 0, T })).toBe(1);
  });

  it('falls as the silence since the last purchase grows', () => {
    const recent = bgNbdProbabilityAlive(PUBLISHED, { x: 3, tx: 35, T: 38 });
    const lapsed = bgNbdProbabilityAlive(PUBLISHED, { x: 3, tx: 5, T: 38 });
    expect(recent).toBeGreaterThan(lapsed);
    expect(recent).toBeLessThan(1);
  });

  it('is 0, not NaN, for a frequent buyer who went silent long ago', () => {
    expect(bgNbdProbabilityAlive(CDNOW_MLE, { x: 1000, tx: 10, T: 100 })).toBe(0);
  });
});

describe('bgNbdExpectedPurchasesNewCustomer (E[X(t)])', () => {
  it('reproduces Hardie’s BG/NBD spreadsheet for the CDNOW fit', () => {
    const spreadsheet: Array<[number, number]> = [
      [0.1429, 0.0078],
      [1, 0.0532],
      [3, 0.1506],
      [31.8571, 1.0405],
      [32, 1.0437],
      [78, 1.8576],
    ];
    for (const [t, expected] of spreadsheet) {
      expect(bgNbdExpectedPurchasesNewCustomer(CDNOW_MLE, t)).toBeCloseTo(expected, 3);
    }
  });

  it('equals the conditional expectation of someone who has just made a first purchase', () => {
    const newCustomer = { x: 0, tx: 0, T: 0 };
    expect(bgNbdExpectedPurchasesNewCustomer(PUBLISHED, 52)).toBeCloseTo(bgNbdExpectedPurchases(PUBLISHED, newCustomer, 52), 12);
  });
});

describe('bgNbdExpectedPurchases (E[Y(t) | x, t_x, T])', () => {
  it('reproduces Hardie’s spreadsheet: 1.226 purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86', () => {
    expect(bgNbdExpectedPurchases(CDNOW_MLE, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it('reproduces the top-5 next-week forecasts of the lifetimes documentation', () => {
    const documented: Array<[BgNbdCustomer, number]> = [
      [{ x: 18, tx: 35.14, T: 35.86 }, 0.424877],
      [{ x: 19, tx: 34.0, T: 34.14 }, 0.474738],
      [{ x: 17, tx: 28.43, T: 28.86 }, 0.486526],
      [{ x: 29, tx: 37.71, T: 38.0 }, 0.662396],
      [{ x: 26, tx: 30.86, T: 31.0 }, 0.710623],
    ];
    for (const [customer, expected] of documented) {
      expect(relativeError(bgNbdExpectedPurchases(CDNOW_MLE, customer, 1), expected)).toBeLessThan(1e-4);
    }
  });

  it('agrees with direct integration over the posterior, for ordinary and extreme customers', () => {
    const cases: Array<[BgNbdParams, BgNbdCustomer, number]> = [
      [PUBLISHED, { x: 0, tx: 0, T: 38.86 }, 39],
      [PUBLISHED, { x: 2, tx: 30.43, T: 38.86 }, 39],
      [PUBLISHED, { x: 7, tx: 29.43, T: 38.86 }, 52],
      [PUBLISHED, { x: 0, tx: 0, T: 0.1 }, 5000],
      [{ r: 2, alpha: 0.3, a: 3.5, b: 0.6 }, { x: 40, tx: 20, T: 21 }, 100],
      [{ r: 0.5, alpha: 0.5, a: 0.2, b: 4 }, { x: 500, tx: 1000, T: 1000 }, 52],
    ];
    for (const [params, customer, t] of cases) {
      const expected = expectedPurchasesByIntegration(params, customer, t);
      expect(relativeError(bgNbdExpectedPurchases(params, customer, t), expected)).toBeLessThan(1e-7);
    }
  });

  it('is right at and around a = 1, where the closed form has a removable singularity', () => {
    const customer = { x: 3, tx: 20, T: 30 };
    for (const a of [1 - 3e-5, 1 - 5e-6, 1, 1 + 5e-6, 1 + 3e-5]) {
      const expected = expectedPurchasesByIntegration({ ...PUBLISHED, a }, customer, 39);
      expect(relativeError(bgNbdExpectedPurchases({ ...PUBLISHED, a }, customer, 39), expected)).toBeLessThan(1e-7);
    }
  });

  it('is right when the 2F1 in the closed form has c = a + b − 1 ≤ 0 (x = 0 and a + b ≤ 1)', () => {
    const newCustomer = { x: 0, tx: 0, T: 0 };
    for (const params of [
      { r: 0.3, alpha: 2, a: 0.4, b: 0.6 },
      { r: 0.3, alpha: 2, a: 0.4, b: 0.6 + 3e-6 },
      { r: 0.05, alpha: 0.05, a: 0.2, b: 0.5 },
    ]) {
      const expected = expectedPurchasesByIntegration(params, newCustomer, 1);
      expect(relativeError(bgNbdExpectedPurchases(params, newCustomer, 1), expected)).toBeLessThan(1e-7);
    }
  });

  it('is 0 for a zero horizon and rejects invalid input', () => {
    expect(bgNbdExpectedPurchases(PUBLISHED, { x: 2, tx: 10, T: 20 }, 0)).toBe(0);
    expect(() => bgNbdExpectedPurchases(PUBLISHED, { x: 2, tx: 30, T: 20 }, 1)).toThrow(RangeError);
    expect(() => bgNbdExpectedPurchases(PUBLISHED, { x: 1.5, tx: 10, T: 20 }, 1)).toThrow(RangeError);
    expect(() => bgNbdExpectedPurchases({ ...PUBLISHED, r: -1 }, { x: 2, tx: 10, T: 20 }, 1)).toThrow(RangeError);
    expect(() => bgNbdExpectedPurchases(PUBLISHED, { x: 2, tx: 10, T: 20 }, -1)).toThrow(RangeError);
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters of simulated customers', () => {
    const random = seededRandom(20260101);
    const truth: BgNbdParams = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const customers = Array.from({ length: 3000 }, () => simulateBgNbdCustomer(random, truth, 20 + 40 * random()));
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    // Standard errors at n = 3000 are roughly 5 % for r and α and 10–15 % for a and b.
    expect(relativeError(fit.params.r, truth.r)).toBeLessThan(0.15);
    expect(relativeError(fit.params.alpha, truth.alpha)).toBeLessThan(0.15);
    expect(relativeError(fit.params.a, truth.a)).toBeLessThan(0.3);
    expect(relativeError(fit.params.b, truth.b)).toBeLessThan(0.3);
  });

  it('does not depend on the time unit: refitting in days scales α by 7 and nothing else', () => {
    const random = seededRandom(7);
    const truth: BgNbdParams = { r: 0.4, alpha: 3, a: 1.2, b: 3 };
    const inWeeks = Array.from({ length: 800 }, () => simulateBgNbdCustomer(random, truth, 30));
    const inDays = inWeeks.map(({ x, tx, T }) => ({ x, tx: tx * 7, T: T * 7 }));
    const weekly = fitBgNbd(inWeeks).params;
    const daily = fitBgNbd(inDays).params;
    expect(relativeError(daily.alpha, weekly.alpha * 7)).toBeLessThan(1e-4);
    expect(relativeError(daily.r, weekly.r)).toBeLessThan(1e-4);
    expect(relativeError(daily.a, weekly.a)).toBeLessThan(1e-4);
    expect(relativeError(daily.b, weekly.b)).toBeLessThan(1e-4);
  });

  it('refuses bases it cannot identify', () => {
    expect(() => fitBgNbd([])).toThrow(RangeError);
    expect(() => fitBgNbd([{ x: 0, tx: 0, T: 10 }])).toThrow(/repeat purchase/);
    expect(() => fitBgNbd([{ x: 1, tx: 11, T: 10 }])).toThrow(RangeError);
  });
});
