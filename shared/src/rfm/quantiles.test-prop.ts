import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCutPoints, RFM_SCORE_FRACTIONS, scoreAgainstCutPoints, type QuantileDirection } from './quantiles';

const direction = fc.constantFrom<QuantileDirection>('higher_is_better', 'lower_is_better');
// Small ranges so that ties are common.
const base = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 80 });

/** a is at least as good as b. */
function atLeastAsGood(a: number, b: number, dir: QuantileDirection): boolean {
  return dir === 'higher_is_better' ? a >= b : a <= b;
}

describe('quintile scoring properties', () => {
  it('each cut point is the cume_dist definition of percentile_disc at k/5', () => {
    fc.assert(
      fc.property(base, direction, (values, dir) => {
        const n = values.length;
        computeCutPoints(values, dir).forEach((cut, i) => {
          const k = i + 1;
          const atOrWorse = values.filter((v) => atLeastAsGood(cut, v, dir)).length;
          const strictlyWorse = values.filter((v) => atLeastAsGood(cut, v, dir) && v !== cut).length;
          // cume_dist(cut) ≥ k/5, and no value worse than cut reaches it.
          expect(5 * atOrWorse).toBeGreaterThanOrEqual(k * n);
          expect(5 * strictlyWorse).toBeLessThan(k * n);
          expect(values).toContain(cut);
        });
      }),
    );
  });

  it('scores never decrease as the value gets better', () => {
    fc.assert(
      fc.property(base, direction, fc.integer({ min: -5, max: 35 }), fc.integer({ min: -5, max: 35 }), (values, dir, a, b) => {
        const cutPoints = computeCutPoints(values, dir);
        if (atLeastAsGood(a, b, dir)) {
          expect(scoreAgainstCutPoints(a, cutPoints, dir)).toBeGreaterThanOrEqual(scoreAgainstCutPoints(b, cutPoints, dir));
        } else {
          expect(scoreAgainstCutPoints(a, cutPoints, dir)).toBeLessThanOrEqual(scoreAgainstCutPoints(b, cutPoints, dir));
        }
      }),
    );
  });

  it('no more than the top (5 − k)/5 of the base scores above k', () => {
    fc.assert(
      fc.property(base, direction, (values, dir) => {
        const cutPoints = computeCutPoints(values, dir);
        const scores = values.map((v) => scoreAgainstCutPoints(v, cutPoints, dir));
        RFM_SCORE_FRACTIONS.forEach((_, i) => {
          const k = i + 1;
          expect(5 * scores.filter((s) => s > k).length).toBeLessThanOrEqual((5 - k) * values.length);
        });
      }),
    );
  });

  it('distinct values in a base of 5m members fill every score with exactly m', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 5, maxLength: 100 }),
        direction,
        (raw, dir) => {
          const values = raw.slice(0, raw.length - (raw.length % 5));
          const cutPoints = computeCutPoints(values, dir);
          const counts = [1, 2, 3, 4, 5].map((s) => values.filter((v) => scoreAgainstCutPoints(v, cutPoints, dir) === s).length);
          expect(counts).toEqual(Array<number>(5).fill(values.length / 5));
        },
      ),
    );
  });

  it('cut points do not depend on the order of the base', () => {
    const withPermutation = base.chain((values) =>
      fc.tuple(fc.constant(values), fc.shuffledSubarray(values, { minLength: values.length, maxLength: values.length })),
    );
    fc.assert(
      fc.property(withPermutation, direction, ([values, shuffled], dir) => {
        expect(computeCutPoints(shuffled, dir)).toEqual(computeCutPoints(values, dir));
      }),
    );
  });
});
