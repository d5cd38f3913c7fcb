import type { Fen } from '../money';
import { discretePercentiles } from '../rfm/quantiles';
import type { PriceBand } from '../vocabulary';

/** Tercile cut points of one category's prices: ≤ p33 is low, ≤ p66 is mid, above is high. */
export interface CategoryPriceCutPoints {
  p33: Fen;
  p66: Fen;
}

/** `percentile_disc` fractions of the two price cut points. */
export const PRICE_BAND_FRACTIONS = [1 / 3, 2 / 3] as const;

/**
 * Cut points from a category's price list (e.g. its products' prices), tie-safe like the RFM quintiles.
 * SQL: `percentile_disc(ARRAY[1/3::float8, 2/3::float8]) WITHIN GROUP (ORDER BY price)` per category.
 * @example categoryPriceCutPoints([1000, 2000, 3000, 4000, 5000, 6000]) // { p33: 2000, p66: 4000 }
 */
export function categoryPriceCutPoints(pricesFen: readonly Fen[]): CategoryPriceCutPoints {
  const [p33, p66] = discretePercentiles(pricesFen, PRICE_BAND_FRACTIONS, 'higher_is_better') as [Fen, Fen];
  return { p33, p66 };
}

/**
 * @example priceBandFor(2000, { p33: 2000, p66: 4000 }) // 'low'
 * @example priceBandFor(4001, { p33: 2000, p66: 4000 }) // 'high'
 */
export function priceBandFor(priceFen: Fen, cutPoints: CategoryPriceCutPoints): PriceBand {
  if (priceFen <= cutPoints.p33) return 'low';
  if (priceFen <= cutPoints.p66) return 'mid';
  return 'high';
}
