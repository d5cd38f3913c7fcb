import { and, eq, or, sql } from 'drizzle-orm';
import type { CouponTerms } from '@member-ops/shared';
import type { Tx } from '../../db';
import { coupons } from '../../db/schema';
import { AppError } from '../../errors';
import { termsOf } from './coupon-terms';
import { couponWithTemplate, walletStatusOf, type CouponRow, type CouponWithTemplate } from './coupons.repo';

/** Every coupon transition below is one conditional UPDATE, so two requests can never both win. */

function problemWith(found: CouponWithTemplate | undefined, now: Date): AppError {
  if (!found) return new AppError('NOT_FOUND', 'No such coupon in your wallet');
  const { coupon } = found;
  const status = walletStatusOf(coupon, now);
  if (status === 'used') return new AppError('CONFLICT', 'This coupon has already been used');
  if (status === 'locked') return new AppError('CONFLICT', 'This coupon is held by another unpaid order');
  if (status === 'expired') return new AppError('CONFLICT', 'This coupon has expired');
  if (status === 'revoked') return new AppError('CONFLICT', 'This coupon has been withdrawn');
  if (coupon.validFrom.getTime() > now.getTime()) {
    return new AppError('CONFLICT', `This coupon is valid from ${coupon.validFrom.toISOString()}`);
  }
  return new AppError('CONFLICT', 'This coupon cannot be used now');
}

const usableAt = (now: Date) =>
  sql`${coupons.status} = 'available' and ${coupons.validFrom} <= ${now.toISOString()}::timestamptz and ${coupons.validTo} > ${now.toISOString()}::timestamptz`;

/**
 * The member's coupon for checkout, row-locked (FOR UPDATE) until the transaction ends so it cannot be taken
 * between pricing and {@link lockCouponForOrder}. Throws 404 / 409 when it is not usable now.
 */
export async function couponForCheckout(
  tx: Tx,
  input: { couponId: number; memberId: number; now: Date },
): Promise<{ coupon: CouponRow; terms: CouponTerms }> {
  const [locked] = await tx
    .select({ id: coupons.id })
    .from(coupons)
    .where(and(eq(coupons.id, input.couponId), eq(coupons.memberId, input.memberId), usableAt(input.now)))
    .for('update');
  const found = await couponWithTemplate(tx, and(eq(coupons.id, input.couponId), eq(coupons.memberId, input.memberId)));
  if (!locked || !found) throw problemWith(found, input.now);
  return { coupon: found.coupon, terms: termsOf(found.template) };
}

/** available → locked by the pending order. Idempotent for the same order; 404 / 409 otherwise. */
export async function lockCouponForOrder(
  tx: Tx,
  input: { couponId: number; memberId: number; orderId: number; now: Date },
): Promise<CouponRow> {
  const [row] = await tx
    .update(coupons)
    .set({ status: 'locked', lockedOrderId: input.orderId, updatedAt: input.now })
    .where(and(eq(coupons.id, input.couponId), eq(coupons.memberId, input.memberId), usableAt(input.now)))
    .returning();
  if (row) return row;
  const found = await couponWithTemplate(tx, and(eq(coupons.id, input.couponId), eq(coupons.memberId, input.memberId)));
  if (found?.coupon.status === 'locked' && found.coupon.lockedOrderId === input.orderId) return found.coupon;
  throw problemWith(found, input.now);
}

/**
 * locked by this order → available again (order cancelled or expired unpaid). Returns false, changing nothing,
 * when the coupon is not locked by this order, so a repeated release is harmless. A coupon whose valid_to has
 * passed meanwhile shows as expired in the wallet.
 */
export async function releaseCoupon(tx: Tx, input: { couponId: number; orderId: number; now: Date }): Promise<boolean> {
  const rows = await tx
    .update(coupons)
    .set({ status: 'available', lockedOrderId: null, updatedAt: input.now })
    .where(and(eq(coupons.id, input.couponId), eq(coupons.status, 'locked'), eq(coupons.lockedOrderId, input.orderId)))
    .returning({ id: coupons.id });
  return rows.length > 0;
}

export type MarkUsedDecision = 'used' | 'already_used' | 'unavailable';

/**
 * The order was paid: its coupon becomes used. Normally it is locked by that order; if the lock was released
 * (the payment arrived after the order expired) the coupon is still used while available, since the amount
 * paid already counted its discount. 'already_used' for a repeat with the same order; 'unavailable' when the
 * coupon went elsewhere meanwhile — the payment handler decides what that means.
 */
export async function markCouponUsed(
  tx: Tx,
  input: { couponId: number; memberId: number; orderId: number; now: Date },
): Promise<MarkUsedDecision> {
  const rows = await tx
    .update(coupons)
    .set({ status: 'used', usedAt: input.now, usedOrderId: input.orderId, lockedOrderId: null, updatedAt: input.now })
    .where(
      and(
        eq(coupons.id, input.couponId),
        eq(coupons.memberId, input.memberId),
        or(and(eq(coupons.status, 'locked'), eq(coupons.lockedOrderId, input.orderId)), eq(coupons.status, 'available')),
      ),
    )
    .returning({ id: coupons.id });
  if (rows.length > 0) return 'used';
  const [current] = await tx
    .select({ status: coupons.status, usedOrderId: coupons.usedOrderId })
    .from(coupons)
    .where(and(eq(coupons.id, input.couponId), eq(coupons.memberId, input.memberId)));
  return current?.status === 'used' && current.usedOrderId === input.orderId ? 'already_used' : 'unavailable';
}
