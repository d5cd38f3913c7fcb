import { eq, type SQL } from 'drizzle-orm';
import type { WalletCouponView, WalletStatus } from '@member-ops/shared';
import type { Executor } from '../../db';
import { couponTemplates, coupons } from '../../db/schema';
import { describeCouponTerms, termsOf, type CouponTemplateRow } from './coupon-terms';

export type CouponRow = typeof coupons.$inferSelect;

export interface CouponWithTemplate {
  coupon: CouponRow;
  template: CouponTemplateRow;
}

/** What the member sees: `available` past its valid_to is `expired` before any job marks it. */
export function walletStatusOf(coupon: Pick<CouponRow, 'status' | 'validTo'>, now: Date): WalletStatus | 'revoked' {
  if (coupon.status === 'available' && coupon.validTo.getTime() <= now.getTime()) return 'expired';
  return coupon.status;
}

export function toWalletView({ coupon, template }: CouponWithTemplate, now: Date): WalletCouponView {
  const status = walletStatusOf(coupon, now);
  const terms = termsOf(template);
  return {
    id: coupon.id,
    code: coupon.code,
    templateId: template.id,
    name: template.name,
    description: describeCouponTerms(terms),
    terms: { ...terms, applicableCategories: [...terms.applicableCategories] },
    // A revoked coupon is never listed; should one be shown anyway, it reads as expired.
    status: status === 'revoked' ? 'expired' : status,
    source: coupon.source,
    issuedAt: coupon.issuedAt.toISOString(),
    validFrom: coupon.validFrom.toISOString(),
    validTo: coupon.validTo.toISOString(),
    usedAt: coupon.usedAt?.toISOString() ?? null,
  };
}

/** Coupons joined with their templates. */
export function selectCouponsWithTemplate(executor: Executor, where: SQL | undefined) {
  return executor
    .select({ coupon: coupons, template: couponTemplates })
    .from(coupons)
    .innerJoin(couponTemplates, eq(couponTemplates.id, coupons.templateId))
    .where(where);
}

export async function couponWithTemplate(executor: Executor, where: SQL | undefined): Promise<CouponWithTemplate | undefined> {
  const [row] = await selectCouponsWithTemplate(executor, where).limit(1);
  return row;
}
