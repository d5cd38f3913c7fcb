/**
 * Special functions the customer-base models need: log-gamma and the Gaussian hypergeometric
 * function 2F1. Everything stays in log space where magnitudes can run away (x = 500 purchases
 * gives Γ(500) ≈ 10^1131, far beyond a double).
 */

// Lanczos approximation, g = 7, n = 9: relative error below 2e-15 for Re(x) ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** sin(πx) without the precision loss of `Math.sin(Math.PI * x)` for large |x|. */
function sinPi(x: number): number {
  const reduced = x - 2 * Math.round(x / 2); // in [-1, 1], same sine
  const folded = Math.abs(reduced) > 0.5 ? Math.sign(reduced) * (1 - Math.abs(reduced)) : reduced;
  return Math.sin(Math.PI * folded);
}

function isNonPositiveInteger(x: number): boolean {
  return x <= 0 && Number.isInteger(x);
}

/**
 * ln|Γ(x)| for any real x that is not a pole (0, −1, −2, … give +Infinity).
 * @example lnGamma(10) // ≈ 12.8018 (= ln 9!)
 */
export function lnGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (isNonPositiveInteger(x)) return Number.POSITIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lnGamma(1 - x);
  }
  const shifted = x - 1;
  let series = LANCZOS_COEFFICIENTS[0] ?? 1;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += (LANCZOS_COEFFICIENTS[i] ?? 0) / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** The sign of Γ(x): +1, −1, or 0 at a pole (so that 1/Γ there is 0). */
export function gammaSign(x: number): number {
  if (isNonPositiveInteger(x)) return 0;
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(e^u + e^v) without overflow; −Infinity terms are allowed. */
export function logSumExp(u: number, v: number): number {
  const high = Math.max(u, v);
  if (high === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  return high + Math.log1p(Math.exp(Math.min(u, v) - high));
}

export interface Hypergeometric2F1Options {
  /** Stop when a bound on the remaining terms is below this fraction of the sum. Default 1e-15. */
  tolerance?: number;
  /** Give up (RangeError) after this many terms. Default 1,000,000. */
  maxTerms?: number;
}

const DIRECT_SERIES_LIMIT = 0.9;
// Within this distance of an integer c − a − b, the z → 1 − z connection formula's two terms
// blow up like 1/distance and cancel; ~1e-15/distance of precision is lost.
const NEAR_INTEGER = 1e-5;
// From here on the series terms shrink like n^−(c−a−b+1), so even z ≈ 1 needs few terms.
const FAST_DECAY = 20;
// Near z = 1 the series needs about this many e-foldings of z^n, i.e. 50 / (1 − z) terms.
const SERIES_E_FOLDINGS = 50;

/**
 * The power series Σ (a)_n (b)_n / ((c)_n n!) z^n for 0 ≤ z < 1. It stops when a bound on the
 * remaining tail drops below `tolerance` × the sum: once every later term ratio is provably ≤ z
 * the tail is at most |term| · z / (1 − z); past the parameters' size the current ratio is used.
 */
function gaussSeries(a: number, b: number, c: number, z: number, tolerance: number, maxTerms: number): number {
  const drift = a + b - c - 1;
  const offset = a * b - c;
  const factorsPositiveFrom = Math.max(-a, -b, -c, 0);
  const hump = Math.max(Math.abs(a), Math.abs(b), Math.abs(c));
  let term = 1;
  let sum = 1;
  let lostLowBits = 0; // Neumaier compensation: thousands of terms near z ≈ 1 would otherwise drift
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    const next = sum + term;
    lostLowBits += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
    if (term === 0) return sum + lostLowBits; // a or b is a non-positive integer: a polynomial
    if (!Number.isFinite(sum)) throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) overflows`);
    const index = n + 1;
    if (index <= factorsPositiveFrom) continue;
    let tailFactor = Number.POSITIVE_INFINITY;
    if (drift <= 0 && index * drift + offset <= 0) {
      tailFactor = z / (1 - z);
    } else if (index > hump) {
      const ratio = (((a + index) * (b + index)) / ((c + index) * (index + 1))) * z;
      if (ratio < 1) tailFactor = ratio / (1 - ratio);
    }
    if (Math.abs(term) * tailFactor <= tolerance * Math.abs(sum)) return sum + lostLowBits;
  }
  throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
}

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) for real z < 1.
 * - z < 0: Pfaff's transformation onto w = z / (z − 1) ∈ (0, 1).
 * - 0 ≤ z ≤ 0.9: the power series, summed until a bound on the remaining tail is negligible.
 * - z > 0.9: first Euler's transformation if c − a − b < 0, then the z → 1 − z connection formula
 *   (DLMF 15.8.4) where the direct series would need thousands of terms. The series is kept when
 *   c − a − b ≥ 20 with a, b ≥ −1 (it is fast and cannot cancel) or when c − a − b is within 1e-5
 *   of an integer (the formula cancels there); if that series would exceed `maxTerms`, F is
 *   extrapolated from nearby c instead.
 * Throws RangeError if c is a non-positive integer, z ≥ 1, the result overflows, or a series runs
 * past `maxTerms` (only with parameters in the hundreds of thousands).
 * @example hypergeometric2F1(1, 1, 2, 0.5) // ≈ 1.386294 (= −ln(1 − z) / z)
 */
export function hypergeometric2F1(a: number, b: number, c: number, z: number, options: Hypergeometric2F1Options = {}): number {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  if (![a, b, c, z].every(Number.isFinite)) throw new RangeError('2F1 needs finite arguments');
  if (isNonPositiveInteger(c)) throw new RangeError(`2F1 is undefined for c = ${c}`);
  if (z >= 1) throw new RangeError(`2F1 is only implemented for z < 1, got ${z}`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z < 0) {
    return Math.pow(1 - z, -a) * hypergeometric2F1(a, c - b, c, z / (z - 1), options);
  }
  const s = c - a - b;
  if (z <= DIRECT_SERIES_LIMIT) return gaussSeries(a, b, c, z, tolerance, maxTerms);
  if (s < 0) return Math.pow(1 - z, s) * hypergeometric2F1(c - a, c - b, c, z, options);
  const nearInteger = Math.abs(s - Math.round(s)) < NEAR_INTEGER;
  // With a, b ≥ −1 the terms keep one sign after the first, so the fast series cannot cancel.
  if (s >= FAST_DECAY && a >= -1 && b >= -1) return gaussSeries(a, b, c, z, tolerance, maxTerms);
  if (nearInteger && (1 - z) * maxTerms >= SERIES_E_FOLDINGS) return gaussSeries(a, b, c, z, tolerance, maxTerms);
  if (nearInteger) {
    // Too close to z = 1 for the series: F is analytic in c, so evaluate at c ± h and c ± 2h
    // (clear of the near-integer band) and Richardson-extrapolate; the error is h⁴/6 · ∂⁴F/∂c⁴.
    const h = 2 * NEAR_INTEGER;
    const mean = (offset: number): number =>
      (hypergeometric2F1(a, b, c + offset, z, options) + hypergeometric2F1(a, b, c - offset, z, options)) / 2;
    return (4 * mean(h) - mean(2 * h)) / 3;
  }
  const w = 1 - z;
  const first = connectionTerm([c, s], [c - a, c - b], 0, () => gaussSeries(a, b, 1 - s, w, tolerance, maxTerms));
  const second = connectionTerm([c, -s], [a, b], s * Math.log(w), () => gaussSeries(c - a, c - b, 1 + s, w, tolerance, maxTerms));
  return first + second;
}

/**
 * Γ(p1)Γ(p2) / (Γ(q1)Γ(q2)) · e^logFactor · series(), with the gammas and the factor combined in
 * log space (huge Γ against a vanishing (1 − z)^s must not become Infinity × 0) and the series
 * skipped when a denominator Γ has a pole (its reciprocal is 0).
 */
function connectionTerm([p1, p2]: [number, number], [q1, q2]: [number, number], logFactor: number, series: () => number): number {
  const sign = gammaSign(p1) * gammaSign(p2) * gammaSign(q1) * gammaSign(q2);
  if (sign === 0) return 0;
  const scale = Math.exp(lnGamma(p1) + lnGamma(p2) - lnGamma(q1) - lnGamma(q2) + logFactor);
  return scale === 0 ? 0 : sign * scale * series();
}
