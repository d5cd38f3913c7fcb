/**
 * Seeded simulation of the models' own generative stories, for parameter-recovery tests.
 */
import type { BgNbdCustomer, BgNbdParams } from '../bg-nbd';
import type { GammaGammaParams } from '../gamma-gamma';

export type Random = () => number;

/** mulberry32: a small, fast, seedable uniform generator on [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the usual boost for shape < 1. */
export function sampleGamma(random: Random, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const normal = standardNormal(random);
    const v = Math.pow(1 + c * normal, 3);
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * normal * normal + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

function sampleBeta(random: Random, a: number, b: number): number {
  const left = sampleGamma(random, a, 1);
  return left / (left + sampleGamma(random, b, 1));
}

/** One BG/NBD customer observed for T time units after the first purchase. */
export function simulateBgNbdCustomer(random: Random, params: BgNbdParams, T: number): BgNbdCustomer {
  const rate = sampleGamma(random, params.r, params.alpha);
  const dropout = sampleBeta(random, params.a, params.b);
  let x = 0;
  let tx = 0;
  let time = 0;
  for (;;) {
    time += -Math.log(1 - random()) / rate;
    if (time > T) return { x, tx, T };
    x++;
    tx = time;
    if (random() < dropout) return { x, tx, T };
  }
}

/** Mean of x transaction values of one Gamma-Gamma customer. */
export function simulateMeanSpend(random: Random, params: GammaGammaParams, x: number): number {
  const rate = sampleGamma(random, params.q, params.v);
  let total = 0;
  for (let i = 0; i < x; i++) total += sampleGamma(random, params.p, rate);
  return total / x;
}
