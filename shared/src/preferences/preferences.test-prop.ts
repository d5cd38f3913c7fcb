import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, fromShanghai } from '../time';
import { DEFAULT_PREFERENCES_CONFIG, PREFERENCE_SIGNAL_KINDS } from './config';
import { preferencesFrom, type PreferenceSignal } from './preferences';
import { categoryPriceCutPoints, priceBandFor } from './priceBand';

const now = fromShanghai(2026, 6, 30, 12);
const config = DEFAULT_PREFERENCES_CONFIG;
const ids = ['a', 'b', 'c', 'd', 'e'];

const signalArb: fc.Arbitrary<PreferenceSignal> = fc.record({
  kind: fc.constantFrom(...PREFERENCE_SIGNAL_KINDS),
  at: fc.integer({ min: -2 * DAY_MS, max: 400 * DAY_MS }).map((ms) => new Date(now.getTime() - ms)),
  categoryId: fc.constantFrom(...ids),
  brandId: fc.option(fc.constantFrom(...ids)),
  unitPriceFen: fc.option(fc.integer({ min: 1, max: 20 }).map((k) => k * 500)),
});
const cutPoints = new Map(ids.map((id, i) => [id, { p33: 2_000 + 500 * i, p66: 6_000 + 500 * i }]));

describe('preference properties', () => {
  it('the order of the signals does not matter', () => {
    const scenario = fc
      .array(signalArb, { maxLength: 40 })
      .chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length })));
    fc.assert(
      fc.property(scenario, ([signals, shuffled]) => {
        expect(preferencesFrom(shuffled, now, config, cutPoints)).toEqual(preferencesFrom(signals, now, config, cutPoints));
      }),
    );
  });

  it('rankings are sorted by score then id, and the top lists are their heads', () => {
    fc.assert(
      fc.property(fc.array(signalArb, { maxLength: 40 }), (signals) => {
        const result = preferencesFrom(signals, now, config, cutPoints);
        for (const ranking of [result.scores.categories, result.scores.brands]) {
          ranking.slice(1).forEach((entry, i) => {
            const previous = ranking[i] as (typeof ranking)[number];
            expect(previous.score > entry.score || (previous.score === entry.score && previous.id < entry.id)).toBe(true);
          });
        }
        expect(result.topCategories).toEqual(result.scores.categories.slice(0, config.topCategories).map((c) => c.id));
        expect(result.topBrands).toEqual(result.scores.brands.slice(0, config.topBrands).map((b) => b.id));
      }),
    );
  });

  it('one more purchase in a category never moves that category down', () => {
    fc.assert(
      fc.property(fc.array(signalArb, { maxLength: 40 }), fc.constantFrom(...ids), (signals, category) => {
        const position = (s: PreferenceSignal[]) => {
          const ranking = preferencesFrom(s, now, config).scores.categories.map((c) => c.id);
          return ranking.includes(category) ? ranking.indexOf(category) : ranking.length;
        };
        const extra: PreferenceSignal = { kind: 'purchase', at: now, categoryId: category, brandId: null, unitPriceFen: null };
        expect(position([...signals, extra])).toBeLessThanOrEqual(position(signals));
      }),
    );
  });

  it('price bands rise with the price and equal prices share a band', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 50 }),
        fc.nat(60),
        fc.nat(60),
        (prices, a, b) => {
          const cut = categoryPriceCutPoints(prices);
          const order = ['low', 'mid', 'high'];
          if (a <= b) expect(order.indexOf(priceBandFor(a, cut))).toBeLessThanOrEqual(order.indexOf(priceBandFor(b, cut)));
          const bands = prices.map((p) => priceBandFor(p, cut));
          // At least a third of the prices are low: p33 is a price with cume_dist ≥ 1/3.
          expect(3 * bands.filter((band) => band === 'low').length).toBeGreaterThanOrEqual(prices.length);
        },
      ),
    );
  });
});
