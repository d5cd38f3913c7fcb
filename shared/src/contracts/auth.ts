import { z } from 'zod';
import { text } from './common';
import { TIER_CODES } from '../vocabulary';

const positiveId = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/** Where a first-time shopper came from; recorded only when the member is created. */
export const LoginSource = z.object({
  channel: text(32).optional().meta({ description: 'e.g. share, qr_store, search, ad' }),
  scene: z
    .union([text(64), z.int().nonnegative().transform(String)])
    .optional()
    .meta({ description: 'The mini-program launch scene (wx.getLaunchOptionsSync().scene) or a QR scene string' }),
  storeId: positiveId.optional().meta({ description: 'Store whose QR code brought the shopper; must exist' }),
  inviterMemberId: positiveId.optional().meta({ description: 'Member who shared the link; must exist' }),
});
export type LoginSource = z.infer<typeof LoginSource>;

export const WechatLoginRequest = z
  .object({
    code: text(128).meta({ description: 'The code from wx.login (valid once, 5 minutes)' }),
    source: LoginSource.optional(),
  })
  .meta({ id: 'WechatLoginRequest' });
export type WechatLoginRequest = z.infer<typeof WechatLoginRequest>;

/** The signed-in member as the login answer shows it; GET /api/me has the full profile. */
export const MemberSummary = z.object({
  id: z.int(),
  nickname: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  tier: z.enum(TIER_CODES),
  hasPhone: z.boolean(),
  isNew: z.boolean().meta({ description: 'True when this login created the member' }),
});
export type MemberSummary = z.infer<typeof MemberSummary>;

export const WechatLoginResponse = z
  .object({
    token: z.string().meta({ description: 'Bearer token for the Authorization header' }),
    expiresAt: z.iso.datetime(),
    member: MemberSummary,
  })
  .meta({ id: 'WechatLoginResponse' });
export type WechatLoginResponse = z.infer<typeof WechatLoginResponse>;

export const LogoutResponse = z.object({ revoked: z.literal(true) }).meta({ id: 'LogoutResponse' });
export type LogoutResponse = z.infer<typeof LogoutResponse>;
