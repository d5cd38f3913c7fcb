/**
 * PostgreSQL fragments that compute the activity score like `activityScoreFromEvents` (equal up to
 * floating-point rounding) and the state like `behaviourStateFor`. Pure string builders: column
 * arguments are expressions chosen by server code; only validated config numbers are inlined.
 */
import { EVENT_TYPES } from '../vocabulary';
import type { BehaviourConfig } from './config';

function float8(value: number): string {
  return `${String(value)}::float8`;
}

/**
 * An event's undecayed points from its type and dwell columns.
 * @example activityEventPointsSql('e.type', 'e.dwell_seconds', DEFAULT_BEHAVIOUR_CONFIG)
 */
export function activityEventPointsSql(typeExpr: string, dwellSecondsExpr: string, config: BehaviourConfig): string {
  const whens = EVENT_TYPES.map((type) => `WHEN '${type}' THEN ${float8(config.eventWeights[type])}`).join(' ');
  return (
    `((CASE ${typeExpr} ${whens} END) + ${float8(config.dwell.pointsPerSecond)} * ` +
    `least(coalesce(${dwellSecondsExpr}, 0)::float8, ${float8(config.dwell.capSeconds)}))`
  );
}

/**
 * The decay factor from `fromExpr` to `toExpr` (timestamptz): 0.5 ^ (seconds / half-life seconds).
 * @example activityDecayFactorSql('e.occurred_at', '$1', DEFAULT_BEHAVIOUR_CONFIG)
 */
export function activityDecayFactorSql(fromExpr: string, toExpr: string, config: BehaviourConfig): string {
  const seconds = `date_part('epoch', ${toExpr} - ${fromExpr})`;
  return `power(0.5::float8, ${seconds} / ${float8(config.halfLifeDays * 86_400)})`;
}

/**
 * The state code for a score expression.
 * @example behaviourStateSql('a.activity_score', DEFAULT_BEHAVIOUR_CONFIG)
 * // "(CASE WHEN a.activity_score >= 15::float8 THEN 'active' WHEN a.activity_score >= 1::float8 THEN 'potential' ELSE 'churned' END)"
 */
export function behaviourStateSql(scoreExpr: string, config: BehaviourConfig): string {
  return (
    `(CASE WHEN ${scoreExpr} >= ${float8(config.thresholds.activeAtLeast)} THEN 'active' ` +
    `WHEN ${scoreExpr} >= ${float8(config.thresholds.potentialAtLeast)} THEN 'potential' ELSE 'churned' END)`
  );
}
