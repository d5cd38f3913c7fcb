/**
 * PostgreSQL fragments that compute RFM exactly like the functions beside them, for set-based runs
 * over the whole base. Pure string builders: the expression arguments are column names or `$n`
 * placeholders chosen by server code (never user input); only validated config numbers are inlined.
 */
import { RFM_SEGMENTS } from '../vocabulary';
import type { RfmConfig } from './config';
import { RFM_SCORE_FRACTIONS, type QuantileDirection } from './quantiles';
import { RFM_SEGMENT_FLAGS } from './segment';
import { valueLayerFractions } from './valueLayer';

/** A mean as two SQL expressions: the sum and the count over buyers. */
export interface RfmMeanSql {
  sum: string;
  count: string;
}

function float8Array(fractions: readonly number[]): string {
  return `ARRAY[${fractions.map((f) => String(f)).join(', ')}]::float8[]`;
}

function orderFor(direction: QuantileDirection): 'ASC' | 'DESC' {
  return direction === 'higher_is_better' ? 'ASC' : 'DESC';
}

/**
 * Whole days between two timestamptz expressions, floored like `daysBetween`. The difference is an interval of
 * whole microseconds whose epoch `date_part` gives as float8 — exact at every day boundary, and several times
 * cheaper than numeric `extract` when a refresh evaluates it for a million members.
 * @example rfmDaysBetweenSql('o.last_paid_at', '$1')
 * // "floor(date_part('epoch', $1 - o.last_paid_at) / 86400)::int"
 */
export function rfmDaysBetweenSql(fromExpr: string, toExpr: string): string {
  return `floor(date_part('epoch', ${toExpr} - ${fromExpr}) / 86400)::int`;
}

/**
 * Aggregate giving the four quintile cut points as an array (same as `computeCutPoints`).
 * @example rfmCutPointsSql('f', 'higher_is_better')
 * // 'percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]::float8[]) WITHIN GROUP (ORDER BY f ASC)'
 */
export function rfmCutPointsSql(valueExpr: string, direction: QuantileDirection): string {
  return `percentile_disc(${float8Array(RFM_SCORE_FRACTIONS)}) WITHIN GROUP (ORDER BY ${valueExpr} ${orderFor(direction)})`;
}

/**
 * Score 1–5 against a stored cut-point array (same as `scoreAgainstCutPoints`); NULL for a NULL value.
 * @example rfmScoreSql('f', 's.f_cut_points', 'higher_is_better')
 * // '(1 + (f > (s.f_cut_points)[1])::int + (f > (s.f_cut_points)[2])::int + ...)'
 */
export function rfmScoreSql(valueExpr: string, cutPointsExpr: string, direction: QuantileDirection): string {
  const operator = direction === 'higher_is_better' ? '>' : '<';
  const terms = RFM_SCORE_FRACTIONS.map((_, i) => `(${valueExpr} ${operator} (${cutPointsExpr})[${i + 1}])::int`);
  return `(1 + ${terms.join(' + ')})`;
}

function strictlyBetterThanMean(valueExpr: string, mean: RfmMeanSql, operator: '<' | '>'): string {
  return `(${valueExpr}::numeric * ${mean.count} ${operator} ${mean.sum})`;
}

/**
 * The segment code from raw R, F, M and the buyers' sums and count (same as `rfmSegmentFor`);
 * NULL when any value is NULL.
 * @example rfmSegmentSql({ recencyDays: 'r', frequency: 'f', monetary: 'm' }, means)
 */
export function rfmSegmentSql(
  values: { recencyDays: string; frequency: string; monetary: string },
  means: { recency: RfmMeanSql; frequency: RfmMeanSql; monetary: RfmMeanSql },
): string {
  const flagSql = {
    recent: strictlyBetterThanMean(values.recencyDays, means.recency, '<'),
    frequent: strictlyBetterThanMean(values.frequency, means.frequency, '>'),
    highSpend: strictlyBetterThanMean(values.monetary, means.monetary, '>'),
  };
  // Each flag is evaluated once: the segment is looked up by the three bits (recent 4, frequent 2, high spend 1);
  // a NULL flag makes the index, and so the segment, NULL.
  const byBits = Array.from({ length: 8 }, (_, bits) => {
    const matching = RFM_SEGMENTS.filter((segment) => {
      const flags = RFM_SEGMENT_FLAGS[segment];
      return flags.recent === Boolean(bits & 4) && flags.frequent === Boolean(bits & 2) && flags.highSpend === Boolean(bits & 1);
    });
    if (matching.length !== 1) throw new Error(`RFM segment flags must name exactly one segment for bits ${bits}`);
    return `'${matching[0]}'`;
  });
  const index = `1 + 4 * ${flagSql.recent}::int + 2 * ${flagSql.frequent}::int + ${flagSql.highSpend}::int`;
  return `((ARRAY[${byBits.join(', ')}]::text[])[${index}])`;
}

/**
 * Aggregate giving the value-layer cut points as `ARRAY[mid, high]` (same as `computeValueLayerCutPoints`).
 * @example valueLayerCutPointsSql('coalesce(predicted, m)', DEFAULT_RFM_CONFIG)
 * // 'percentile_disc(ARRAY[0.5, 0.8]::float8[]) WITHIN GROUP (ORDER BY coalesce(predicted, m) ASC)'
 */
export function valueLayerCutPointsSql(valueExpr: string, config: RfmConfig): string {
  const fractions = valueLayerFractions(config);
  return `percentile_disc(${float8Array([fractions.mid, fractions.high])}) WITHIN GROUP (ORDER BY ${valueExpr} ASC)`;
}

/**
 * The layer code against a stored `ARRAY[mid, high]` (same as `valueLayerFor`); NULL for a NULL value.
 * @example valueLayerSql('coalesce(predicted, m)', 's.layer_cut_points')
 */
export function valueLayerSql(valueExpr: string, layerCutPointsExpr: string): string {
  return (
    `(CASE WHEN ${valueExpr} > (${layerCutPointsExpr})[2] THEN 'high' ` +
    `WHEN ${valueExpr} > (${layerCutPointsExpr})[1] THEN 'mid' ` +
    `WHEN ${valueExpr} IS NOT NULL THEN 'low' END)`
  );
}
