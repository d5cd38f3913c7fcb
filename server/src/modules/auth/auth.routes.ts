import { LogoutResponse, WechatLoginRequest, WechatLoginResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth, revokeSession } from '../../http/auth';
import type { ServerContext } from '../../server';
import { assertLoginSourceExists, exchangeLoginCode, signInMember } from './auth.service';

export function registerAuthRoutes(api: ApiRouter, context: ServerContext): void {
  api.add({
    method: 'post',
    path: '/auth/wechat',
    summary: 'Sign in with a wx.login code (creates the member on first login)',
    description:
      'Exchanges the code through jscode2session, finds or creates the member by openid and opens a 30-day session. ' +
      '`source` (channel, scene, store, inviter) is recorded only when the member is created; a store or inviter that ' +
      'does not exist is a 400 before the code is spent. An invalid code is a 400 and a used code a 401 (both naming ' +
      '`body.code`); WeChat being unavailable is a 503.',
    tags: ['auth'],
    body: WechatLoginRequest,
    response: WechatLoginResponse,
    errors: [401, 403, 409, 503],
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
