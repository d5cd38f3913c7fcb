import { sql } from 'drizzle-orm';
import type { Context } from 'koa';
import { EraseMemberRequest, EraseMemberResponse, MemberDataExport, MemberParams } from '@member-ops/shared';
import { execute, type Database } from '../../db';
import { AppError } from '../../errors';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, currentStaff, memberAuth, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { recordAudit } from '../payments';
import { eraseMember } from './erase.service';
import { exportMemberData } from './export.service';

/** A member may download their data this many times per hour; counted from the audit log, so across servers. */
export const MEMBER_EXPORTS_PER_HOUR = 3;
const HOUR_MS = 3_600_000;

async function assertExportAllowed(database: Database, memberId: number, now: Date, ctx: Context): Promise<void> {
  const since = new Date(now.getTime() - HOUR_MS);
  const recent = await execute<{ at: Date }>(
    database.db,
    sql`select at from audit_log where action = 'member.export' and actor_member_id = ${memberId} and at > ${since}
         order by at desc limit ${MEMBER_EXPORTS_PER_HOUR}`,
  );
  const oldest = recent.at(-1);
  if (recent.length >= MEMBER_EXPORTS_PER_HOUR && oldest) {
    const waitMs = oldest.at.getTime() + HOUR_MS - now.getTime();
    ctx.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    throw new AppError('RATE_LIMITED', `个人信息导出每小时最多${MEMBER_EXPORTS_PER_HOUR}次，请稍后再试`);
  }
}

/** Counts only, never the data itself, go into the audit row. */
const exportSummary = (data: MemberDataExport) => ({
  orders: data.orders.length,
  pointsEntries: data.pointsLedger.length,
  coupons: data.coupons.length,
  events: data.eventsTotal,
});

const attachment = (ctx: Context, memberId: number, now: Date) =>
  ctx.set('Content-Disposition', `attachment; filename="member-${memberId}-data-${now.toISOString().slice(0, 10)}.json"`);

export function registerPrivacyRoutes(api: ApiRouter, context: ServerContext): void {
  const { database } = context;
  const member = { tags: ['me', 'privacy'], security: ['member'], middleware: [memberAuth(database, context.clock)] };
  const admins = {
    tags: ['admin', 'privacy'],
    security: ['staff'],
    middleware: [staffAuth(database, context.clock), requireRole('admin')],
  };

  api.add({
    ...member,
    method: 'get',
    path: '/me/export',
    summary: 'Download all personal data held about the signed-in member (JSON); audited',
    description:
      'Profile (phone in full), membership and segments, shipping addresses, orders with lines, payments, refunds, ' +
      `points ledger, coupons, consents, behaviour events (the latest 10,000), reviews, sign-ins and follow-ups. ` +
      `At most ${MEMBER_EXPORTS_PER_HOUR} exports per member per hour (429 with Retry-After beyond that).`,
    response: MemberDataExport,
    errors: [401, 429],
    handler: async (_input, ctx) => {
      const memberId = currentMember(ctx).id;
      const now = context.clock();
      await assertExportAllowed(database, memberId, now, ctx);
      const data = await exportMemberData(database, memberId, context.wechat.phoneKeys, now);
      await recordAudit(
        database.db,
        now,
        'member.export',
        'member',
        memberId,
        { requestedBy: 'member', ...exportSummary(data) },
        {
          memberId,
        },
      );
      attachment(ctx, memberId, now);
      return data;
    },
  });

  api.add({
    ...member,
    method: 'post',
    path: '/me/erase',
    summary: 'Delete the signed-in member’s personal data (cannot be undone); audited',
    description:
      'Personal data is anonymised in one transaction; orders, payments, refunds, the points ledger and coupons keep ' +
      'their rows and amounts under the anonymous member. Every session ends; signing in again with the same WeChat ' +
      'account starts a new membership. 409 while an order awaits payment or a refund is in progress.',
    body: EraseMemberRequest,
    response: EraseMemberResponse,
    errors: [401, 409],
    handler: ({ body: _confirmed }, ctx) => eraseMember(database, currentMember(ctx).id, { kind: 'member' }, context.clock()),
  });

  api.add({
    ...admins,
    method: 'get',
    path: '/admin/members/:memberId/export',
    summary: 'Export all personal data of one member (JSON, phone in full), e.g. on their request; admins only, audited',
    params: MemberParams,
    response: MemberDataExport,
    errors: [401, 403, 404],
    handler: async ({ params }, ctx) => {
      const staff = currentStaff(ctx);
      const now = context.clock();
      const data = await exportMemberData(database, params.memberId, context.wechat.phoneKeys, now);
      await recordAudit(
        database.db,
        now,
        'member.export',
        'member',
        params.memberId,
        { requestedBy: 'staff', ...exportSummary(data) },
        { staffId: staff.id, ip: ctx.ip, requestId: ctx.state.requestId },
      );
      attachment(ctx, params.memberId, now);
      return data;
    },
  });

  api.add({
    ...admins,
    method: 'post',
    path: '/admin/members/:memberId/erase',
    summary: 'Erase one member’s personal data on their request (cannot be undone); admins only, audited',
    description:
      'The same anonymisation as POST /api/me/erase. 404 for an unknown or already erased member, 409 while money is moving.',
    params: MemberParams,
    body: EraseMemberRequest,
    response: EraseMemberResponse,
    errors: [401, 403, 404, 409],
    handler: ({ params }, ctx) =>
      eraseMember(
        database,
        params.memberId,
        { kind: 'staff', staffId: currentStaff(ctx).id, ip: ctx.ip, requestId: ctx.state.requestId },
        context.clock(),
      ),
  });
}
