import { z } from 'zod';
import { COUPON_KINDS } from '../coupons';
import { PageQuery } from './common';

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const isoTime = z.iso.datetime();

/** A template's discount terms, as the coupon calculator in shared/src/coupons reads them. */
export const CouponTermsView = z.object({
  type: z.enum(COUPON_KINDS),
  thresholdFen: z.number().int(),
  amountOffFen: z.number().int().nullable(),
  percentOffBp: z.number().int().nullable().meta({ description: '1500 = 15 % off (8.5折)' }),
  capFen: z.number().int().nullable(),
  applicableCategories: z.array(z.string()).meta({ description: 'Category codes; empty = every category' }),
});

export const ClaimableCoupon = z.object({
  templateId: z.number().int(),
  name: z.string(),
  description: z.string().meta({ description: 'The terms in Chinese, e.g. 满100减20' }),
  terms: CouponTermsView,
  validity: z.object({
    kind: z.enum(['fixed', 'days_after_issue']),
    validFrom: isoTime.nullable(),
    validTo: isoTime.nullable(),
    validDays: z.number().int().nullable(),
  }),
  remainingStock: z.number().int().nullable().meta({ description: 'Null when unlimited' }),
  perMemberLimit: z.number().int().nullable(),
  claimedCount: z.number().int(),
  canClaim: z.boolean(),
});

export const ClaimableCouponsResponse = z.object({ items: z.array(ClaimableCoupon) }).meta({ id: 'ClaimableCouponsResponse' });
export type ClaimableCouponsResponse = z.infer<typeof ClaimableCouponsResponse>;

export const CouponTemplateIdParams = z.object({ templateId: z.coerce.number().pipe(positiveId) });

/** How a coupon looks in the wallet; `expired` is computed from valid_to even before a job marks it. */
export const WALLET_STATUSES = ['available', 'locked', 'used', 'expired'] as const;
export type WalletStatus = (typeof WALLET_STATUSES)[number];

export const WalletCouponView = z.object({
  id: z.number().int(),
  code: z.string(),
  templateId: z.number().int(),
  name: z.string(),
  description: z.string(),
  terms: CouponTermsView,
  status: z.enum(WALLET_STATUSES),
  source: z.string(),
  issuedAt: isoTime,
  validFrom: isoTime,
  validTo: isoTime,
  usedAt: isoTime.nullable(),
});
export type WalletCouponView = z.infer<typeof WalletCouponView>;

export const CouponClaimResponse = z.object({ coupon: WalletCouponView }).meta({ id: 'CouponClaimResponse' });

export const WalletQuery = PageQuery.extend({ status: z.enum(WALLET_STATUSES).optional() });

export const WalletResponse = z
  .object({ items: z.array(WalletCouponView), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .meta({ id: 'WalletResponse' });
export type WalletResponse = z.infer<typeof WalletResponse>;

export const BestCouponRequest = z.object({
  items: z
    .array(z.object({ skuId: positiveId, quantity: z.number().int().min(1).max(999) }))
    .min(1)
    .max(100),
  shippingFen: z.number().int().min(0).max(10_000_000).default(0),
});
export type BestCouponRequest = z.infer<typeof BestCouponRequest>;

export const BestCouponResponse = z
  .object({
    itemsTotalFen: z.number().int(),
    shippingFen: z.number().int(),
    suggested: z.object({ couponId: z.number().int(), discountFen: z.number().int() }).nullable(),
    coupons: z.array(
      z.object({
        coupon: WalletCouponView,
        applicable: z.boolean(),
        discountFen: z.number().int(),
        reason: z.enum(['below_threshold', 'no_eligible_items']).nullable(),
        shortFen: z.number().int().meta({ description: 'How much more eligible spend the threshold needs' }),
        message: z.string().meta({ description: 'Why it does or does not apply, in Chinese' }),
      }),
    ),
  })
  .meta({ id: 'BestCouponResponse' });
export type BestCouponResponse = z.infer<typeof BestCouponResponse>;

export const RedeemCouponParams = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z]{4,32}$/, 'a coupon code is 4–32 letters or digits'),
});

export const RedeemCouponRequest = z.object({
  storeId: positiveId
    .optional()
    .meta({ description: 'Where it is redeemed; store staff default to (and may only use) their own' }),
});

export const RedeemCouponResponse = z
  .object({
    coupon: WalletCouponView,
    memberId: z.number().int(),
    storeId: z.number().int().nullable(),
    redeemedByStaffId: z.number().int(),
  })
  .meta({ id: 'RedeemCouponResponse' });
export type RedeemCouponResponse = z.infer<typeof RedeemCouponResponse>;
