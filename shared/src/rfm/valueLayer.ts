import type { Fen } from '../money';
import type { ValueLayer } from '../vocabulary';
import type { RfmConfig } from './config';
import { discretePercentiles } from './quantiles';

/**
 * Layer cut points, taken from the buyers' layer values with `percentile_disc` (ascending):
 * a value strictly above `high` is high, strictly above `mid` is mid, anything else is low.
 */
export interface ValueLayerCutPoints {
  mid: Fen;
  high: Fen;
}

/** The value a member is layered by: predicted 12-month value, or paid amount M when there is no prediction. */
export interface ValueLayerBasis {
  valueFen: Fen;
  source: 'predicted' | 'monetary';
}

/**
 * The `percentile_disc` fractions of the two layer cut points. Default (20 % high, 30 % mid):
 * mid from 0.5, high from 0.8.
 * @example valueLayerFractions(DEFAULT_RFM_CONFIG) // { mid: 0.5, high: 0.8 }
 */
export function valueLayerFractions(config: RfmConfig): { mid: number; high: number } {
  const { highTopPercent, midNextPercent } = config.valueLayer;
  return { mid: (100 - highTopPercent - midNextPercent) / 100, high: (100 - highTopPercent) / 100 };
}

/**
 * @example valueLayerBasisOf(null, 12_000) // { valueFen: 12_000, source: 'monetary' }
 */
export function valueLayerBasisOf(predictedValueFen: Fen | null, monetaryFen: Fen): ValueLayerBasis {
  return predictedValueFen === null
    ? { valueFen: monetaryFen, source: 'monetary' }
    : { valueFen: predictedValueFen, source: 'predicted' };
}

/**
 * Cut points over the layer values of the buyers. SQL:
 * `percentile_disc(ARRAY[mid, high]) WITHIN GROUP (ORDER BY coalesce(predicted, m) ASC)`.
 * @example computeValueLayerCutPoints([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000], DEFAULT_RFM_CONFIG)
 * // { mid: 500, high: 800 }
 */
export function computeValueLayerCutPoints(layerValues: readonly Fen[], config: RfmConfig): ValueLayerCutPoints {
  const fractions = valueLayerFractions(config);
  const [mid, high] = discretePercentiles(layerValues, [fractions.mid, fractions.high], 'higher_is_better') as [Fen, Fen];
  return { mid, high };
}

/**
 * Strictly above `high` → high; strictly above `mid` → mid; otherwise low. Equal values share a layer.
 * @example valueLayerFor(801, { mid: 500, high: 800 }) // 'high'
 * @example valueLayerFor(800, { mid: 500, high: 800 }) // 'mid'
 */
export function valueLayerFor(valueFen: Fen, layerCutPoints: ValueLayerCutPoints): ValueLayer {
  if (valueFen > layerCutPoints.high) return 'high';
  if (valueFen > layerCutPoints.mid) return 'mid';
  return 'low';
}
