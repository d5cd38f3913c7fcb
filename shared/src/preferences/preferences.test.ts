import { describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import { DEFAULT_PREFERENCES_CONFIG, preferencesConfigSchema } from './config';
import { preferencesFrom, rankPreferenceScores, roundPreferenceScore, type PreferenceSignal } from './preferences';
import { categoryPriceCutPoints, priceBandFor } from './priceBand';

const now = fromShanghai(2026, 6, 30, 12);
const config = DEFAULT_PREFERENCES_CONFIG;

const signal = (
  kind: PreferenceSignal['kind'],
  daysAgo: number,
  categoryId: string,
  brandId: string | null,
  unitPriceFen: number | null,
): PreferenceSignal => ({ kind, at: addDays(now, -daysAgo), categoryId, brandId, unitPriceFen });

describe('preferencesFrom (worked example)', () => {
  const signals = [
    signal('purchase', 30, 'tea', 'b1', 5_000), // 10 × 0.5 = 5, tea mid
    signal('view', 0, 'tea', 'b2', 9_000), // 1, tea high
    signal('cart', 60, 'teaware', 'b1', 2_000), // 4 × 0.25 = 1, teaware mid
    signal('favorite', 0, 'snacks', null, null), // 3, no brand, no price
    signal('view', -1, 'coffee', 'b4', 100), // tomorrow: not counted yet
    signal('view', 90, 'coffee', 'b5', 100), // 1 × 0.125, no coffee cut points
  ];
  const cutPoints = new Map([
    ['tea', { p33: 3_000, p66: 8_000 }],
    ['teaware', { p33: 1_500, p66: 2_500 }],
  ]);
  const result = preferencesFrom(signals, now, config, cutPoints);

  it('ranks categories and brands by decayed, weighted score', () => {
    expect(result.scores.categories).toEqual([
      { id: 'tea', score: 6 },
      { id: 'snacks', score: 3 },
      { id: 'teaware', score: 1 },
      { id: 'coffee', score: 0.125 },
    ]);
    expect(result.topCategories).toEqual(['tea', 'snacks', 'teaware']);
    expect(result.scores.brands).toEqual([
      { id: 'b1', score: 6 },
      { id: 'b2', score: 1 },
      { id: 'b5', score: 0.125 },
    ]);
    expect(result.topBrands).toEqual(['b1', 'b2', 'b5']);
  });

  it('classifies prices within their own category and picks the strongest band', () => {
    expect(result.scores.priceBands).toEqual({ low: 0, mid: 6, high: 1 });
    expect(result.priceBand).toBe('mid');
  });

  it('has no price band without cut points', () => {
    expect(preferencesFrom(signals, now, config).priceBand).toBeNull();
  });
});

describe('preferencesFrom ties and limits', () => {
  it('breaks equal scores by id', () => {
    const result = preferencesFrom([signal('view', 0, 'b', 'y', null), signal('view', 0, 'a', 'x', null)], now, config);
    expect(result.topCategories).toEqual(['a', 'b']);
    expect(result.topBrands).toEqual(['x', 'y']);
  });

  it('sends a tie between bands to the lower band', () => {
    const cutPoints = new Map([['c', { p33: 10, p66: 20 }]]);
    const result = preferencesFrom([signal('view', 0, 'c', null, 30), signal('view', 0, 'c', null, 5)], now, config, cutPoints);
    expect(result.scores.priceBands).toEqual({ low: 1, mid: 0, high: 1 });
    expect(result.priceBand).toBe('low');
  });

  it('drops zero-weight signals and respects the top-N settings', () => {
    const muted = { ...config, signalWeights: { ...config.signalWeights, view: 0 }, topCategories: 1, topBrands: 0 };
    const result = preferencesFrom(
      [signal('view', 0, 'a', 'x', null), signal('cart', 0, 'b', 'y', null), signal('purchase', 0, 'c', 'z', null)],
      now,
      muted,
    );
    expect(result.scores.categories.map((c) => c.id)).toEqual(['c', 'b']);
    expect(result.topCategories).toEqual(['c']);
    expect(result.topBrands).toEqual([]);
  });

  it('gives empty preferences for no signals', () => {
    expect(preferencesFrom([], now, config)).toEqual({
      topCategories: [],
      topBrands: [],
      priceBand: null,
      scores: { categories: [], brands: [], priceBands: { low: 0, mid: 0, high: 0 } },
    });
  });
});

describe('ranking helpers', () => {
  it('orders tied scores by id whatever the insertion order', () => {
    const ranked = rankPreferenceScores(
      new Map([
        ['c', 2],
        ['a', 2],
        ['d', 5],
        ['b', 2],
        ['e', 0],
      ]),
    );
    expect(ranked.map((r) => r.id)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('rounds to 6 decimals so near-equal sums tie and fall back to the id', () => {
    expect(roundPreferenceScore(2.0000000001)).toBe(2);
    expect(roundPreferenceScore(0.1234565)).toBeCloseTo(0.123457, 12);
    expect(
      rankPreferenceScores(
        new Map([
          ['y', 1 + 1e-10],
          ['x', 1],
        ]),
      ),
    ).toEqual([
      { id: 'x', score: 1 },
      { id: 'y', score: 1 },
    ]);
  });
});

describe('price bands', () => {
  it('takes tercile cut points with percentile_disc positions', () => {
    expect(categoryPriceCutPoints([6_000, 1_000, 3_000, 2_000, 5_000, 4_000])).toEqual({ p33: 2_000, p66: 4_000 });
    expect(categoryPriceCutPoints([990, 990, 990, 1_990])).toEqual({ p33: 990, p66: 990 });
  });

  it('includes the cut point in the lower band', () => {
    const cutPoints = { p33: 2_000, p66: 4_000 };
    expect([1_999, 2_000, 2_001, 4_000, 4_001].map((p) => priceBandFor(p, cutPoints))).toEqual([
      'low',
      'low',
      'mid',
      'mid',
      'high',
    ]);
  });
});

describe('preferencesConfigSchema', () => {
  it('accepts the defaults and rejects a missing weight or a fractional top-N', () => {
    expect(preferencesConfigSchema.parse(config)).toEqual(config);
    expect(preferencesConfigSchema.safeParse({ ...config, signalWeights: { purchase: 1, cart: 1, favorite: 1 } }).success).toBe(
      false,
    );
    expect(preferencesConfigSchema.safeParse({ ...config, topBrands: 2.5 }).success).toBe(false);
  });
});
