/**
 * Tanh-sinh (double-exponential) quadrature on (0, 1): an independent way to evaluate the integrals
 * behind 2F1 and the BG/NBD expectation, robust to integrable singularities at either end.
 * The integrand receives t and 1 − t, both computed without cancellation.
 */
export function integrateUnitInterval(integrand: (t: number, oneMinusT: number) => number, step = 1 / 64): number {
  let sum = 0;
  for (let s = -6; s <= 6; s += step) {
    const exponent = Math.PI * Math.sinh(s);
    const t = 1 / (1 + Math.exp(-exponent));
    const oneMinusT = 1 / (1 + Math.exp(exponent));
    if (t === 0 || oneMinusT === 0) continue;
    const weight = Math.PI * Math.cosh(s) * t * oneMinusT;
    sum += integrand(t, oneMinusT) * weight;
  }
  return sum * step;
}
