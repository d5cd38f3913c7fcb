import { and, eq, sql } from 'drizzle-orm';
import type { RedeemCouponResponse } from '@member-ops/shared';
import { execute, withTransaction, type Database } from '../../db';
import { auditLog, coupons, stores } from '../../db/schema';
import { AppError } from '../../errors';
import type { AuthStaff } from '../../http/auth';
import { memberScope } from '../admin';
import { couponWithTemplate, toWalletView, walletStatusOf } from './coupons.repo';

export interface RedeemInput {
  code: string;
  staff: AuthStaff;
  /** The store named in the request, if any. */
  storeId: number | undefined;
  /** ALLOW_CROSS_STORE_REDEMPTION: any member's coupon may be redeemed at the staff member's store. */
  crossStore?: boolean;
  now: Date;
  requestId: string;
  ip: string;
}

/**
 * Store staff redeem at their own store only; admins and operators may name any store, or none. Whose coupons
 * is decided by memberScope (see redeemCouponInStore).
 */
function redeemingStore(staff: AuthStaff, requested: number | undefined): number | null {
  if (staff.role === 'store_staff') {
    if (requested !== undefined && requested !== staff.storeId) {
      throw new AppError('FORBIDDEN', 'Store staff can redeem coupons only at their own store');
    }
    return staff.storeId;
  }
  return requested ?? staff.storeId;
}

/**
 * In-store redemption (核销): available and within its validity → used, in one conditional UPDATE, so of two
 * concurrent redemptions exactly one succeeds. Records the staff member on the coupon and the store in the
 * audit log, in the same transaction. The coupon's member must be in the staff member's scope, the same scope
 * as member lookups (store staff: members of their store), unless cross-store redemption is switched on; a
 * coupon of anyone else is refused with 403 and left as it was.
 */
export async function redeemCouponInStore(database: Database, input: RedeemInput): Promise<RedeemCouponResponse> {
  const storeId = redeemingStore(input.staff, input.storeId);
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const scope = input.crossStore === true ? sql`true` : memberScope(input.staff);
  const inScope = sql`exists (select 1 from members m where m.id = ${coupons.memberId} and m.deleted_at is null and ${scope})`;
  return withTransaction(database, async (tx) => {
    if (storeId !== null) {
      const [store] = await tx
        .select({ id: stores.id })
        .from(stores)
        .where(and(eq(stores.id, storeId), eq(stores.active, true)));
      if (!store) throw new AppError('NOT_FOUND', `No active store ${storeId}`);
    }
    const [redeemed] = await tx
      .update(coupons)
      .set({ status: 'used', usedAt: input.now, redeemedByStaff: input.staff.id, updatedAt: input.now })
      .where(
        and(
          eq(coupons.code, input.code),
          eq(coupons.status, 'available'),
          sql`${coupons.validFrom} <= ${now} and ${coupons.validTo} > ${now}`,
          inScope,
        ),
      )
      .returning({ id: coupons.id });
    const found = await couponWithTemplate(tx, eq(coupons.code, input.code));
    if (!found) throw new AppError('NOT_FOUND', 'No coupon has this code');
    if (!redeemed) {
      const [visible] = await execute(
        tx,
        sql`select 1 as visible from members m where m.id = ${found.coupon.memberId} and ${scope}`,
      );
      if (!visible) throw new AppError('FORBIDDEN', '该优惠券属于其他门店的会员，本店不能核销');
      const status = walletStatusOf(found.coupon, input.now);
      const reason: Record<typeof status, string> = {
        used: 'it has already been used',
        locked: 'it is held by an unpaid online order',
        expired: 'it has expired',
        revoked: 'it has been withdrawn',
        available: `it is valid only from ${found.coupon.validFrom.toISOString()}`,
      };
      throw new AppError('CONFLICT', `This coupon cannot be redeemed: ${reason[status]}`);
    }
    await tx.insert(auditLog).values({
      actorStaffId: input.staff.id,
      action: 'coupon.redeem',
      targetType: 'coupon',
      targetId: String(found.coupon.id),
      detail: { storeId, memberId: found.coupon.memberId, templateId: found.coupon.templateId },
      ip: input.ip,
      requestId: input.requestId,
      at: input.now,
    });
    return {
      coupon: toWalletView(found, input.now),
      memberId: found.coupon.memberId,
      storeId,
      redeemedByStaffId: input.staff.id,
    };
  });
}
