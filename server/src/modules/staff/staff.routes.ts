import type { Context } from 'koa';
import { LogoutResponse, StaffLoginRequest, StaffLoginResponse, StaffProfile } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentStaff, revokeSession, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { ACCOUNT_POLICY, ADDRESS_POLICY, KNOWN_ADDRESS_DAYS } from './sign-in-throttle';
import { SignInThrottledError, auditStaffLogout, loadStaffProfile, staffLogin, type LoginMeta } from './staff-login.service';

const metaOf = (ctx: Context): LoginMeta => ({
  ip: ctx.ip,
  userAgent: ctx.get('user-agent').slice(0, 256),
  requestId: ctx.state.requestId,
});

export function registerStaffLoginRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = [staffAuth(context.database, context.clock)];

  api.add({
    method: 'post',
    path: '/staff/login',
    summary: 'Staff sign-in with username and password',
    description:
      'An unknown username and a wrong password both answer 401 "账号或密码错误". Failures are throttled per (client ' +
      `address, account name): after ${ADDRESS_POLICY.lockAfter} in a row that address is refused for ` +
      `${ADDRESS_POLICY.firstLockSeconds / 60} minute, doubling with each further failure up to ` +
      `${ADDRESS_POLICY.maxLockSeconds / 60} minutes (429 RATE_LIMITED with Retry-After, whatever the password); other ` +
      `addresses are not affected. ${ACCOUNT_POLICY.lockAfter} failures of one account from all addresses together ` +
      `lock it the same way for every address it has not signed in from within ${KNOWN_ADDRESS_DAYS} days. Names ` +
      'that belong to no account are throttled exactly alike. A successful sign-in clears its address; an admin can ' +
      'unlock (POST /api/admin/staff/:staffId/unlock). Every attempt and every lockout is audited.',
    tags: ['staff'],
    body: StaffLoginRequest,
    response: StaffLoginResponse,
    errors: [401, 429],
    handler: async ({ body }, ctx) => {
      try {
        return await staffLogin(context.database, body, metaOf(ctx), context.clock());
      } catch (error) {
        if (error instanceof SignInThrottledError) ctx.set('Retry-After', String(error.retryAfterSeconds));
        throw error;
      }
    },
  });

  api.add({
    method: 'post',
    path: '/staff/logout',
    summary: 'Revoke the current staff session',
    tags: ['staff'],
    security: ['staff'],
    middleware: auth,
    response: LogoutResponse,
    errors: [401],
    handler: async (_input, ctx) => {
      const staff = currentStaff(ctx);
      await revokeSession(context.database.db, 'staff', staff.sessionId, context.clock());
      await auditStaffLogout(context.database, staff.id, metaOf(ctx));
      return { revoked: true as const };
    },
  });

  api.add({
    method: 'get',
    path: '/staff/me',
    summary: 'The signed-in staff member',
    tags: ['staff'],
    security: ['staff'],
    middleware: auth,
    response: StaffProfile,
    errors: [401],
    handler: (_input, ctx) => loadStaffProfile(context.database, currentStaff(ctx).id),
  });
}
