/**
 * PostgreSQL fragments that compute the lifecycle stage exactly like `lifecycleStageFor`, for
 * set-based runs. Pure string builders: column arguments are expressions chosen by server code;
 * only validated integer config values are inlined.
 */
import { rfmDaysBetweenSql } from '../rfm/sql';
import type { LifecycleConfig } from './config';

/** SQL expressions for the inputs of one member row; `paidOrderCount` must not be NULL (coalesce it to 0). */
export interface LifecycleSqlInputs {
  now: string;
  firstPaidAt: string;
  lastPaidAt: string;
  paidOrderCount: string;
  lastActivityAt: string;
}

function boundarySql(
  inputs: LifecycleSqlInputs,
  config: LifecycleConfig,
  fixedDays: number,
  gapPercent: number,
  range: { min: number; max: number },
): string {
  const cadence = config.personalCadence;
  if (!cadence.enabled) return String(fixedDays);
  const spanDays = rfmDaysBetweenSql(inputs.firstPaidAt, inputs.lastPaidAt);
  const personal = `((${gapPercent}::bigint * ${spanDays}) / (100 * (${inputs.paidOrderCount} - 1)))`;
  return (
    `(CASE WHEN ${inputs.paidOrderCount} >= ${cadence.minOrders} ` +
    `THEN least(greatest(${personal}, ${range.min}), ${range.max}) ELSE ${fixedDays} END)`
  );
}

/**
 * The stage code of a member row (same as `lifecycleStageFor(...).stage`).
 * @example lifecycleStageSql({ now: '$1', firstPaidAt: 'a.first_paid_at', lastPaidAt: 'a.last_paid_at', paidOrderCount: 'a.paid_orders', lastActivityAt: 'a.last_activity_at' }, DEFAULT_LIFECYCLE_CONFIG)
 */
export function lifecycleStageSql(inputs: LifecycleSqlInputs, config: LifecycleConfig): string {
  const cadence = config.personalCadence;
  const sinceLast = rfmDaysBetweenSql(inputs.lastPaidAt, inputs.now);
  const sinceFirst = rfmDaysBetweenSql(inputs.firstPaidAt, inputs.now);
  const active = boundarySql(inputs, config, config.activeWithinDays, cadence.activeGapPercent, cadence.activeDays);
  const silent = boundarySql(inputs, config, config.silentWithinDays, cadence.silentGapPercent, cadence.silentDays);
  const sleeping = boundarySql(inputs, config, config.sleepingWithinDays, cadence.sleepingGapPercent, cadence.sleepingDays);
  return (
    `(CASE WHEN ${inputs.paidOrderCount} = 0 THEN 'prospect' ` +
    `WHEN ${sinceFirst} <= ${config.newWithinDays} THEN 'new' ` +
    `WHEN ${sinceLast} <= ${active} THEN 'active' ` +
    `WHEN ${sinceLast} <= ${silent} THEN 'silent' ` +
    `WHEN ${sinceLast} <= ${sleeping} THEN 'sleeping' ` +
    `ELSE 'churned' END)`
  );
}

/**
 * The potential flag of a member row (same as `lifecycleStageFor(...).potential`).
 * @example lifecyclePotentialSql(inputs, DEFAULT_LIFECYCLE_CONFIG)
 * // '(a.paid_orders = 0 AND a.last_activity_at IS NOT NULL AND floor(...)::int <= 30)'
 */
export function lifecyclePotentialSql(inputs: LifecycleSqlInputs, config: LifecycleConfig): string {
  const sinceActivity = rfmDaysBetweenSql(inputs.lastActivityAt, inputs.now);
  return (
    `(${inputs.paidOrderCount} = 0 AND ${inputs.lastActivityAt} IS NOT NULL ` +
    `AND ${sinceActivity} <= ${config.potentialActivityWithinDays})`
  );
}
