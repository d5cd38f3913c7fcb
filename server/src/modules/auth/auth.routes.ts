import { LogoutResponse, WechatLoginRequest, WechatLoginResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth, revokeSession } from '../../http/auth';
import { throttleAddressOf } from '../../http/client-address';
import { rateLimit, type RateLimit } from '../../http/rate-limit';
import type { ServerContext } from '../../server';
import { assertLoginSourceExists, exchangeLoginCode, signInMember } from './auth.service';

/**
 * Sign-ins per client address. Generous: shoppers behind one carrier NAT or a store's Wi-Fi share an address, and a
 * mini-program signs in on every cold start; it stops one address hammering jscode2session and creating members.
 */
export const DEFAULT_SIGN_IN_RATE_LIMIT: RateLimit = { ratePerSecond: 1, burst: 30 };

export interface AuthRouteOptions {
  /** Per-address limit on shopper sign-ins; relaxed by load tests that sign many shoppers in from one address. */
  signInRateLimit?: RateLimit;
}

export function registerAuthRoutes(api: ApiRouter, context: ServerContext, options: AuthRouteOptions = {}): void {
  const limit = options.signInRateLimit ?? DEFAULT_SIGN_IN_RATE_LIMIT;
  api.add({
    method: 'post',
    path: '/auth/wechat',
    summary: 'Sign in with a wx.login code (creates the member on first login)',
    description:
      'Exchanges the code through jscode2session, finds or creates the member by openid and opens a 30-day session. ' +
      '`source` (channel, scene, store, inviter) is recorded only when the member is created; a store or inviter that ' +
      'does not exist is a 400 before the code is spent. An invalid code is a 400 and a used code a 401 (both naming ' +
      `\`body.code\`); WeChat being unavailable is a 503. At most ${limit.burst} sign-ins at once and ` +
      `${limit.ratePerSecond} a second after that per client address (an IPv6 client by its /64; per server instance): beyond that 429 ` +
      'RATE_LIMITED with Retry-After, before the code is spent.',
    tags: ['auth'],
    body: WechatLoginRequest,
    response: WechatLoginResponse,
    errors: [401, 403, 409, 429, 503],
    middleware: [
      rateLimit({ limit, clock: context.clock, keyOf: (ctx) => throttleAddressOf(ctx.ip), message: '登录太频繁，请稍后再试' }),
    ],
    handler: async ({ body }) => {
      await assertLoginSourceExists(context.database, body.source);
      const session = await exchangeLoginCode(context, body.code);
      return signInMember(context.database, session, body.source, context.clock());
    },
  });

  api.add({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the current session',
    tags: ['auth'],
    security: ['member'],
    middleware: [memberAuth(context.database, context.clock)],
    response: LogoutResponse,
    errors: [401],
    handler: async (_input, ctx) => {
      await revokeSession(context.database.db, 'member', currentMember(ctx).sessionId, context.clock());
      return { revoked: true as const };
    },
  });
}
