import { describe, expect, it } from 'vitest';
import { hashSeed, SeededRandom } from './random';

function draws(rng: SeededRandom, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    expect(draws(new SeededRandom(42), 5)).toEqual(draws(new SeededRandom(42), 5));
    expect(draws(new SeededRandom(42), 5)).not.toEqual(draws(new SeededRandom(43), 5));
    expect(draws(SeededRandom.stream('demo', 'member', 7), 3)).toEqual(draws(SeededRandom.stream('demo', 'member', 7), 3));
    expect(hashSeed('demo', 'member', 7)).not.toBe(hashSeed('demo', 'member', 8));
  });

  it('stays within its ranges', () => {
    const rng = new SeededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const unit = rng.next();
      expect(unit).toBeGreaterThanOrEqual(0);
      expect(unit).toBeLessThan(1);
      const int = rng.int(3, 5);
      expect([3, 4, 5]).toContain(int);
      expect(rng.beta(2, 3)).toBeGreaterThan(0);
      expect(rng.gamma(0.7, 2)).toBeGreaterThan(0);
    }
  });

  it('draws with the requested means', () => {
    const rng = new SeededRandom(7);
    const n = 20_000;
    const mean = (draw: () => number) => Array.from({ length: n }, draw).reduce((a, b) => a + b, 0) / n;
    expect(mean(() => rng.gamma(0.9, 3.2))).toBeCloseTo(0.9 * 3.2, 0);
    expect(mean(() => rng.beta(1.1, 2.6))).toBeCloseTo(1.1 / 3.7, 1);
    expect(mean(() => rng.poisson(2.5))).toBeCloseTo(2.5, 0);
    expect(mean(() => rng.exponential(10))).toBeGreaterThan(9.5);
    expect(mean(() => rng.geometric(0.25))).toBeCloseTo(3, 0);
    const picks = Array.from({ length: n }, () => rng.weightedIndex([1, 3]));
    expect(picks.filter((i) => i === 1).length / n).toBeCloseTo(0.75, 1);
  });

  it('samples distinct items', () => {
    const rng = new SeededRandom(3);
    const sample = rng.sample(['a', 'b', 'c', 'd'], 3);
    expect(new Set(sample).size).toBe(3);
    expect(rng.sample(['a'], 3)).toEqual(['a']);
  });
});
