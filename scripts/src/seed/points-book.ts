/**
 * One member's points, decided by the shared ledger functions in time order and turned into the database's
 * batches, ledger entries and consumptions (balance = sum of entries; remaining = original − consumed).
 */
import {
  availablePoints,
  batchesOf,
  clawbackForRefund,
  decideSignIn,
  earnForOrder,
  expireDue,
  isPointsCredit,
  type PointsConfig,
  type PointsCreditEntry,
  type PointsEntry,
  reviewBonus,
  type SignInState,
  spendPoints,
} from '@member-ops/shared/points/index';
import { endOfMonthAfter } from '@member-ops/shared';
import type { PointsEntryKind, pointsBatches, pointsConsumptions, pointsLedger } from '../../../server/src/db/schema';
import type { IdSequence } from './ids';

interface EntryRecord {
  ledgerId: number;
  kind: PointsEntryKind;
  idempotencyKey: string;
  orderId?: number;
  refundId?: number;
  couponId?: number;
  note?: string;
}

export interface PointsRows {
  batches: (typeof pointsBatches.$inferInsert)[];
  ledger: (typeof pointsLedger.$inferInsert)[];
  consumptions: (typeof pointsConsumptions.$inferInsert)[];
}

export class PointsBook {
  private readonly entries: PointsEntry[] = [];
  private readonly records: EntryRecord[] = [];
  private readonly batchIds = new Map<string, number>();

  constructor(
    private readonly memberId: number,
    private readonly ids: IdSequence,
    private readonly config: PointsConfig,
  ) {}

  /** Writes the expiry of every batch that ran out before `at`, dated at its expiry. */
  expireUpTo(at: Date): void {
    for (const entry of expireDue(this.entries, at)) {
      const batchId = entry.allocations[0]?.batchId ?? '';
      this.append(entry, { kind: 'expire', idempotencyKey: `expire:batch:${this.batchIds.get(batchId) ?? batchId}` });
    }
  }

  available(at: Date): number {
    this.expireUpTo(at);
    return availablePoints(this.entries, at);
  }

  earnForOrder(orderId: number, paidFen: number, paidAt: Date, tierMultiplier: number): number {
    this.expireUpTo(paidAt);
    const [entry] = earnForOrder({ orderId: String(orderId), paidFen, paidAt }, tierMultiplier, this.config);
    if (!entry) return 0;
    this.append(entry, { kind: 'earn', idempotencyKey: `earn:order:${orderId}`, orderId });
    return entry.points;
  }

  /** A daily sign-in; returns the new streak state and the ledger id of the daily points (null if already signed in). */
  signIn(previous: SignInState | null, at: Date): { state: SignInState; dailyEntryId: number | null } {
    this.expireUpTo(at);
    const decision = decideSignIn(previous, at, this.config);
    if (decision.status === 'already_signed_in') return { state: decision.state, dailyEntryId: null };
    let dailyEntryId: number | null = null;
    for (const entry of decision.entries) {
      const ledgerId = this.append(entry, { kind: 'sign_in', idempotencyKey: entry.batchId });
      dailyEntryId ??= ledgerId;
    }
    return { state: decision.state, dailyEntryId };
  }

  /** Spends points oldest batch first; null when the balance does not cover them. */
  spend(
    points: number,
    at: Date,
    reason: 'checkout' | 'coupon_exchange',
    link: { orderId?: number; couponId?: number },
  ): number | null {
    this.expireUpTo(at);
    const ref = link.orderId !== undefined ? `order:${link.orderId}` : `coupon:${link.couponId}`;
    const decision = spendPoints(this.entries, points, at, reason, ref);
    if (!decision.ok) return null;
    return this.append(decision.entry, { kind: 'spend', idempotencyKey: `spend:${ref}`, ...link });
  }

  /** Claws back the points of the refunded part (cumulative `refundedFen`); returns the points taken. */
  clawback(orderId: number, refundId: number, paidFen: number, refundedFen: number, at: Date): number {
    this.expireUpTo(at);
    const decision = clawbackForRefund(this.entries, { orderId: String(orderId), paidFen, refundedFen }, at);
    for (const entry of decision.entries) {
      if (entry.points === 0) continue;
      const note = entry.shortfall ? `余额不足，少扣${entry.shortfall}积分` : undefined;
      this.append(entry, { kind: 'clawback', idempotencyKey: `clawback:refund:${refundId}`, orderId, refundId, note });
    }
    return decision.clawedBack;
  }

  /** Gives back the points a fully refunded order was paid with, as a new batch. */
  returnSpent(orderId: number, refundId: number, points: number, at: Date): void {
    this.expireUpTo(at);
    const entry: PointsCreditEntry = {
      kind: 'earn',
      points,
      batchId: `refund_return:${refundId}`,
      expiresAt: endOfMonthAfter(at, this.config.expiry.monthsAfterEarned),
      reason: 'refund',
      occurredAt: at,
      ref: String(orderId),
    };
    this.append(entry, { kind: 'refund_return', idempotencyKey: entry.batchId, orderId, refundId });
  }

  reviewBonus(reviewId: number, at: Date): void {
    this.expireUpTo(at);
    for (const entry of reviewBonus(String(reviewId), at, this.config)) {
      this.append(entry, { kind: 'bonus', idempotencyKey: entry.batchId, note: '商品评价奖励' });
    }
  }

  /** Records a decided entry under its ledger id (and, for a credit, its batch id); returns the ledger id. */
  private append(entry: PointsEntry, record: Omit<EntryRecord, 'ledgerId'>): number {
    const ledgerId = this.ids.next('points_ledger');
    if (isPointsCredit(entry)) this.batchIds.set(entry.batchId, this.ids.next('points_batches'));
    this.entries.push(entry);
    this.records.push({ ledgerId, ...record });
    return ledgerId;
  }

  /** The database rows as of `now` (every expiry up to `now` written first). */
  rows(now: Date): PointsRows {
    this.expireUpTo(now);
    const rows: PointsRows = { batches: [], ledger: [], consumptions: [] };
    const remaining = new Map(batchesOf(this.entries, now).map((batch) => [batch.batchId, batch.remaining]));
    this.entries.forEach((entry, index) => {
      const record = this.records[index] as EntryRecord;
      const batchId = isPointsCredit(entry) ? this.batchIdOf(entry.batchId) : null;
      if (isPointsCredit(entry) && batchId !== null) {
        rows.batches.push({
          id: batchId,
          memberId: this.memberId,
          originalPoints: entry.points,
          remainingPoints: remaining.get(entry.batchId) ?? 0,
          earnedAt: entry.occurredAt,
          expiresAt: entry.expiresAt,
        });
      }
      rows.ledger.push({
        id: record.ledgerId,
        memberId: this.memberId,
        kind: record.kind,
        points: entry.points,
        batchId,
        orderId: record.orderId ?? null,
        refundId: record.refundId ?? null,
        couponId: record.couponId ?? null,
        idempotencyKey: record.idempotencyKey,
        occurredAt: entry.occurredAt,
        note: record.note ?? null,
      });
      if (!isPointsCredit(entry)) {
        for (const allocation of entry.allocations) {
          rows.consumptions.push({
            memberId: this.memberId,
            ledgerEntryId: record.ledgerId,
            batchId: this.batchIdOf(allocation.batchId),
            points: allocation.points,
          });
        }
      }
    });
    return rows;
  }

  private batchIdOf(batchId: string): number {
    const id = this.batchIds.get(batchId);
    if (id === undefined) throw new Error(`points batch ${batchId} was never credited`);
    return id;
  }
}
