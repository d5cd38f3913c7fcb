import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { POINTS_CREDIT_KINDS, POINTS_DEBIT_KINDS, POINTS_ENTRY_KINDS, type PointsEntryKind } from './codes';
import { createdAt, idPrimaryKey, idRef, instant, oneOf } from './columns';
import { coupons } from './coupons';
import { members } from './members';
import { orders, refunds } from './orders';
import { staffAccounts } from './staff';

/**
 * An earned lot of points with its own expiry. Spending and expiry consume batches oldest first; what each
 * debit took from which batch is recorded in points_consumptions.
 */
export const pointsBatches = pgTable(
  'points_batches',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    originalPoints: integer('original_points').notNull(),
    remainingPoints: integer('remaining_points').notNull(),
    earnedAt: instant('earned_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('points_batches_member_fifo_idx')
      .on(t.memberId, t.expiresAt)
      .where(sql`${t.remainingPoints} > 0`),
    index('points_batches_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.remainingPoints} > 0`),
    check('points_batches_original_check', sql`${t.originalPoints} > 0`),
    check('points_batches_remaining_check', sql`${t.remainingPoints} between 0 and ${t.originalPoints}`),
    check('points_batches_expiry_check', sql`${t.expiresAt} > ${t.earnedAt}`),
  ],
);

/**
 * The append-only points ledger. UPDATE and DELETE are refused by a trigger, and an AFTER INSERT trigger adds
 * each entry to member_metrics.points_balance (both in the 0001 migration), so a balance is always the sum of
 * its entries. Credits carry the batch they created; the sign of `points` is fixed by `kind`.
 * `idempotency_key` names the business fact (e.g. `earn:order:42`, `clawback:refund:7`), so a retried
 * notification or job cannot write it twice.
 */
export const pointsLedger = pgTable(
  'points_ledger',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').$type<PointsEntryKind>().notNull(),
    points: integer('points').notNull(),
    batchId: idRef('batch_id').references(() => pointsBatches.id),
    orderId: idRef('order_id').references(() => orders.id),
    refundId: idRef('refund_id').references(() => refunds.id),
    couponId: idRef('coupon_id').references(() => coupons.id),
    staffId: idRef('staff_id').references(() => staffAccounts.id),
    idempotencyKey: text('idempotency_key').notNull(),
    occurredAt: instant('occurred_at').notNull().defaultNow(),
    note: text('note'),
  },
  (t) => [
    unique('points_ledger_idempotency_key').on(t.memberId, t.idempotencyKey),
    uniqueIndex('points_ledger_batch_key')
      .on(t.batchId)
      .where(sql`${t.batchId} is not null`),
    index('points_ledger_member_occurred_idx').on(t.memberId, t.occurredAt),
    index('points_ledger_order_idx')
      .on(t.orderId)
      .where(sql`${t.orderId} is not null`),
    check('points_ledger_kind_check', oneOf(t.kind, POINTS_ENTRY_KINDS)),
    check('points_ledger_points_non_zero_check', sql`${t.points} <> 0`),
    check(
      'points_ledger_sign_check',
      sql`(${t.points} > 0 or not ${oneOf(t.kind, POINTS_CREDIT_KINDS)}) and (${t.points} < 0 or not ${oneOf(t.kind, POINTS_DEBIT_KINDS)})`,
    ),
    check('points_ledger_credit_has_batch_check', sql`(${t.points} > 0) = (${t.batchId} is not null)`),
  ],
);

/** Which batches a debit (spend, expire, clawback, negative adjust) drew from, for refunds and audits. */
export const pointsConsumptions = pgTable(
  'points_consumptions',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    ledgerEntryId: idRef('ledger_entry_id')
      .notNull()
      .references(() => pointsLedger.id),
    batchId: idRef('batch_id')
      .notNull()
      .references(() => pointsBatches.id),
    points: integer('points').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.ledgerEntryId, t.batchId] }),
    index('points_consumptions_batch_idx').on(t.batchId),
    check('points_consumptions_points_check', sql`${t.points} > 0`),
  ],
);

/** One sign-in per member per Shanghai calendar day. */
export const signIns = pgTable(
  'sign_ins',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    day: date('day', { mode: 'string' }).notNull(),
    streak: integer('streak').notNull(),
    pointsEntryId: idRef('points_entry_id').references(() => pointsLedger.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.day] }), check('sign_ins_streak_check', sql`${t.streak} >= 1`)],
);
