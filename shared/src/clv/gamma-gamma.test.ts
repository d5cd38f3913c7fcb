import { describe, expect, it } from 'vitest';
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood } from './gamma-gamma';
import type { GammaGammaParams } from './gamma-gamma';
import { seededRandom, simulateMeanSpend } from './testing/simulate';

/** Fader & Hardie's CDNOW estimates, as printed in the note. */
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };
/** The same maximum to more digits (this module's fit of the 946 CDNOW repeat buyers). */
const CDNOW_MLE: GammaGammaParams = { p: 6.24956, q: 3.74423, v: 15.44355 };

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('gammaGammaExpectedSpend', () => {
  it('reproduces Hardie’s spreadsheet for the first ten CDNOW customers', () => {
    // (x, m̄_x) of CDNOW sample customers 1–10, from their repeat purchases in the raw file,
    // and the spreadsheet's E[M | m̄_x, x]
    const spreadsheet: Array<[number, number, number]> = [
      [2, (29.73 + 14.96) / 2, 24.65],
      [1, 11.77, 18.91],
      [0, 0, 35.17],
      [0, 0, 35.17],
      [0, 0, 35.17],
      [7, (32.99 + 77.96 + 59.3 + 134.98 + 91.92 + 47.08 + 71.96) / 7, 71.46],
      [1, 11.77, 18.91],
      [0, 0, 35.17],
      [2, (28.13 + 22.97) / 2, 27.28],
      [0, 0, 35.17],
    ];
    for (const [x, monetary, expected] of spreadsheet) {
      // two printed decimals, plus the five-digit parameters above
      expect(Math.abs(gammaGammaExpectedSpend(CDNOW_MLE, { x, monetary }) - expected)).toBeLessThanOrEqual(0.006);
    }
  });

  it('is the population mean p·v/(q − 1) for a customer without repeat purchases', () => {
    const { p, q, v } = PUBLISHED;
    expect(gammaGammaExpectedSpend(PUBLISHED, { x: 0, monetary: 0 })).toBeCloseTo((p * v) / (q - 1), 12);
  });

  it('moves from the population mean towards the customer’s own mean as x grows', () => {
    const populationMean = gammaGammaExpectedSpend(PUBLISHED, { x: 0, monetary: 0 });
    const own = 80;
    const estimates = [1, 5, 50, 5000].map((x) => gammaGammaExpectedSpend(PUBLISHED, { x, monetary: own }));
    for (let i = 1; i < estimates.length; i++) expect(estimates[i]).toBeGreaterThan(estimates[i - 1] ?? Infinity);
    expect(estimates[0]).toBeGreaterThan(populationMean);
    expect(relativeError(estimates[3] ?? 0, own)).toBeLessThan(0.01);
  });

  it('refuses to return an infinite mean', () => {
    expect(() => gammaGammaExpectedSpend({ p: 2, q: 0.8, v: 10 }, { x: 0, monetary: 0 })).toThrow(/infinite/);
    expect(() => gammaGammaExpectedSpend({ p: 2, q: -1, v: 10 }, { x: 2, monetary: 5 })).toThrow(RangeError);
  });
});

describe('gammaGammaLogLikelihood', () => {
  it('is the log of the density written out for x = 1 (a Gamma–Gamma compound of m̄ itself)', () => {
    // x = 1: f(m) = Γ(p+q)/(Γ(p)Γ(q)) v^q m^(p−1) / (v + m)^(p+q); with p = 2, q = 3: 12 v³ m / (v + m)⁵
    const [v, m] = [10, 7];
    expect(gammaGammaLogLikelihood({ p: 2, q: 3, v }, { x: 1, monetary: m })).toBeCloseTo(
      Math.log((12 * v ** 3 * m) / (v + m) ** 5),
      12,
    );
  });

  it('stays finite for large x', () => {
    expect(Number.isFinite(gammaGammaLogLikelihood(PUBLISHED, { x: 100_000, monetary: 35 }))).toBe(true);
  });
});

describe('fitGammaGamma', () => {
  it('recovers the population mean spend and the parameters of simulated customers', () => {
    const random = seededRandom(42);
    const truth: GammaGammaParams = { p: 4, q: 3, v: 20 };
    const customers = Array.from({ length: 4000 }, () => {
      const x = 1 + Math.floor(random() * 6);
      return { x, monetary: simulateMeanSpend(random, truth, x) };
    });
    const fit = fitGammaGamma(customers);
    expect(fit.converged).toBe(true);
    const mean = ({ p, q, v }: GammaGammaParams) => (p * v) / (q - 1);
    // p and v trade off against each other; their combination, the mean, is pinned down tightly
    expect(relativeError(mean(fit.params), mean(truth))).toBeLessThan(0.05);
    expect(relativeError(fit.params.p, truth.p)).toBeLessThan(0.3);
    expect(relativeError(fit.params.q, truth.q)).toBeLessThan(0.3);
  });

  it('uses only customers with a repeat purchase and positive spend, in any money unit', () => {
    const random = seededRandom(3);
    const inYuan = Array.from({ length: 300 }, () => ({ x: 1 + Math.floor(random() * 4), monetary: 0 }));
    for (const customer of inYuan) customer.monetary = simulateMeanSpend(random, { p: 3, q: 4, v: 60 }, customer.x);
    const withNoise = [...inYuan, { x: 0, monetary: 0 }, { x: 2, monetary: 0 }];
    const yuan = fitGammaGamma(withNoise);
    const fen = fitGammaGamma(withNoise.map(({ x, monetary }) => ({ x, monetary: monetary * 100 })));
    expect(yuan.customers).toBe(300);
    expect(relativeError(fen.params.v, yuan.params.v * 100)).toBeLessThan(1e-4);
    expect(relativeError(fen.params.p, yuan.params.p)).toBeLessThan(1e-4);
    expect(relativeError(fen.params.q, yuan.params.q)).toBeLessThan(1e-4);
  });

  it('needs at least two repeat buyers', () => {
    expect(() =>
      fitGammaGamma([
        { x: 3, monetary: 10 },
        { x: 0, monetary: 0 },
      ]),
    ).toThrow(RangeError);
  });
});
