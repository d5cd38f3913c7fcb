import { assertFen, basisPointsOf } from '../money';
import { type PointsConfig, pointsPerStep } from './config';

/**
 * What `points` are worth at checkout, rounded down to whole fen (100 points = ¥1 by default).
 * @example pointsToFen(1_250, DEFAULT_POINTS_CONFIG) // 1250
 */
export function pointsToFen(points: number, config: PointsConfig): number {
  if (!Number.isSafeInteger(points) || points < 0) throw new RangeError(`points must be a non-negative integer, got ${points}`);
  return Math.floor((points * 100) / config.redemption.pointsPerYuan);
}

export interface PointsDeduction {
  points: number;
  fen: number;
}

/**
 * The most points a member can use on an order: at most `maxOrderShareBasisPoints` of the payable amount
 * (after coupons), no more than the available balance, in whole steps of `stepFen` (whole yuan by default,
 * so 100 points at a time).
 * @example maxPointsDeduction(25_999, 50_000, DEFAULT_POINTS_CONFIG) // { points: 12_900, fen: 12_900 }: ¥129 of ¥259.99
 */
export function maxPointsDeduction(orderFen: number, availablePoints: number, config: PointsConfig): PointsDeduction {
  assertFen(orderFen, 'orderFen');
  const { stepFen, maxOrderShareBasisPoints } = config.redemption;
  const perStep = pointsPerStep(config.redemption);
  const stepsByOrder = Math.floor(basisPointsOf(Math.max(0, orderFen), maxOrderShareBasisPoints) / stepFen);
  const stepsByBalance = Math.floor(Math.max(0, availablePoints) / perStep);
  const steps = Math.min(stepsByOrder, stepsByBalance);
  return { points: steps * perStep, fen: steps * stepFen };
}

export type PointsDeductionDecision =
  ({ ok: true } & PointsDeduction) | { ok: false; reason: 'not_whole_steps' | 'over_limit'; max: PointsDeduction };

/**
 * Checks the points a shopper asked to use at checkout: whole steps, within the order share and the balance.
 * @example decidePointsDeduction(25_999, 10_000, 1_200, DEFAULT_POINTS_CONFIG) // { ok: true, points: 1_200, fen: 1_200 }
 * decidePointsDeduction(25_999, 10_000, 1_250, DEFAULT_POINTS_CONFIG) // { ok: false, reason: 'not_whole_steps', … }
 */
export function decidePointsDeduction(
  orderFen: number,
  availablePoints: number,
  requestedPoints: number,
  config: PointsConfig,
): PointsDeductionDecision {
  const max = maxPointsDeduction(orderFen, availablePoints, config);
  const perStep = pointsPerStep(config.redemption);
  if (!Number.isSafeInteger(requestedPoints) || requestedPoints < 0 || requestedPoints % perStep !== 0) {
    return { ok: false, reason: 'not_whole_steps', max };
  }
  if (requestedPoints > max.points) return { ok: false, reason: 'over_limit', max };
  return { ok: true, points: requestedPoints, fen: (requestedPoints / perStep) * config.redemption.stepFen };
}
