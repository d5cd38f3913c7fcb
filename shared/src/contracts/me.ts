import { z } from 'zod';
import { text } from './common';
import { GENDERS, LIFECYCLE_STAGES, PRICE_BANDS, TIER_CODES } from '../vocabulary';

export const TierProgressView = z.object({
  tier: z.enum(TIER_CODES).meta({ description: 'Effective tier after any due upgrade or review' }),
  keepUntil: z.iso.datetime().nullable(),
  growthFen: z.int(),
  next: z.object({ tier: z.enum(TIER_CODES), amountFen: z.int(), by: z.iso.datetime().nullable() }).nullable(),
  keep: z.object({ tier: z.enum(TIER_CODES), amountFen: z.int(), by: z.iso.datetime(), countsFrom: z.iso.datetime() }).nullable(),
  ratio: z.number().min(0).max(1),
  upgradeHint: z.string().nullable().meta({ description: 'e.g. 再消费¥1,234.00（2027-03-31前）即可升级金卡会员' }),
  keepHint: z.string().nullable().meta({ description: 'e.g. 再消费¥800.00（2027-03-15前）即可保级银卡会员' }),
});
export type TierProgressView = z.infer<typeof TierProgressView>;

export const MeResponse = z
  .object({
    id: z.int(),
    nickname: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    gender: z.enum(GENDERS),
    birthday: z.iso.date().nullable(),
    region: z.string().nullable(),
    hasPhone: z.boolean(),
    maskedPhone: z.string().nullable().meta({ description: 'e.g. 138****8000; the full number is never returned' }),
    tier: z.enum(TIER_CODES),
    tierLabel: z.string(),
    pointsBalance: z.int(),
    tierProgress: TierProgressView,
    lifecycle: z.enum(LIFECYCLE_STAGES),
    lifecycleLabel: z.string(),
    preferences: z.object({
      topCategories: z.array(z.string()),
      topBrands: z.array(z.string()),
      priceBand: z.enum(PRICE_BANDS).nullable(),
    }),
    registeredAt: z.iso.datetime(),
    privacyConsentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'MeResponse' });
export type MeResponse = z.infer<typeof MeResponse>;

export const UpdateMeRequest = z
  .object({
    nickname: text(32).optional(),
    avatarUrl: z
      .url({ protocol: /^https?$/ })
      .max(512)
      .optional(),
    birthday: z.iso.date().optional().meta({
      description: 'YYYY-MM-DD, a past date. Can be set once: it drives birthday coupons, so a later change is refused (409)',
    }),
    gender: z.enum(GENDERS).optional(),
    region: text(64).optional().meta({ description: 'e.g. 上海市 浦东新区' }),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change')
  .meta({ id: 'UpdateMeRequest' });
export type UpdateMeRequest = z.infer<typeof UpdateMeRequest>;

export const BindPhoneRequest = z
  .object({ code: text(128).meta({ description: 'The code from the getPhoneNumber button' }) })
  .meta({ id: 'BindPhoneRequest' });
export type BindPhoneRequest = z.infer<typeof BindPhoneRequest>;

export const BindPhoneResponse = z
  .object({ hasPhone: z.literal(true), maskedPhone: z.string() })
  .meta({ id: 'BindPhoneResponse' });
export type BindPhoneResponse = z.infer<typeof BindPhoneResponse>;

export const PrivacyConsentResponse = z.object({ privacyConsentAt: z.iso.datetime() }).meta({ id: 'PrivacyConsentResponse' });
export type PrivacyConsentResponse = z.infer<typeof PrivacyConsentResponse>;
