import { sql } from 'drizzle-orm';
import {
  decideSignIn,
  parseShanghaiDate,
  pointsExpiringSoon,
  shanghaiDate,
  type PointsBatch,
  type PointsResponse,
  type RedeemPointsResponse,
  type SignInResponse,
} from '@member-ops/shared';
import type { z } from 'zod';
import { execute, withTransaction, type Executor } from '../../db';
import type { PointsEntryKind } from '../../db/schema';
import { AppError } from '../../errors';
import type { ServerContext } from '../../server';
import { availablePointsOf, balanceOf, creditPoints, debitPoints, lockMember } from './points.repo';
import { issueCoupon } from '../coupons';
import { pointsConfigAt } from './rule-configs';

/**
 * Balance, spendable points, what expires soonest within the reminder window, and a page of the ledger: only
 * the page's entries are read (a cursor continues by index), the total is a count of the member's index entries.
 */
export async function getPoints(
  context: ServerContext,
  memberId: number,
  page: { page: number; pageSize: number; cursor?: string | undefined },
): Promise<z.infer<typeof PointsResponse>> {
  const db = context.database.db;
  const now = context.clock();
  const { config } = await pointsConfigAt(db, now);
  const batches = await execute<{
    id: number;
    original_points: number;
    remaining_points: number;
    earned_at: Date;
    expires_at: Date;
  }>(
    db,
    sql`select id, original_points, remaining_points, earned_at, expires_at from points_batches
        where member_id = ${memberId} and remaining_points > 0 and expires_at >= ${now}`,
  );
  const soon = pointsExpiringSoon(
    batches.map((b): PointsBatch => ({
      batchId: String(b.id),
      earnedAt: b.earned_at,
      expiresAt: b.expires_at,
      points: b.original_points,
      remaining: b.remaining_points,
      expired: false,
    })),
    now,
    config.expiry.reminderDays,
  );
  const after = page.cursor
    ? sql`and (occurred_at, id) < (select occurred_at, id from points_ledger where id = ${page.cursor} and member_id = ${memberId})
          and occurred_at <= (select occurred_at from points_ledger where id = ${page.cursor} and member_id = ${memberId})`
    : sql``;
  const rows = await execute<{
    id: number;
    kind: PointsEntryKind;
    points: number;
    order_id: number | null;
    note: string | null;
    occurred_at: Date;
  }>(
    db,
    sql`select id, kind, points, order_id, note, occurred_at from points_ledger
        where member_id = ${memberId} ${after} order by occurred_at desc, id desc
        limit ${page.pageSize + 1} offset ${page.cursor ? 0 : (page.page - 1) * page.pageSize}`,
  );
  const entries = rows.slice(0, page.pageSize);
  const last = entries.at(-1);
  return {
    balance: await balanceOf(db, memberId),
    available: await availablePointsOf(db, memberId, now),
    expiringSoon: { points: soon.points, earliestExpiresAt: soon.earliestExpiresAt?.toISOString() ?? null },
    page: page.page,
    pageSize: page.pageSize,
    total: await ledgerCount(db, memberId),
    entries: entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      points: e.points,
      orderId: e.order_id,
      note: e.note,
      occurredAt: e.occurred_at.toISOString(),
    })),
    nextCursor: rows.length > page.pageSize && last ? String(last.id) : null,
  };
}

async function ledgerCount(db: Executor, memberId: number): Promise<number> {
  const [row] = await execute<{ total: number }>(
    db,
    sql`select count(*)::int8 as total from points_ledger where member_id = ${memberId}`,
  );
  return row?.total ?? 0;
}

/**
 * Daily sign-in: once per Asia/Shanghai day (the sign_ins primary key makes a double tap a no-op), daily
 * points plus the streak bonus as decided by decideSignIn.
 */
export async function signIn(context: ServerContext, memberId: number): Promise<z.infer<typeof SignInResponse>> {
  const now = context.clock();
  const day = shanghaiDate(now);
  return withTransaction(context.database, async (tx) => {
    await lockMember(tx, memberId);
    const { config } = await pointsConfigAt(tx, now);
    const [last] = await execute<{ day: string; streak: number }>(
      tx,
      sql`select day::text as day, streak from sign_ins where member_id = ${memberId} order by day desc limit 1`,
    );
    const previous = last ? { lastSignInAt: parseShanghaiDate(last.day), streak: last.streak } : null;
    const decision = decideSignIn(previous, now, config);
    if (decision.status === 'already_signed_in') {
      return {
        alreadySignedIn: true,
        day,
        streak: decision.state.streak,
        pointsEarned: 0,
        balance: await balanceOf(tx, memberId),
      };
    }
    const inserted = await execute<{ day: string }>(
      tx,
      sql`insert into sign_ins (member_id, day, streak, created_at) values (${memberId}, ${day}, ${decision.state.streak}, ${now})
          on conflict do nothing returning day::text as day`,
    );
    if (inserted.length === 0) {
      return {
        alreadySignedIn: true,
        day,
        streak: decision.state.streak,
        pointsEarned: 0,
        balance: await balanceOf(tx, memberId),
      };
    }
    let pointsEarned = 0;
    let firstEntryId: number | null = null;
    for (const entry of decision.entries) {
      const credit = await creditPoints(tx, {
        memberId,
        kind: entry.reason === 'sign_in' ? 'sign_in' : 'bonus',
        points: entry.points,
        idempotencyKey: entry.batchId,
        earnedAt: now,
        expiresAt: entry.expiresAt,
        note: entry.reason,
      });
      if (credit) {
        pointsEarned += entry.points;
        firstEntryId ??= credit.entryId;
      }
    }
    if (firstEntryId !== null) {
      await tx.execute(sql`update sign_ins set points_entry_id = ${firstEntryId} where member_id = ${memberId} and day = ${day}`);
    }
    return { alreadySignedIn: false, day, streak: decision.state.streak, pointsEarned, balance: await balanceOf(tx, memberId) };
  });
}

/**
 * Buys a coupon from the points shop: spends the template's points_price and issues the coupon (source
 * `points`, source_key `points:<ledger id>`) in one transaction. The client's requestId keys the spend, so a
 * retried request returns the coupon bought the first time.
 */
export async function redeemPoints(
  context: ServerContext,
  memberId: number,
  request: { templateId: number; requestId: string },
): Promise<z.infer<typeof RedeemPointsResponse>> {
  const now = context.clock();
  const idempotencyKey = `redeem:${request.requestId}`;
  return withTransaction(context.database, async (tx) => {
    await lockMember(tx, memberId);
    const [template] = await execute<{ points_price: number | null; status: string; per_member_limit: number | null }>(
      tx,
      sql`select points_price, status, per_member_limit from coupon_templates where id = ${request.templateId}`,
    );
    if (!template || template.points_price === null) {
      throw new AppError('NOT_FOUND', `Coupon ${request.templateId} is not in the points shop`);
    }
    // The member row lock above serialises this member's purchases, so counting here cannot race. A retry of a
    // purchase already made is not a new purchase and passes to return the first coupon.
    if (template.per_member_limit !== null) {
      const [counts] = await execute<{ bought: number; retry: boolean }>(
        tx,
        sql`select (select count(*) from coupons where member_id = ${memberId} and template_id = ${request.templateId}
                      and source = 'points')::int8 as bought,
                   exists (select 1 from points_ledger where member_id = ${memberId}
                           and idempotency_key = ${idempotencyKey}) as retry`,
      );
      if (counts && !counts.retry && counts.bought >= template.per_member_limit) {
        throw new AppError(
          'CONFLICT',
          `You have already bought this coupon the most times allowed (${template.per_member_limit})`,
        );
      }
    }
    const spend = await debitPoints(tx, {
      memberId,
      kind: 'spend',
      points: template.points_price,
      idempotencyKey,
      now,
      note: `coupon template ${request.templateId}`,
    });
    if (spend.entryId === null) throw new Error('a points spend wrote nothing');
    const sourceKey = `points:${spend.entryId}`;
    const issued = await issueCoupon(tx, { templateId: request.templateId, memberId, source: 'points', sourceKey, now });
    // Not issued: the transaction rolls back, so the points are not spent either.
    if (issued.kind !== 'issued') throw new AppError('CONFLICT', 'This coupon is sold out or no longer offered');
    return {
      couponId: issued.coupon.id,
      couponCode: issued.coupon.code,
      pointsSpent: spend.taken,
      balance: await balanceOf(tx, memberId),
      validTo: issued.coupon.validTo.toISOString(),
    };
  });
}
