import { assertFen } from '../money';
import { endOfMonthAfter } from '../time';
import type { PointsConfig } from './config';
import { orderBatchId } from './earn';
import {
  batchesOf,
  isPointsCredit,
  type PointsCreditEntry,
  type PointsDebitEntry,
  type PointsEntry,
  takeOldestFirst,
} from './ledger';

export interface PointsClawbackDecision {
  /** The clawback entry to append (none when nothing is due). */
  entries: PointsDebitEntry[];
  /** Points taken off the balance now. */
  clawedBack: number;
  /** Points due that the balance could not cover; recorded on the entry, never taken below zero. */
  shortfall: number;
}

/**
 * Claws back the points of the refunded part of an order. `refundedFen` is the cumulative refund so far,
 * so several partial refunds add up to exactly what one full refund would claw back: after each refund the
 * total reversed (clawed back + shortfall) is ⌊earned × refunded / paid⌋ — rounded down, so a partial refund
 * never takes more than its share, and the full refund takes everything. Points come first from the order's
 * own batch, then from the oldest other batches; whatever the balance cannot cover is a shortfall, recorded
 * on the entry so the balance never goes below zero.
 * @example clawbackForRefund(entries, { orderId: 'o1', paidFen: 10_000, refundedFen: 2_500 }, now)
 * // { entries: [{ kind: 'clawback', points: -25, … }], clawedBack: 25, shortfall: 0 } for an order that earned 100
 */
export function clawbackForRefund(
  entries: readonly PointsEntry[],
  refund: { orderId: string; paidFen: number; refundedFen: number },
  now: Date,
): PointsClawbackDecision {
  assertFen(refund.paidFen, 'paidFen');
  assertFen(refund.refundedFen, 'refundedFen');
  if (refund.paidFen <= 0 || refund.refundedFen < 0)
    throw new RangeError('paidFen must be positive and refundedFen non-negative');
  const earned = entries
    .filter((entry) => isPointsCredit(entry) && entry.reason === 'order' && entry.ref === refund.orderId)
    .reduce((sum, entry) => sum + entry.points, 0);
  const reversed = entries
    .filter((entry): entry is PointsDebitEntry => entry.kind === 'clawback' && entry.ref === refund.orderId)
    .reduce((sum, entry) => sum - entry.points + (entry.shortfall ?? 0), 0);
  const refunded = Math.min(refund.refundedFen, refund.paidFen);
  const product = earned * refunded;
  if (!Number.isSafeInteger(product)) throw new RangeError('refund too large to compute points exactly');
  const due = Math.floor(product / refund.paidFen) - reversed;
  if (due <= 0) return { entries: [], clawedBack: 0, shortfall: 0 };
  const { allocations, missing } = takeOldestFirst(batchesOf(entries, now), due, orderBatchId(refund.orderId));
  const clawedBack = due - missing;
  const entry: PointsDebitEntry = {
    kind: 'clawback',
    points: clawedBack === 0 ? 0 : -clawedBack,
    allocations,
    reason: 'refund',
    occurredAt: now,
    ref: refund.orderId,
    shortfall: missing,
  };
  return { entries: [entry], clawedBack, shortfall: missing };
}

export type PointsAdjustDecision =
  | { ok: true; entry: PointsCreditEntry | PointsDebitEntry }
  | { ok: false; reason: 'insufficient_points' | 'zero_adjustment'; available: number };

/**
 * An operator's manual correction. A positive adjustment opens a batch (`adjust:<id>`) with the normal
 * expiry; a negative one takes points oldest first and is refused if the balance would go below zero.
 * @example adjustPoints(entries, { adjustmentId: 'a1', points: 200, note: '客诉补偿' }, now, DEFAULT_POINTS_CONFIG)
 */
export function adjustPoints(
  entries: readonly PointsEntry[],
  adjustment: { adjustmentId: string; points: number; note: string },
  now: Date,
  config: PointsConfig,
): PointsAdjustDecision {
  if (!Number.isSafeInteger(adjustment.points)) throw new RangeError('points must be an integer');
  const batches = batchesOf(entries, now);
  const available = batches.reduce((sum, batch) => sum + (batch.expired ? 0 : batch.remaining), 0);
  const base = { reason: 'manual' as const, occurredAt: now, ref: adjustment.adjustmentId, note: adjustment.note };
  if (adjustment.points === 0) return { ok: false, reason: 'zero_adjustment', available };
  if (adjustment.points > 0) {
    const expiresAt = endOfMonthAfter(now, config.expiry.monthsAfterEarned);
    return {
      ok: true,
      entry: { kind: 'adjust', points: adjustment.points, batchId: `adjust:${adjustment.adjustmentId}`, expiresAt, ...base },
    };
  }
  const { allocations, missing } = takeOldestFirst(batches, -adjustment.points);
  if (missing > 0) return { ok: false, reason: 'insufficient_points', available };
  return { ok: true, entry: { kind: 'adjust', points: adjustment.points, allocations, ...base } };
}
