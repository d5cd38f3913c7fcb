import { halfLifeDecayFactor } from '../behaviour/decay';
import type { Fen } from '../money';
import { PRICE_BANDS, type PriceBand } from '../vocabulary';
import type { PreferenceSignalKind, PreferencesConfig } from './config';
import { priceBandFor, type CategoryPriceCutPoints } from './priceBand';

/** One purchase line, cart add, favourite or product view. */
export interface PreferenceSignal {
  kind: PreferenceSignalKind;
  at: Date;
  categoryId: string;
  brandId: string | null;
  /** Unit price of the item; null when unknown. */
  unitPriceFen: Fen | null;
}

export interface RankedPreference {
  id: string;
  score: number;
}

export interface MemberPreferences {
  topCategories: string[];
  topBrands: string[];
  /** The band with the highest score; null without any priced signal in a category with cut points. */
  priceBand: PriceBand | null;
  scores: { categories: RankedPreference[]; brands: RankedPreference[]; priceBands: Record<PriceBand, number> };
}

/**
 * Scores are compared at 6 decimals, so that summing the same signals in another order (or in SQL
 * with `round(score::numeric, 6)`) cannot swap two practically equal scores.
 * @example roundPreferenceScore(2.0000000001) // 2
 */
export function roundPreferenceScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/**
 * Positive scores, highest first; equal (rounded) scores by id in code-unit order (SQL: `COLLATE "C"` for ASCII ids).
 * @example rankPreferenceScores(new Map([['b', 1], ['a', 1], ['c', 3]])) // [{ id: 'c', score: 3 }, { id: 'a', score: 1 }, { id: 'b', score: 1 }]
 */
export function rankPreferenceScores(scores: ReadonlyMap<string, number>): RankedPreference[] {
  return [...scores]
    .map(([id, score]) => ({ id, score: roundPreferenceScore(score) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)); // ids are unique map keys
}

function addTo(scores: Map<string, number>, id: string, amount: number): void {
  scores.set(id, (scores.get(id) ?? 0) + amount);
}

/**
 * A member's preferences at `now`: each signal at or before `now` adds weight × 0.5^(age / half-life)
 * to its category, its brand and the price band of its price within its category.
 * @example preferencesFrom(signals, now, DEFAULT_PREFERENCES_CONFIG, new Map([['tea', { p33: 3000, p66: 8000 }]]))
 * // { topCategories: ['tea', 'teaware'], topBrands: ['b1'], priceBand: 'mid', scores: {...} }
 */
export function preferencesFrom(
  signals: readonly PreferenceSignal[],
  now: Date,
  config: PreferencesConfig,
  priceCutPoints: ReadonlyMap<string, CategoryPriceCutPoints> = new Map(),
): MemberPreferences {
  const categories = new Map<string, number>();
  const brands = new Map<string, number>();
  const bands = new Map<PriceBand, number>();
  for (const signal of signals) {
    const age = now.getTime() - signal.at.getTime();
    if (age < 0) continue;
    const worth = config.signalWeights[signal.kind] * halfLifeDecayFactor(age, config.halfLifeDays);
    addTo(categories, signal.categoryId, worth);
    if (signal.brandId !== null) addTo(brands, signal.brandId, worth);
    const cutPoints = priceCutPoints.get(signal.categoryId);
    if (signal.unitPriceFen !== null && cutPoints) addTo(bands, priceBandFor(signal.unitPriceFen, cutPoints), worth);
  }
  const rankedCategories = rankPreferenceScores(categories);
  const rankedBrands = rankPreferenceScores(brands);
  const priceBandScores = Object.fromEntries(
    PRICE_BANDS.map((band) => [band, roundPreferenceScore(bands.get(band) ?? 0)]),
  ) as Record<PriceBand, number>;
  // Ties between bands go to the earlier band in PRICE_BANDS (low, mid, high).
  let priceBand: PriceBand | null = null;
  for (const band of PRICE_BANDS) {
    if (priceBandScores[band] > 0 && (priceBand === null || priceBandScores[band] > priceBandScores[priceBand])) priceBand = band;
  }
  return {
    topCategories: rankedCategories.slice(0, config.topCategories).map((c) => c.id),
    topBrands: rankedBrands.slice(0, config.topBrands).map((b) => b.id),
    priceBand,
    scores: { categories: rankedCategories, brands: rankedBrands, priceBands: priceBandScores },
  };
}
