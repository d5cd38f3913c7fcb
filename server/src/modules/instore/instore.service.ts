import { sql } from 'drizzle-orm';
import {
  MEMBER_CODE_REFRESH_SECONDS,
  TIER_LABELS,
  type InStorePurchaseRequest,
  type InStorePurchaseResponse,
  type MemberCodeResponse,
  type StaffMemberCardResponse,
  type StaffMemberLookupQuery,
  type StaffMemberLookupResponse,
  type TierCode,
} from '@member-ops/shared';
import { execute, withTransaction } from '../../db';
import { AppError } from '../../errors';
import type { AuthStaff } from '../../http/auth';
import type { ServerContext } from '../../server';
import { maskedPhone } from '../admin';
import { wallet } from '../coupons';
import { loadProfile } from '../me';
import { applyPaidOrder, lockOrder, newOrderNo } from '../orders';
import { recordAudit } from '../payments';
import { balanceOf } from '../points';
import {
  type CandidateRow,
  insertPosOrder,
  selectByPhoneTail,
  selectInScope,
  selectPosOrderByKey,
  selectRecentOrders,
} from './instore.repo';
import { issueMemberCode, memberCodeKey, readMemberCode } from './member-code';

const RECENT_ORDERS = 5;
const CARD_COUPONS = 20;

export function memberCode(context: ServerContext, memberId: number): MemberCodeResponse {
  const { code, expiresAt } = issueMemberCode(memberCodeKey(context.wechat.phoneKeys), memberId, context.clock());
  return { code, expiresAt: expiresAt.toISOString(), refreshInSeconds: MEMBER_CODE_REFRESH_SECONDS };
}

function candidateView(context: ServerContext, row: CandidateRow) {
  const tier = row.tier as TierCode;
  return {
    id: Number(row.id),
    nickname: row.nickname,
    maskedPhone: maskedPhone(row.phone_cipher, context.wechat.phoneKeys),
    tier,
    tierLabel: TIER_LABELS[tier],
    registeredAt: new Date(row.registered_at).toISOString(),
  };
}

/**
 * A member who signed up online has no store yet. Showing their code at a counter makes the clerk's store theirs
 * (audited), so the clerk can serve them now and later; a member of another store stays out of reach.
 */
async function attachToServingStore(
  context: ServerContext,
  staff: AuthStaff,
  memberId: number,
): Promise<CandidateRow | undefined> {
  const storeId = staff.storeId;
  if (staff.role !== 'store_staff' || storeId === null) return undefined;
  const now = context.clock();
  return withTransaction(context.database, async (tx) => {
    const [attached] = await execute<{ id: number }>(
      tx,
      sql`update members set store_id = ${storeId}, updated_at = ${now}
          where id = ${memberId} and store_id is null and deleted_at is null returning id`,
    );
    if (!attached) return undefined;
    await recordAudit(tx, now, 'member.attach_store', 'member', memberId, { storeId, via: 'member_code' }, { staffId: staff.id });
    return selectInScope(tx, staff, memberId);
  });
}

/** A scanned code names one member; a phone tail may match a few. Either way only members in the staff's scope. */
export async function lookupMembers(
  context: ServerContext,
  staff: AuthStaff,
  query: StaffMemberLookupQuery,
): Promise<StaffMemberLookupResponse> {
  const executor = context.database.db;
  if (query.code !== undefined) {
    const decision = readMemberCode(memberCodeKey(context.wechat.phoneKeys), query.code, context.clock());
    if (!decision.ok) {
      throw new AppError(
        'VALIDATION_FAILED',
        decision.reason === 'expired' ? '会员码已过期，请会员刷新后重新出示' : '无法识别的会员码',
        [
          {
            field: 'query.code',
            message: decision.reason === 'expired' ? 'the member code has expired' : 'not a valid member code',
          },
        ],
      );
    }
    const row =
      (await selectInScope(executor, staff, decision.memberId)) ??
      (await attachToServingStore(context, staff, decision.memberId));
    if (!row) throw new AppError('FORBIDDEN', '该会员不属于您的门店或客户范围');
    return { items: [candidateView(context, row)] };
  }
  const rows = await selectByPhoneTail(executor, staff, query.phoneTail ?? '');
  return { items: rows.map((row) => candidateView(context, row)) };
}

async function requireInScope(context: ServerContext, staff: AuthStaff, memberId: number): Promise<void> {
  if (!(await selectInScope(context.database.db, staff, memberId))) {
    throw new AppError('NOT_FOUND', 'No such member in your store or customer list');
  }
}

/** The counter's member card: the member's own profile data (phone masked), recent orders and usable coupons. */
export async function staffMemberCard(
  context: ServerContext,
  staff: AuthStaff,
  memberId: number,
): Promise<StaffMemberCardResponse> {
  await requireInScope(context, staff, memberId);
  const now = context.clock();
  const executor = context.database.db;
  const [profile, orders, coupons] = await Promise.all([
    loadProfile({ executor, phoneKeys: context.wechat.phoneKeys, logger: context.logger }, memberId, now),
    selectRecentOrders(executor, memberId, RECENT_ORDERS),
    wallet(executor, memberId, { status: 'available', page: 1, pageSize: CARD_COUPONS }, now),
  ]);
  return {
    id: profile.id,
    nickname: profile.nickname,
    maskedPhone: profile.maskedPhone,
    tier: profile.tier,
    tierLabel: profile.tierLabel,
    upgradeHint: profile.tierProgress.upgradeHint,
    keepHint: profile.tierProgress.keepHint,
    pointsBalance: profile.pointsBalance,
    lifecycle: profile.lifecycle,
    lifecycleLabel: profile.lifecycleLabel,
    preferences: profile.preferences,
    recentOrders: orders.map((order) => ({
      id: Number(order.id),
      orderNo: order.order_no,
      channel: order.channel,
      status: order.status as StaffMemberCardResponse['recentOrders'][number]['status'],
      payableFen: Number(order.payable_fen),
      paidFen: Number(order.paid_fen),
      refundedFen: Number(order.refunded_fen),
      itemCount: Number(order.item_count),
      createdAt: new Date(order.created_at).toISOString(),
      paidAt: order.paid_at ? new Date(order.paid_at).toISOString() : null,
    })),
    coupons: coupons.items,
  };
}

function purchaseStore(staff: AuthStaff, requested: number | undefined): number | null {
  if (staff.role === 'store_staff') {
    if (requested !== undefined && requested !== staff.storeId) {
      throw new AppError('FORBIDDEN', 'Store staff can record purchases only at their own store', [
        { field: 'body.storeId', message: 'must be your own store' },
      ]);
    }
    return staff.storeId;
  }
  return requested ?? staff.storeId;
}

/**
 * Records a till sale as a paid POS order and runs the one "order paid" flow on it (points at the member's tier
 * multiplier, aggregates, tier, triggers) in the same transaction. The request id is the order's client key, so
 * a retried request returns the first result and earns nothing twice.
 */
export async function recordInStorePurchase(
  context: ServerContext,
  staff: AuthStaff,
  memberId: number,
  request: InStorePurchaseRequest,
): Promise<InStorePurchaseResponse> {
  await requireInScope(context, staff, memberId);
  const storeId = purchaseStore(staff, request.storeId);
  const key = `pos:${request.requestId}`;
  const now = context.clock();
  return withTransaction(context.database, async (tx) => {
    if (storeId !== null) {
      const [store] = await execute<{ id: number }>(tx, sql`select id from stores where id = ${storeId} and active`);
      if (!store)
        throw new AppError('NOT_FOUND', `No active store ${storeId}`, [
          { field: 'body.storeId', message: 'no such active store' },
        ]);
    }
    const orderId = await insertPosOrder(tx, {
      orderNo: newOrderNo(now),
      memberId,
      storeId,
      staffId: staff.id,
      amountFen: request.amountFen,
      note: request.note ?? null,
      key,
      now,
    });
    if (orderId === undefined) {
      const existing = await selectPosOrderByKey(tx, memberId, key);
      if (!existing) throw new AppError('CONFLICT', 'The purchase is being recorded; try again');
      if (Number(existing.payable_fen) !== request.amountFen) {
        throw new AppError('CONFLICT', 'This request id was already used for a different amount', [
          { field: 'body.requestId', message: 'already used for a different amount' },
        ]);
      }
      const [member] = await execute<{ tier: TierCode }>(tx, sql`select tier from members where id = ${memberId}`);
      return {
        orderId: Number(existing.id),
        orderNo: existing.order_no,
        amountFen: Number(existing.payable_fen),
        pointsEarned: Number(existing.points_earned),
        pointsBalance: Number(await balanceOf(tx, memberId)),
        tier: member?.tier ?? 'normal',
        tierChanged: false,
        duplicate: true,
      };
    }
    const order = await lockOrder(tx, { id: orderId });
    if (!order) throw new AppError('INTERNAL', 'The recorded order vanished');
    const paid = await applyPaidOrder(tx, order, now, now);
    return {
      orderId,
      orderNo: order.orderNo,
      amountFen: request.amountFen,
      pointsEarned: paid.pointsEarned,
      pointsBalance: Number(await balanceOf(tx, memberId)),
      tier: paid.tier,
      tierChanged: paid.tierChanged,
      duplicate: false,
    };
  });
}
