/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
 * Way"). While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
 * purchase they drop out with probability p ~ Beta(a, b). A customer is summarised by
 * x (repeat purchases), t_x (time of the last one) and T (time observed), all measured from the
 * first purchase in one time unit (this product uses weeks); α carries that unit.
 */
import { hypergeometric2F1, lnGamma, logSumExp } from './special';
import { minimizeNelderMead } from './nelder-mead';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's repeat-purchase history: x ≥ 0 whole purchases, 0 ≤ tx ≤ T (tx = 0 when x = 0). */
export interface BgNbdCustomer {
  x: number;
  tx: number;
  T: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  evaluations: number;
  converged: boolean;
}

/** Throws RangeError unless the history is one the model can describe. */
export function assertBgNbdCustomer(customer: BgNbdCustomer): void {
  const { x, tx, T } = customer;
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`x must be a whole number ≥ 0, got ${x}`);
  if (!Number.isFinite(T) || !Number.isFinite(tx) || tx < 0 || tx > T) {
    throw new RangeError(`need 0 ≤ tx ≤ T, got tx = ${tx}, T = ${T}`);
  }
}

function assertParams({ r, alpha, a, b }: BgNbdParams): void {
  if (![r, alpha, a, b].every((value) => Number.isFinite(value) && value > 0)) {
    throw new RangeError(`BG/NBD parameters must be positive, got r=${r} alpha=${alpha} a=${a} b=${b}`);
  }
}

/**
 * ln L(r, α, a, b | x, t_x, T) of one customer (FHL 2005 eq. 6), entirely in log space:
 * ln[Γ(r+x)α^r/Γ(r)] + ln[B(a, b+x)/B(a, b)] + ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)].
 * @example bgNbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { x: 0, tx: 0, T: 38.86 }) // ≈ −0.5547
 */
export function bgNbdLogLikelihood(params: BgNbdParams, customer: BgNbdCustomer): number {
  return logLikelihoodOf(params)(customer);
}

/** The per-customer log-likelihood with the terms that only depend on the parameters computed once. */
function logLikelihoodOf({ r, alpha, a, b }: BgNbdParams): (customer: BgNbdCustomer) => number {
  const constant = r * Math.log(alpha) - lnGamma(r) + lnGamma(a + b) - lnGamma(b);
  const logA = Math.log(a);
  return ({ x, tx, T }) => {
    const common = constant + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    const aliveAtEnd = -(r + x) * Math.log(alpha + T);
    if (x === 0) return common + aliveAtEnd;
    const diedAfterLast = logA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    return common + logSumExp(aliveAtEnd, diedAfterLast);
  };
}

interface WeightedCustomer extends BgNbdCustomer {
  count: number;
}

/** Identical histories (many one-time buyers share a first-purchase day) are evaluated once. */
function groupIdentical(customers: readonly BgNbdCustomer[]): WeightedCustomer[] {
  const groups = new Map<string, WeightedCustomer>();
  for (const customer of customers) {
    assertBgNbdCustomer(customer);
    const { x, T } = customer;
    const tx = x === 0 ? 0 : customer.tx;
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { x, tx, T, count: 1 });
  }
  return [...groups.values()];
}

/**
 * Maximum-likelihood BG/NBD parameters. The search runs over ln(r), ln(α), ln(a), ln(b) so every
 * parameter stays positive, with Nelder–Mead and restarts; α starts at the customers' mean age so
 * the fit does not depend on the time unit. Throws RangeError on an empty base or one without any
 * repeat purchase (the dropout process is then unidentified).
 * @example
 * fitBgNbd(summarizeClvTransactions(orderLines, { calibrationEnd: '2026-06-30' })).params
 * // CDNOW sample: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, logLikelihood −9582.43
 */
export function fitBgNbd(customers: readonly BgNbdCustomer[]): BgNbdFit {
  const groups = groupIdentical(customers);
  if (groups.length === 0) throw new RangeError('cannot fit BG/NBD without customers');
  if (groups.every((group) => group.x === 0)) throw new RangeError('cannot fit BG/NBD: nobody made a repeat purchase');
  const meanAge = groups.reduce((sum, g) => sum + g.T * g.count, 0) / customers.length;
  const negativeLogLikelihood = (logParams: readonly number[]): number => {
    const [r = 0, alpha = 0, a = 0, b = 0] = logParams.map(Math.exp);
    const logLikelihood = logLikelihoodOf({ r, alpha, a, b });
    let total = 0;
    for (const group of groups) total += group.count * logLikelihood(group);
    return -total;
  };
  const result = minimizeNelderMead(negativeLogLikelihood, [0, Math.log(Math.max(meanAge, 1e-6)), 0, 0]);
  const [r = 0, alpha = 0, a = 0, b = 0] = result.point.map(Math.exp);
  return {
    params: { r, alpha, a, b },
    logLikelihood: -result.value,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)) (Fader, Hardie & Lee,
 * "Computing P(alive) Using the BG/NBD Model").
 * Exactly 1 for x = 0: in BG/NBD a customer can only drop out right after a repeat purchase.
 * @example bgNbdProbabilityAlive({ r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, { x: 2, tx: 30.43, T: 38.86 }) // ≈ 0.727
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, customer: BgNbdCustomer): number {
  assertParams(params);
  assertBgNbdCustomer(customer);
  return 1 / (1 + Math.exp(logDeadToAliveOdds(params, customer)));
}

function logDeadToAliveOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: BgNbdCustomer): number {
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log1p((T - tx) / (alpha + tx));
}

/**
 * Expected purchases in the next t time units for a customer seen as (x, t_x, T) (FHL 2005 eq. 10):
 * E[Y(t)] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
 * @example bgNbdExpectedPurchases({ r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, { x: 2, tx: 30.43, T: 38.86 }, 39) // ≈ 1.226
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, customer: BgNbdCustomer, t: number): number {
  assertParams(params);
  assertBgNbdCustomer(customer);
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`t must be ≥ 0, got ${t}`);
  return expectedWhileAlive(params, customer.x, customer.T, t) * bgNbdProbabilityAlive(params, customer);
}

/**
 * E[X(t)]: expected repeat purchases in the first t time units after a new customer's first purchase
 * (FHL 2005 eq. 9): (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 * @example bgNbdExpectedPurchasesNewCustomer({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 78) // ≈ 1.861
 */
export function bgNbdExpectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  assertParams(params);
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`t must be ≥ 0, got ${t}`);
  return expectedWhileAlive(params, 0, 0, t);
}

// E[Y(t) | alive] is smooth in a and b, but the closed form divides by a − 1 and its 2F1 has a
// pole at c = a + b + x − 1 = 0. Within this band of either, the value is interpolated linearly
// between points twice the band away (error ≈ (2·band)² ≈ 4e-10).
const SINGULAR_BAND = 1e-5;

function bridge(value: number, singularAt: number, evaluate: (value: number) => number): number {
  const below = singularAt - 2 * SINGULAR_BAND;
  const above = singularAt + 2 * SINGULAR_BAND;
  const low = evaluate(below);
  return low + ((value - below) / (above - below)) * (evaluate(above) - low);
}

function expectedWhileAlive(params: BgNbdParams, x: number, T: number, t: number): number {
  if (t === 0) return 0;
  const { a, b } = params;
  if (Math.abs(a - 1) < SINGULAR_BAND) {
    return bridge(a, 1, (value) => expectedWhileAliveClosedForm({ ...params, a: value }, x, T, t));
  }
  if (Math.abs(a + b + x - 1) < SINGULAR_BAND) {
    return bridge(b, 1 - a - x, (value) => expectedWhileAliveClosedForm({ ...params, b: value }, x, T, t));
  }
  return expectedWhileAliveClosedForm(params, x, T, t);
}

/**
 * E[Y(t) | alive, x, T]. The 2F1 is taken after Euler's transformation,
 * (1−z)^(r+x) ₂F₁(r+x, b+x; c; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; c; z) with c = a+b+x−1,
 * whose small upper parameters keep the series short and finite for any x.
 */
function expectedWhileAliveClosedForm({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number {
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const logPrefactor = (a - 1) * -Math.log1p(t / (alpha + T));
  const series = hypergeometric2F1(a + b - 1 - r, a - 1, c, z);
  // expm1 keeps precision for short horizons; the series is only ≤ 0 when c < 0 (x = 0, a + b < 1)
  const bracket = series > 0 ? -Math.expm1(logPrefactor + Math.log(series)) : 1 - Math.exp(logPrefactor) * series;
  // For horizons below ~1e-12 of α + T rounding can leave a tiny negative instead of a tiny positive.
  return Math.max(0, (c / (a - 1)) * bracket);
}
