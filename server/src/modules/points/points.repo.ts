import { sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db';
import { execute } from '../../db';
import type { PointsEntryKind } from '../../db/schema';
import { AppError } from '../../errors';

/** Ledger kinds that add points and open a batch. */
export type CreditKind = Extract<PointsEntryKind, 'earn' | 'sign_in' | 'bonus' | 'refund_return' | 'adjust'>;
/** Ledger kinds that take points from batches. */
export type DebitKind = Extract<PointsEntryKind, 'spend' | 'expire' | 'clawback' | 'adjust'>;

interface EntryRefs {
  orderId?: number;
  refundId?: number;
  couponId?: number;
  staffId?: number;
  note?: string;
}

export interface CreditEntry extends EntryRefs {
  memberId: number;
  kind: CreditKind;
  points: number;
  /** Names the business fact (`earn:order:42`); a second credit of the same fact is not written. */
  idempotencyKey: string;
  earnedAt: Date;
  expiresAt: Date;
}

export interface DebitEntry extends EntryRefs {
  memberId: number;
  kind: DebitKind;
  /** Points to take (positive). */
  points: number;
  idempotencyKey: string;
  now: Date;
  /** Drain this batch first (a clawback takes from the refunded order's own batch first). */
  preferBatchId?: number;
  /** Take what is there and report the rest as shortfall instead of refusing (clawbacks). */
  allowShortfall?: boolean;
}

export interface DebitResult {
  /** Null when nothing was written: the key was used before, or nothing could be taken. */
  entryId: number | null;
  taken: number;
  shortfall: number;
  duplicate: boolean;
}

/**
 * Serialises every points change of one member (and the tier fields on the same row). Callers lock in the
 * order orders → skus → coupons → members → batches, so concurrent flows never deadlock.
 */
export async function lockMember(
  tx: Tx,
  memberId: number,
): Promise<{ id: number; openid: string; tier: string; tierKeepUntil: Date | null }> {
  const [row] = await execute<{ id: number; openid: string; tier: string; tier_keep_until: Date | null }>(
    tx,
    sql`select id, openid, tier, tier_keep_until from members where id = ${memberId} and deleted_at is null for update`,
  );
  if (!row) throw new AppError('NOT_FOUND', 'Member not found');
  return { id: row.id, openid: row.openid, tier: row.tier, tierKeepUntil: row.tier_keep_until };
}

/**
 * Writes a credit: a new batch and the ledger entry carrying it (the ledger trigger adds it to the balance).
 * Returns null when the idempotency key was already used; the unused batch is removed again.
 */
export async function creditPoints(tx: Tx, entry: CreditEntry): Promise<{ entryId: number; batchId: number } | null> {
  if (!Number.isSafeInteger(entry.points) || entry.points <= 0) throw new RangeError('a credit must be positive');
  const [batch] = await execute<{ id: number }>(
    tx,
    sql`insert into points_batches (member_id, original_points, remaining_points, earned_at, expires_at)
        values (${entry.memberId}, ${entry.points}, ${entry.points}, ${entry.earnedAt}, ${entry.expiresAt})
        returning id`,
  );
  if (!batch) throw new Error('points batch insert returned nothing');
  const [ledger] = await execute<{ id: number }>(
    tx,
    sql`insert into points_ledger (member_id, kind, points, batch_id, order_id, refund_id, coupon_id, staff_id,
                                   idempotency_key, occurred_at, note)
        values (${entry.memberId}, ${entry.kind}, ${entry.points}, ${batch.id}, ${entry.orderId ?? null},
                ${entry.refundId ?? null}, ${entry.couponId ?? null}, ${entry.staffId ?? null},
                ${entry.idempotencyKey}, ${entry.earnedAt}, ${entry.note ?? null})
        on conflict on constraint points_ledger_idempotency_key do nothing
        returning id`,
  );
  if (!ledger) {
    await tx.execute(sql`delete from points_batches where id = ${batch.id}`);
    return null;
  }
  return { entryId: ledger.id, batchId: batch.id };
}

/**
 * Takes points from the member's unexpired batches, oldest expiry first, writing the debit entry, the
 * batches' new remainders and one consumption row per batch. Refuses (409) when the batches cannot cover it,
 * unless `allowShortfall`. The caller holds the member lock (lockMember).
 */
export async function debitPoints(tx: Tx, debit: DebitEntry): Promise<DebitResult> {
  if (!Number.isSafeInteger(debit.points) || debit.points <= 0) throw new RangeError('a debit must be positive');
  const existing = await execute<{ id: number; points: number }>(
    tx,
    sql`select id, points from points_ledger where member_id = ${debit.memberId} and idempotency_key = ${debit.idempotencyKey}`,
  );
  if (existing[0]) return { entryId: existing[0].id, taken: -existing[0].points, shortfall: 0, duplicate: true };

  const batches = await execute<{ id: number; remaining_points: number }>(
    tx,
    sql`select id, remaining_points from points_batches
        where member_id = ${debit.memberId} and remaining_points > 0 and expires_at > ${debit.now}
        order by (id = ${debit.preferBatchId ?? -1}) desc, expires_at, earned_at, id
        for update`,
  );
  const allocations: { batchId: number; points: number }[] = [];
  let missing = debit.points;
  for (const batch of batches) {
    if (missing === 0) break;
    const take = Math.min(batch.remaining_points, missing);
    allocations.push({ batchId: batch.id, points: take });
    missing -= take;
  }
  if (missing > 0 && !debit.allowShortfall) {
    throw new AppError('CONFLICT', `Not enough points: ${debit.points - missing} available, ${debit.points} needed`);
  }
  const taken = debit.points - missing;
  if (taken === 0) return { entryId: null, taken: 0, shortfall: missing, duplicate: false };

  const [ledger] = await execute<{ id: number }>(
    tx,
    sql`insert into points_ledger (member_id, kind, points, order_id, refund_id, coupon_id, staff_id,
                                   idempotency_key, occurred_at, note)
        values (${debit.memberId}, ${debit.kind}, ${-taken}, ${debit.orderId ?? null}, ${debit.refundId ?? null},
                ${debit.couponId ?? null}, ${debit.staffId ?? null}, ${debit.idempotencyKey}, ${debit.now},
                ${debit.note ?? null})
        returning id`,
  );
  if (!ledger) throw new Error('points ledger insert returned nothing');
  const batchIds = allocations.map((a) => a.batchId);
  const amounts = allocations.map((a) => a.points);
  await tx.execute(
    sql`update points_batches b set remaining_points = b.remaining_points - a.points
        from unnest(${toBigintArray(batchIds)}::bigint[], ${toIntArray(amounts)}::int[]) as a(batch_id, points)
        where b.id = a.batch_id`,
  );
  await tx.execute(
    sql`insert into points_consumptions (member_id, ledger_entry_id, batch_id, points)
        select ${debit.memberId}, ${ledger.id}, a.batch_id, a.points
        from unnest(${toBigintArray(batchIds)}::bigint[], ${toIntArray(amounts)}::int[]) as a(batch_id, points)`,
  );
  return { entryId: ledger.id, taken, shortfall: missing, duplicate: false };
}

/** Arrays travel as Postgres array literals so both drivers bind them the same way. */
function toBigintArray(values: readonly number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}
const toIntArray = toBigintArray;

/**
 * Gives back what an order's points spend took: one `refund_return` credit per consumed batch, each opening
 * a new batch with the consumed batch's own earn time and expiry, so released points expire when they
 * would have. Keyed per order and batch, so running it twice credits once.
 */
export async function returnSpentPoints(tx: Tx, memberId: number, orderId: number): Promise<number> {
  const consumed = await execute<{ batch_id: number; points: number; earned_at: Date; expires_at: Date }>(
    tx,
    sql`select c.batch_id, c.points, b.earned_at, b.expires_at
        from points_ledger l
        join points_consumptions c on c.ledger_entry_id = l.id and c.member_id = l.member_id
        join points_batches b on b.id = c.batch_id
        where l.member_id = ${memberId} and l.idempotency_key = ${spendKey(orderId)}
        order by c.batch_id`,
  );
  let returned = 0;
  for (const row of consumed) {
    const credit = await creditPoints(tx, {
      memberId,
      kind: 'refund_return',
      points: row.points,
      idempotencyKey: `release:order:${orderId}:batch:${row.batch_id}`,
      earnedAt: row.earned_at,
      expiresAt: row.expires_at,
      orderId,
      note: 'unpaid order expired',
    });
    if (credit) returned += row.points;
  }
  return returned;
}

/** Returned points are always usable for at least this many days after the refund that returns them. */
export const RETURNED_POINTS_MIN_DAYS = 30;

/**
 * Gives back the share of an order's checkout points spend that its refunds now cover. How many: the cumulative
 * floor(spent × refunded fen ÷ paid fen) minus what earlier refunds of the order returned, so each partial refund
 * rounds down and together they return exactly the points spent once the whole payment is refunded. Where to:
 * the batches the spend took them from, the latest expiry first, each as a `refund_return` credit that opens a
 * batch with that batch's earn time and expiry — the shopper keeps the expiry the points had — except that a
 * batch expiring within RETURNED_POINTS_MIN_DAYS of the refund (or already expired) gives them until that many
 * days after the refund, so points returned are never points the shopper cannot use. Keyed per refund and
 * source batch, so a repeated settlement returns nothing more. The caller holds the order and member locks.
 */
export async function returnSpentPointsForRefund(
  tx: Tx,
  refund: { memberId: number; orderId: number; refundId: number; paidFen: number; refundedFenAfter: number; now: Date },
): Promise<number> {
  if (refund.paidFen <= 0) return 0;
  const sources = await execute<{ batch_id: number; points: number; earned_at: Date; expires_at: Date; returned: number }>(
    tx,
    sql`select c.batch_id, c.points, b.earned_at, b.expires_at,
               coalesce((select sum(r.points) from points_ledger r
                         where r.member_id = l.member_id and r.order_id = l.order_id and r.kind = 'refund_return'
                           and r.idempotency_key like 'return:refund:%:batch:' || c.batch_id::text), 0)::int8 as returned
        from points_ledger l
        join points_consumptions c on c.ledger_entry_id = l.id and c.member_id = l.member_id
        join points_batches b on b.id = c.batch_id
        where l.member_id = ${refund.memberId} and l.idempotency_key = ${spendKey(refund.orderId)}
        order by b.expires_at desc, c.batch_id desc`,
  );
  const spent = sources.reduce((sum, row) => sum + row.points, 0);
  const returnedBefore = sources.reduce((sum, row) => sum + row.returned, 0);
  const refunded = Math.min(refund.refundedFenAfter, refund.paidFen);
  let due = Math.floor((spent * refunded) / refund.paidFen) - returnedBefore;
  const earliestExpiry = new Date(refund.now.getTime() + RETURNED_POINTS_MIN_DAYS * 86_400_000);
  let returned = 0;
  for (const row of sources) {
    if (due <= 0) break;
    const points = Math.min(due, row.points - row.returned);
    if (points <= 0) continue;
    const credit = await creditPoints(tx, {
      memberId: refund.memberId,
      kind: 'refund_return',
      points,
      idempotencyKey: `return:refund:${refund.refundId}:batch:${row.batch_id}`,
      earnedAt: row.earned_at,
      expiresAt: row.expires_at > earliestExpiry ? row.expires_at : earliestExpiry,
      orderId: refund.orderId,
      refundId: refund.refundId,
      note: 'points spent on a refunded order',
    });
    if (credit) returned += points;
    due -= points;
  }
  return returned;
}

/** The ledger key of an order's checkout spend. */
export function spendKey(orderId: number): string {
  return `spend:order:${orderId}`;
}

/** Points that can be spent now: the remainder of unexpired batches. */
export async function availablePointsOf(executor: Executor, memberId: number, now: Date): Promise<number> {
  const [row] = await execute<{ available: number }>(
    executor,
    sql`select coalesce(sum(remaining_points), 0)::int8 as available from points_batches
        where member_id = ${memberId} and remaining_points > 0 and expires_at > ${now}`,
  );
  return row?.available ?? 0;
}

/** The cached balance, equal to the sum of the ledger (kept by the ledger trigger). */
export async function balanceOf(executor: Executor, memberId: number): Promise<number> {
  const [row] = await execute<{ balance: number }>(
    executor,
    sql`select coalesce((select points_balance from member_metrics where member_id = ${memberId}), 0)::int8 as balance`,
  );
  return row?.balance ?? 0;
}
