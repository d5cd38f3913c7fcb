import { sql } from 'drizzle-orm';
import type { EraseMemberResponse } from '@member-ops/shared';
import { execute, withTransaction, type Database, type Tx } from '../../db';
import { AppError } from '../../errors';
import { recordAudit } from '../payments';

/** Who asked for the erasure: the member themselves, or a staff account acting on their request. */
export type EraseActor = { kind: 'member' } | { kind: 'staff'; staffId: number; ip?: string; requestId?: string };

/** The openid an erased member keeps: unique and NOT NULL like any openid, matching no WeChat user. */
export const erasedOpenid = (memberId: number) => `erased:${memberId}`;

/**
 * Money still moving blocks an erasure: a pending order can still be paid (WeChat would notify about a member
 * whose identity is gone) and a refund in flight still needs its order. The member is told what to wait for.
 */
async function assertNothingInFlight(tx: Tx, memberId: number): Promise<void> {
  // Orders first, then the member: the order a payment notification locks in (orders → members).
  const orders = await execute<{ status: string }>(
    tx,
    sql`select status from orders where member_id = ${memberId} order by id for update`,
  );
  if (orders.some((order) => order.status === 'pending')) {
    throw new AppError('CONFLICT', '您有待支付的订单，请先完成支付或取消订单，再申请注销', [
      { field: 'orders', message: 'a pending order must be paid, cancelled or expire first' },
    ]);
  }
  const [refunding] = await execute<{ n: number }>(
    tx,
    sql`select count(*)::int as n from refunds where member_id = ${memberId} and status in ('pending', 'processing')`,
  );
  if (orders.some((order) => order.status === 'refunding') || (refunding?.n ?? 0) > 0) {
    throw new AppError('CONFLICT', '您有正在处理的退款，请在退款完成后再申请注销', [
      { field: 'refunds', message: 'a refund in progress must settle first' },
    ]);
  }
}

/**
 * Personal data is blanked or removed; the rows that money, points and coupons are accounted by stay, keyed to
 * the same (now anonymous) member id, so every total and every ledger sum is unchanged:
 * - members: openid replaced by `erased:<id>` (so the same WeChat user signing in again becomes a new member),
 *   unionid, phone (cipher, hash, tail), nickname, avatar, birthday, gender, region, scene, inviter and tags
 *   cleared; do-not-contact set; consent withdrawn; no owning rep; deleted_at set.
 * - sessions revoked; the open rep assignment closed; segment memberships, subscription credits, cart and
 *   favourites removed; open journeys left; pending messages skipped and every message payload emptied.
 * - orders: shipping address (name, phone, street) and note removed; payments: the payer's openid removed
 *   from the stored notification; refunds: reason and the receiving account removed.
 * - reviews: text and images removed, hidden; follow-up tasks: title and notes removed, open ones closed.
 * - events: search keywords and payloads removed, page query strings cut off (type, time, product kept).
 */
async function anonymise(tx: Tx, memberId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await tx.execute(sql`update members set
      openid = ${erasedOpenid(memberId)}, unionid = null, phone_cipher = null, phone_hash = null, phone_tail = null,
      nickname = null, avatar_url = null, birthday = null, gender = 'unknown', region = null, source_scene = null,
      inviter_member_id = null, tags = '{}', do_not_contact = true, privacy_consent_at = null, owner_rep_id = null,
      deleted_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
    where id = ${memberId}`);
  await tx.execute(
    sql`update member_sessions set revoked_at = ${at}::timestamptz where member_id = ${memberId} and revoked_at is null`,
  );
  await tx.execute(
    sql`update rep_assignments set ended_at = greatest(assigned_at, ${at}::timestamptz)
         where member_id = ${memberId} and ended_at is null`,
  );
  await tx.execute(sql`update orders set address = null, note = null, updated_at = ${at}::timestamptz
                        where member_id = ${memberId} and (address is not null or note is not null)`);
  await tx.execute(sql`update payments set notification = notification - 'payer', updated_at = ${at}::timestamptz
                        where member_id = ${memberId} and notification ? 'payer'`);
  await tx.execute(sql`update refunds set reason = null,
                              notification = case when notification is null then null
                                                  else notification - 'user_received_account' end,
                              updated_at = ${at}::timestamptz
                        where member_id = ${memberId}`);
  await tx.execute(sql`update reviews set content = null, images = '[]'::jsonb, hidden = true where member_id = ${memberId}`);
  await tx.execute(sql`update followup_tasks set title = null, outcome_note = null,
                              status = case when status = 'open' then 'do_not_contact' else status end,
                              closed_at = coalesce(closed_at, ${at}::timestamptz), updated_at = ${at}::timestamptz
                        where member_id = ${memberId}`);
  await tx.execute(sql`update events set keyword = null, payload = '{}'::jsonb, page = split_part(page, '?', 1)
                        where member_id = ${memberId}
                          and (keyword is not null or payload <> '{}'::jsonb or strpos(page, '?') > 0)`);
  await tx.execute(sql`update deliveries set
                              status = case when status in ('pending', 'deferred') then 'skipped' else status end,
                              skip_reason = case when status in ('pending', 'deferred') then 'member_erased' else skip_reason end,
                              payload = '{}'::jsonb, last_error = null, updated_at = ${at}::timestamptz
                        where member_id = ${memberId}`);
  await tx.execute(sql`update campaign_enrollments set next_step_at = null, exited_at = ${at}::timestamptz,
                              exit_reason = 'do_not_contact'
                        where member_id = ${memberId} and exited_at is null`);
  await tx.execute(sql`update member_triggers set payload = '{}'::jsonb, processed_at = coalesce(processed_at, ${at}::timestamptz)
                        where member_id = ${memberId}`);
  await tx.execute(sql`delete from segment_memberships where member_id = ${memberId}`);
  await tx.execute(sql`delete from subscription_credits where member_id = ${memberId}`);
  await tx.execute(sql`delete from cart_items where member_id = ${memberId}`);
  await tx.execute(sql`delete from favorites where member_id = ${memberId}`);
}

/**
 * Erases a member's personal data in one transaction (PIPL deletion right), audited with who asked and what was
 * kept — never the personal data itself. 404 for an unknown or already erased member; 409 while money is moving.
 */
export async function eraseMember(
  database: Database,
  memberId: number,
  actor: EraseActor,
  now: Date,
): Promise<EraseMemberResponse> {
  return withTransaction(database, async (tx) => {
    await assertNothingInFlight(tx, memberId);
    const [member] = await execute<{ id: number }>(
      tx,
      sql`select id from members where id = ${memberId} and deleted_at is null for update`,
    );
    if (!member) throw new AppError('NOT_FOUND', '会员不存在或已注销');
    await anonymise(tx, memberId, now);
    const [kept] = await execute<EraseMemberResponse['kept']>(
      tx,
      sql`select (select count(*) from orders where member_id = ${memberId})::int as orders,
                 (select count(*) from payments where member_id = ${memberId})::int as payments,
                 (select count(*) from refunds where member_id = ${memberId})::int as refunds,
                 (select count(*) from points_ledger where member_id = ${memberId})::int as "pointsEntries",
                 (select count(*) from coupons where member_id = ${memberId})::int as coupons`,
    );
    const keptCounts = kept ?? { orders: 0, payments: 0, refunds: 0, pointsEntries: 0, coupons: 0 };
    if (actor.kind === 'member') {
      await recordAudit(tx, now, 'member.erase', 'member', memberId, { requestedBy: 'member', kept: keptCounts }, { memberId });
    } else {
      const { kind: _kind, ...staff } = actor;
      await recordAudit(tx, now, 'member.erase', 'member', memberId, { requestedBy: 'staff', kept: keptCounts }, staff);
    }
    return { memberId, erasedAt: now.toISOString(), kept: keptCounts };
  });
}
