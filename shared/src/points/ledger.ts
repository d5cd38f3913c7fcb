import { addDays } from '../time';

/**
 * The points ledger is append-only: every change is an entry, and a balance is always the sum of entries.
 * Credits (earn, positive adjust) open a batch with its own expiry; debits (spend, expire, clawback, negative
 * adjust) say which batches they consumed, so remaining points per batch are always derivable.
 */
export type PointsReason =
  | 'order'
  | 'sign_in'
  | 'sign_in_streak'
  | 'review'
  | 'profile_completion'
  | 'checkout'
  | 'coupon_exchange'
  | 'expiry'
  | 'refund'
  | 'manual';

export interface PointsAllocation {
  batchId: string;
  /** Points taken from that batch (positive). */
  points: number;
}

export interface PointsCreditEntry {
  kind: 'earn' | 'adjust';
  /** Positive. */
  points: number;
  /** Unique per member; derived from the source so a retried earn cannot be stored twice. */
  batchId: string;
  /** The last instant the batch can be spent. */
  expiresAt: Date;
  reason: PointsReason;
  occurredAt: Date;
  /** The business object behind the entry: order id, review id, adjustment id … */
  ref?: string;
  note?: string;
}

export interface PointsDebitEntry {
  kind: 'spend' | 'expire' | 'clawback' | 'adjust';
  /** Negative or zero: minus the sum of the allocations. */
  points: number;
  allocations: PointsAllocation[];
  reason: PointsReason;
  occurredAt: Date;
  ref?: string;
  note?: string;
  /** Clawbacks only: points that should have been clawed back but were no longer there. */
  shortfall?: number;
}

export type PointsEntry = PointsCreditEntry | PointsDebitEntry;

export interface PointsBatch {
  batchId: string;
  earnedAt: Date;
  expiresAt: Date;
  /** The size of the batch when it was credited. */
  points: number;
  remaining: number;
  /** True once `now` is past `expiresAt`; expired points can no longer be spent. */
  expired: boolean;
}

export class PointsLedgerError extends Error {
  override name = 'PointsLedgerError';
}

/**
 * Tells credits from debits (both kinds include 'adjust').
 * @example entries.filter(isPointsCredit).map((credit) => credit.batchId)
 */
export function isPointsCredit(entry: PointsEntry): entry is PointsCreditEntry {
  return 'batchId' in entry;
}

/**
 * The balance: the sum of all entries (expired batches count until their expire entry is written).
 * @example balanceOf([earn100, spend30]) // 70
 */
export function balanceOf(entries: readonly PointsEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.points, 0);
}

function assertPositivePoints(value: number, label: string): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new PointsLedgerError(`${label} must be a positive integer, got ${value}`);
}

/** Oldest first: the batch that expires first, then the one earned first, then by id so the order is total. */
function fifo(a: PointsBatch, b: PointsBatch): number {
  return (
    a.expiresAt.getTime() - b.expiresAt.getTime() ||
    a.earnedAt.getTime() - b.earnedAt.getTime() ||
    (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0)
  );
}

/**
 * Every batch with what is left of it, oldest first. Throws `PointsLedgerError` when the ledger is
 * inconsistent: a duplicate batch, a debit that does not add up, or a batch consumed beyond its size.
 * @example batchesOf(entries, now).filter((b) => !b.expired && b.remaining > 0)
 */
export function batchesOf(entries: readonly PointsEntry[], now: Date): PointsBatch[] {
  const batches = new Map<string, PointsBatch>();
  for (const entry of entries) {
    if (!isPointsCredit(entry)) continue;
    assertPositivePoints(entry.points, `credit ${entry.batchId}`);
    if (batches.has(entry.batchId)) throw new PointsLedgerError(`duplicate batch ${entry.batchId}`);
    batches.set(entry.batchId, {
      batchId: entry.batchId,
      earnedAt: entry.occurredAt,
      expiresAt: entry.expiresAt,
      points: entry.points,
      remaining: entry.points,
      expired: now.getTime() > entry.expiresAt.getTime(),
    });
  }
  for (const entry of entries) {
    if (isPointsCredit(entry)) continue;
    let taken = 0;
    for (const allocation of entry.allocations) {
      assertPositivePoints(allocation.points, `allocation from ${allocation.batchId}`);
      const batch = batches.get(allocation.batchId);
      if (!batch) throw new PointsLedgerError(`unknown batch ${allocation.batchId}`);
      if (allocation.points > batch.remaining) throw new PointsLedgerError(`batch ${batch.batchId} consumed beyond its size`);
      batch.remaining -= allocation.points;
      taken += allocation.points;
    }
    if (entry.points !== -taken)
      throw new PointsLedgerError(`debit of ${entry.points} does not match its allocations (${taken})`);
  }
  return [...batches.values()].sort(fifo);
}

/**
 * Points that can be spent at `now`: what remains in batches that have not expired.
 * @example availablePoints(entries, now)
 */
export function availablePoints(entries: readonly PointsEntry[], now: Date): number {
  return batchesOf(entries, now).reduce((sum, batch) => sum + (batch.expired ? 0 : batch.remaining), 0);
}

/**
 * Takes up to `points` from unexpired batches, oldest first (pass `preferBatchId` to drain that batch first).
 * Returns the allocations and how many points could not be found.
 * @example takeOldestFirst(batchesOf(entries, now), 70, 'order:o1') // { allocations: [...], missing: 0 }
 */
export function takeOldestFirst(
  batches: readonly PointsBatch[],
  points: number,
  preferBatchId?: string,
): { allocations: PointsAllocation[]; missing: number } {
  const order = [...batches].sort(
    (a, b) => Number(b.batchId === preferBatchId) - Number(a.batchId === preferBatchId) || fifo(a, b),
  );
  const allocations: PointsAllocation[] = [];
  let missing = points;
  for (const batch of order) {
    if (missing === 0) break;
    if (batch.expired || batch.remaining === 0) continue;
    const take = Math.min(batch.remaining, missing);
    allocations.push({ batchId: batch.batchId, points: take });
    missing -= take;
  }
  return { allocations, missing };
}

export type PointsSpendDecision =
  { ok: true; entry: PointsDebitEntry } | { ok: false; reason: 'insufficient_points'; available: number };

/**
 * Spends points oldest batch first, never from an expired batch.
 * @example spendPoints(entries, 500, now, 'checkout', 'order-42') // { ok: true, entry: { kind: 'spend', points: -500, … } }
 */
export function spendPoints(
  entries: readonly PointsEntry[],
  points: number,
  now: Date,
  reason: 'checkout' | 'coupon_exchange',
  ref?: string,
): PointsSpendDecision {
  assertPositivePoints(points, 'points to spend');
  const { allocations, missing } = takeOldestFirst(batchesOf(entries, now), points);
  if (missing > 0) return { ok: false, reason: 'insufficient_points', available: points - missing };
  return { ok: true, entry: { kind: 'spend', points: -points, allocations, reason, occurredAt: now, ...(ref ? { ref } : {}) } };
}

/**
 * Expire entries for every batch past its expiry that still has points, one per batch, dated at the expiry.
 * Running it again after its entries are appended returns nothing.
 * @example expireDue(entries, now).forEach(append)
 */
export function expireDue(entries: readonly PointsEntry[], now: Date): PointsDebitEntry[] {
  return batchesOf(entries, now)
    .filter((batch) => batch.expired && batch.remaining > 0)
    .map((batch) => ({
      kind: 'expire',
      points: -batch.remaining,
      allocations: [{ batchId: batch.batchId, points: batch.remaining }],
      reason: 'expiry',
      occurredAt: batch.expiresAt,
    }));
}

export interface PointsExpiringSoon {
  points: number;
  /** The soonest expiry among them, for the reminder text; null when nothing is expiring. */
  earliestExpiresAt: Date | null;
  batches: PointsBatch[];
}

/**
 * Unexpired points that expire within `withinDays` days of `now` (the reminder, 30 days by default config).
 * @example pointsExpiringSoon(batchesOf(entries, now), now, 30).points
 */
export function pointsExpiringSoon(batches: readonly PointsBatch[], now: Date, withinDays: number): PointsExpiringSoon {
  const horizon = addDays(now, withinDays).getTime();
  const soon = batches
    .filter((batch) => batch.remaining > 0 && batch.expiresAt.getTime() >= now.getTime() && batch.expiresAt.getTime() <= horizon)
    .sort(fifo);
  return {
    points: soon.reduce((sum, batch) => sum + batch.remaining, 0),
    earliestExpiresAt: soon[0]?.expiresAt ?? null,
    batches: soon,
  };
}
