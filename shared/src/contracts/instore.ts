import { z } from 'zod';
import { text } from './common';
import { LIFECYCLE_STAGES, PRICE_BANDS, TIER_CODES } from '../vocabulary';
import { WalletCouponView } from './coupons';
import { OrderStatus } from './orders';

/** The member QR code changes every minute; a scanned code stays valid a little longer for a slow checkout. */
export const MEMBER_CODE_REFRESH_SECONDS = 60;
export const MEMBER_CODE_TTL_SECONDS = 120;

const MemberCodeToken = z
  .string()
  .trim()
  .regex(/^MC1\.[A-Za-z0-9_-]{40,80}$/, 'not a member code (scan the QR code on the member page)');

export const MemberCodeResponse = z
  .object({
    code: MemberCodeToken.meta({ description: 'Opaque, signed and encrypted; shown as a QR code' }),
    expiresAt: z.iso.datetime(),
    refreshInSeconds: z.int().positive(),
  })
  .meta({ id: 'MemberCodeResponse' });
export type MemberCodeResponse = z.infer<typeof MemberCodeResponse>;

export const StaffMemberLookupQuery = z
  .object({
    code: MemberCodeToken.optional().meta({ description: 'A scanned member code' }),
    phoneTail: z
      .string()
      .trim()
      .regex(/^\d{4}$/, 'the last 4 digits of the phone number')
      .optional(),
  })
  .refine((query) => (query.code === undefined) !== (query.phoneTail === undefined), {
    message: 'give either code or phoneTail',
    path: ['code'],
  })
  .meta({ id: 'StaffMemberLookupQuery' });
export type StaffMemberLookupQuery = z.infer<typeof StaffMemberLookupQuery>;

export const StaffMemberCandidate = z.object({
  id: z.int(),
  nickname: z.string().nullable(),
  maskedPhone: z.string().nullable(),
  tier: z.enum(TIER_CODES),
  tierLabel: z.string(),
  registeredAt: z.iso.datetime(),
});
export type StaffMemberCandidate = z.infer<typeof StaffMemberCandidate>;

export const StaffMemberLookupResponse = z
  .object({ items: z.array(StaffMemberCandidate).meta({ description: 'Members in the staff member’s scope, at most 20' }) })
  .meta({ id: 'StaffMemberLookupResponse' });
export type StaffMemberLookupResponse = z.infer<typeof StaffMemberLookupResponse>;

export const StaffMemberIdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const StaffRecentOrder = z.object({
  id: z.int(),
  orderNo: z.string(),
  channel: z.enum(['mini_program', 'pos']),
  status: OrderStatus,
  payableFen: z.int(),
  paidFen: z.int(),
  refundedFen: z.int(),
  itemCount: z.int(),
  createdAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
});

/** What the counter sees after a scan: enough to serve the member, phone masked. */
export const StaffMemberCardResponse = z
  .object({
    id: z.int(),
    nickname: z.string().nullable(),
    maskedPhone: z.string().nullable(),
    tier: z.enum(TIER_CODES),
    tierLabel: z.string(),
    upgradeHint: z.string().nullable(),
    keepHint: z.string().nullable(),
    pointsBalance: z.int(),
    lifecycle: z.enum(LIFECYCLE_STAGES),
    lifecycleLabel: z.string(),
    preferences: z.object({
      topCategories: z.array(z.string()),
      topBrands: z.array(z.string()),
      priceBand: z.enum(PRICE_BANDS).nullable(),
    }),
    recentOrders: z.array(StaffRecentOrder),
    coupons: z.array(WalletCouponView).meta({ description: 'Coupons the member can use now' }),
  })
  .meta({ id: 'StaffMemberCardResponse' });
export type StaffMemberCardResponse = z.infer<typeof StaffMemberCardResponse>;

export const InStorePurchaseRequest = z
  .object({
    requestId: z
      .string()
      .regex(/^[\w-]{8,64}$/, '8-64 letters, digits, _ or -')
      .meta({ description: 'Made once per purchase by the staff app; a retry with the same id records nothing new' }),
    amountFen: z.int().min(1).max(100_000_000).meta({ description: 'What the member paid at the till, in fen' }),
    note: text(80).optional().meta({ description: 'e.g. the till receipt number' }),
    storeId: z
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'Store staff default to (and may only use) their own store' }),
  })
  .meta({ id: 'InStorePurchaseRequest' });
export type InStorePurchaseRequest = z.infer<typeof InStorePurchaseRequest>;

export const InStorePurchaseResponse = z
  .object({
    orderId: z.int(),
    orderNo: z.string(),
    amountFen: z.int(),
    pointsEarned: z.int(),
    pointsBalance: z.int(),
    tier: z.enum(TIER_CODES),
    tierChanged: z.boolean(),
    duplicate: z.boolean().meta({ description: 'True when this request id had already been recorded' }),
  })
  .meta({ id: 'InStorePurchaseResponse' });
export type InStorePurchaseResponse = z.infer<typeof InStorePurchaseResponse>;
