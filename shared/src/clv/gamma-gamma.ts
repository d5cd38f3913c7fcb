/**
 * The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of
 * Monetary Value"; Fader, Hardie & Lee 2005, "RFM and CLV"). A customer's transactions are
 * Gamma(p, ν) with ν ~ Gamma(q, v) across customers, independent of how often they buy. Money
 * stays in the unit of the input (fen in this product): v is in that unit, p and q have none.
 */
import { lnGamma } from './special';
import { minimizeNelderMead } from './nelder-mead';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** x ≥ 1 repeat transactions with mean value `monetary` (> 0) per transaction. */
export interface GammaGammaCustomer {
  x: number;
  monetary: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** How many customers the fit used: those with x ≥ 1 and monetary > 0. */
  customers: number;
  evaluations: number;
  converged: boolean;
}

function assertParams({ p, q, v }: GammaGammaParams): void {
  if (![p, q, v].every((value) => Number.isFinite(value) && value > 0)) {
    throw new RangeError(`Gamma-Gamma parameters must be positive, got p=${p} q=${q} v=${v}`);
  }
}

/**
 * ln f(m̄_x | p, q, v, x) of one customer (Fader & Hardie 2013):
 * ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m̄ + px ln x − (px+q) ln(v + x m̄).
 * @example gammaGammaLogLikelihood({ p: 6.25, q: 3.74, v: 15.44 }, { x: 2, monetary: 22.35 }) // ≈ −3.551
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customer: GammaGammaCustomer): number {
  const { p, q, v } = params;
  const { x, monetary } = customer;
  const shape = p * x;
  return (
    lnGamma(shape + q) -
    lnGamma(shape) -
    lnGamma(q) +
    q * Math.log(v) +
    (shape - 1) * Math.log(monetary) +
    shape * Math.log(x) -
    (shape + q) * Math.log(v + x * monetary)
  );
}

/**
 * Maximum-likelihood p, q, v over the customers with at least one repeat transaction and a
 * positive mean spend (others carry no information about spend per repeat transaction and are
 * skipped). Search in log space with Nelder–Mead and restarts; v starts at the mean spend so the
 * money unit does not matter. Throws RangeError if fewer than two customers qualify.
 * @example fitGammaGamma(summaries).params // CDNOW: { p: 6.25, q: 3.74, v: 15.44 }
 */
export function fitGammaGamma(customers: readonly GammaGammaCustomer[]): GammaGammaFit {
  const usable = customers.filter((customer) => {
    if (!Number.isInteger(customer.x) || customer.x < 0) throw new RangeError(`x must be a whole number ≥ 0, got ${customer.x}`);
    if (!Number.isFinite(customer.monetary)) throw new RangeError(`monetary must be a number, got ${customer.monetary}`);
    return customer.x >= 1 && customer.monetary > 0;
  });
  if (usable.length < 2) throw new RangeError('Gamma-Gamma needs at least two customers with repeat purchases');
  const meanSpend = usable.reduce((sum, customer) => sum + customer.monetary, 0) / usable.length;
  const negativeLogLikelihood = (logParams: readonly number[]): number => {
    const [p = 0, q = 0, v = 0] = logParams.map(Math.exp);
    let total = 0;
    for (const customer of usable) total += gammaGammaLogLikelihood({ p, q, v }, customer);
    return -total;
  };
  const result = minimizeNelderMead(negativeLogLikelihood, [0, Math.log(2), Math.log(meanSpend)]);
  const [p = 0, q = 0, v = 0] = result.point.map(Math.exp);
  return {
    params: { p, q, v },
    logLikelihood: -result.value,
    customers: usable.length,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/**
 * E[M | m̄_x, x] = p(v + x m̄_x) / (px + q − 1), a weighted mean of the customer's own average and
 * the population mean (Fader & Hardie 2013). With x = 0 it is the population mean p v/(q − 1).
 * Throws RangeError when the expectation is infinite (px + q ≤ 1, e.g. x = 0 with q ≤ 1).
 * @example gammaGammaExpectedSpend({ p: 6.25, q: 3.74, v: 15.44 }, { x: 2, monetary: 22.35 }) // ≈ 24.66
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, customer: GammaGammaCustomer): number {
  assertParams(params);
  const { p, q, v } = params;
  const { x, monetary } = customer;
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`x must be a whole number ≥ 0, got ${x}`);
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) throw new RangeError(`expected spend is infinite: p·x + q − 1 = ${denominator} ≤ 0`);
  const ownSpend = x === 0 ? 0 : monetary;
  return (p * (v + x * ownSpend)) / denominator;
}
