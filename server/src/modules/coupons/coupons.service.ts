import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  bestCoupon,
  couponDiscount,
  formatYuan,
  type BestCouponRequest,
  type BestCouponResponse,
  type ClaimableCouponsResponse,
  type WalletResponse,
  type WalletStatus,
} from '@member-ops/shared';
import type { Executor } from '../../db';
import { categories, couponTemplates, coupons, products, skus } from '../../db/schema';
import { AppError } from '../../errors';
import { describeCouponTerms, termsOf } from './coupon-terms';
import { selectCouponsWithTemplate, toWalletView } from './coupons.repo';

const at = (now: Date) => sql`${now.toISOString()}::timestamptz`;

/** Active claimable templates open at `now` with stock left, and whether this member may claim one more. */
export async function claimableCoupons(executor: Executor, memberId: number, now: Date): Promise<ClaimableCouponsResponse> {
  // Qualified by hand: Drizzle writes a bare "id" here, which the subquery would read as the coupon's id. The
  // literal 'claim' lets the planner use coupons_member_claims_idx: only this member's claims are read.
  const claimedCount = sql<number>`(select count(*)::int from coupons c
    where c.member_id = ${memberId} and c.template_id = coupon_templates.id and c.source = 'claim')`;
  const rows = await executor
    .select({ template: couponTemplates, claimedCount })
    .from(couponTemplates)
    .where(
      and(
        eq(couponTemplates.status, 'active'),
        eq(couponTemplates.claimable, true),
        sql`(${couponTemplates.validityKind} <> 'fixed' or (${couponTemplates.validFrom} <= ${at(now)} and ${couponTemplates.validTo} > ${at(now)}))`,
        sql`(${couponTemplates.totalStock} is null or ${couponTemplates.issuedCount} < ${couponTemplates.totalStock})`,
      ),
    )
    .orderBy(asc(couponTemplates.id));
  return {
    items: rows.map(({ template, claimedCount: claimed }) => {
      const terms = termsOf(template);
      return {
        templateId: template.id,
        name: template.name,
        description: describeCouponTerms(terms),
        terms: { ...terms, applicableCategories: [...terms.applicableCategories] },
        validity: {
          kind: template.validityKind,
          validFrom: template.validFrom?.toISOString() ?? null,
          validTo: template.validTo?.toISOString() ?? null,
          validDays: template.validDays,
        },
        remainingStock: template.totalStock === null ? null : template.totalStock - template.issuedCount,
        perMemberLimit: template.perMemberLimit,
        claimedCount: Number(claimed),
        canClaim: template.perMemberLimit === null || Number(claimed) < template.perMemberLimit,
      };
    }),
  };
}

function walletFilter(status: WalletStatus | undefined, now: Date): SQL {
  switch (status) {
    case 'available':
      return sql`${coupons.status} = 'available' and ${coupons.validTo} > ${at(now)}`;
    case 'expired':
      return sql`(${coupons.status} = 'expired' or (${coupons.status} = 'available' and ${coupons.validTo} <= ${at(now)}))`;
    case 'locked':
    case 'used':
      return sql`${coupons.status} = ${status}`;
    case undefined:
      return sql`${coupons.status} <> 'revoked'`;
  }
}

/** The member's coupons, usable ones first and soonest to expire first. */
export async function wallet(
  executor: Executor,
  memberId: number,
  query: { status?: WalletStatus; page: number; pageSize: number },
  now: Date,
): Promise<WalletResponse> {
  const where = and(eq(coupons.memberId, memberId), walletFilter(query.status, now));
  const [counted] = await executor.select({ total: count() }).from(coupons).where(where);
  const rank = sql`case when ${coupons.status} = 'available' and ${coupons.validTo} > ${at(now)} then 0
    when ${coupons.status} = 'locked' then 1 when ${coupons.status} = 'used' then 2 else 3 end`;
  // Within one status every coupon has the same rank, so a tab is read in (member, status, valid_to) index order
  // and stops at the page instead of sorting the member's whole history of that status.
  const order =
    query.status === undefined ? [rank, asc(coupons.validTo), asc(coupons.id)] : [asc(coupons.validTo), asc(coupons.id)];
  const rows = await selectCouponsWithTemplate(executor, where)
    .orderBy(...order)
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  return {
    items: rows.map((row) => toWalletView(row, now)),
    page: query.page,
    pageSize: query.pageSize,
    total: counted?.total ?? 0,
  };
}

/** Cart lines priced from the catalogue; a SKU that is unknown or not for sale is a 422 naming its line. */
async function priceCart(executor: Executor, items: BestCouponRequest['items']) {
  const skuIds = [...new Set(items.map((item) => item.skuId))];
  const rows = await executor
    .select({ id: skus.id, priceFen: skus.priceFen, category: categories.code })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(and(inArray(skus.id, skuIds), eq(skus.active, true), eq(products.status, 'on_sale')));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = items.flatMap((item, index) =>
    byId.has(item.skuId) ? [] : [{ field: `body.items.${index}.skuId`, message: `SKU ${item.skuId} is not for sale` }],
  );
  if (missing.length > 0) {
    throw new AppError('UNPROCESSABLE', `Some items cannot be bought: ${missing[0]?.message ?? ''}`, missing);
  }
  return items.map((item) => {
    const sku = byId.get(item.skuId);
    if (!sku) throw new Error('priced SKU vanished');
    return { category: sku.category, lineTotalFen: sku.priceFen * item.quantity };
  });
}

/** Which of the member's usable coupons fits this cart best, and why each other one does or does not apply. */
export async function suggestCoupon(
  executor: Executor,
  memberId: number,
  request: BestCouponRequest,
  now: Date,
): Promise<BestCouponResponse> {
  const lines = await priceCart(executor, request.items);
  const usable = await selectCouponsWithTemplate(
    executor,
    and(
      eq(coupons.memberId, memberId),
      eq(coupons.status, 'available'),
      sql`${coupons.validFrom} <= ${at(now)} and ${coupons.validTo} > ${at(now)}`,
    ),
  ).orderBy(asc(coupons.validTo), asc(coupons.id));
  const walletCoupons = usable.map(({ coupon, template }) => ({
    id: coupon.id,
    terms: termsOf(template),
    validFrom: coupon.validFrom,
    validTo: coupon.validTo,
  }));
  const best = bestCoupon(walletCoupons, lines, request.shippingFen, now);
  return {
    itemsTotalFen: lines.reduce((sum, line) => sum + line.lineTotalFen, 0),
    shippingFen: request.shippingFen,
    suggested: best ? { couponId: best.id, discountFen: best.discountFen } : null,
    coupons: usable.map((row) => {
      const decision = couponDiscount(termsOf(row.template), lines, request.shippingFen);
      const view = toWalletView(row, now);
      if (!decision.applicable) {
        return {
          coupon: view,
          applicable: false,
          discountFen: 0,
          reason: decision.reason,
          shortFen: decision.shortFen,
          message:
            decision.reason === 'below_threshold'
              ? `还差${formatYuan(decision.shortFen, { trimZeros: true })}可用`
              : '所选商品不在适用范围内',
        };
      }
      return {
        coupon: view,
        applicable: true,
        discountFen: decision.discountFen,
        reason: null,
        shortFen: 0,
        message:
          decision.discountFen > 0 ? `可减${formatYuan(decision.discountFen, { trimZeros: true })}` : '可用，本单无可减金额',
      };
    }),
  };
}
