import type { Context } from 'koa';
import { z } from 'zod';
import {
  AssignmentResponse,
  AutoAssignRequest,
  ContactExportQuery,
  ContactListQuery,
  ContactListResponse,
  ContactSummaryQuery,
  ContactSummaryResponse,
  CreateFollowupRequest,
  FollowupIdParams,
  FollowupListQuery,
  FollowupListResponse,
  FollowupResponse,
  FullPhoneResponse,
  HandoverRequest,
  MemberIdParams,
  RepsQuery,
  RepsResponse,
  UpdateFollowupRequest,
} from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentStaff, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { changeFollowup, createFollowup, listFollowups } from './followups.service';
import {
  autoAssign,
  contactSummary,
  exportContacts,
  handover,
  listContacts,
  listReps,
  revealPhone,
  type RepsDeps,
} from './reps.service';

export function registerRepsRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = staffAuth(context.database, context.clock);
  const repsAndManagers = [auth, requireRole('sales_rep', 'admin', 'operator')];
  const managers = [auth, requireRole('admin', 'operator')];
  const deps = (ctx: Context): RepsDeps => ({
    database: context.database,
    phoneKeys: context.wechat.phoneKeys,
    now: context.clock(),
    actor: { staffId: currentStaff(ctx).id, ip: ctx.ip, requestId: ctx.state.requestId },
  });
  const common = { tags: ['reps', 'staff'], security: ['staff'] };

  api.add({
    ...common,
    method: 'get',
    path: '/staff/contacts',
    summary:
      'A rep’s contact list for a tier or segment, ranked by predicted value and churn risk, with the tier’s FABE talk-tracks',
    description: 'Sales reps see only their own members; admins and operators name the rep with repId.',
    query: ContactListQuery,
    response: ContactListResponse,
    middleware: repsAndManagers,
    errors: [401, 403, 404],
    handler: ({ query }, ctx) => listContacts(deps(ctx), currentStaff(ctx), query),
  });
  api.add({
    ...common,
    method: 'get',
    path: '/staff/contacts/summary',
    summary: 'Members and open follow-ups per tier in a rep’s portfolio',
    query: ContactSummaryQuery,
    response: ContactSummaryResponse,
    middleware: repsAndManagers,
    errors: [401, 403, 404],
    handler: ({ query }, ctx) => contactSummary(deps(ctx), currentStaff(ctx), query.repId),
  });
  api.add({
    ...common,
    method: 'get',
    path: '/staff/contacts/export',
    summary: 'The contact list as CSV for Excel (UTF-8 with BOM); audited',
    description: 'Phones are in full only when the rep exports their own members; otherwise masked.',
    query: ContactExportQuery,
    response: z.string(),
    middleware: repsAndManagers,
    errors: [401, 403, 404],
    handler: async ({ query }, ctx) => {
      const csv = await exportContacts(deps(ctx), currentStaff(ctx), query);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="contacts-${query.tier ?? 'all'}.csv"`);
      return csv;
    },
  });
  api.add({
    ...common,
    method: 'get',
    path: '/staff/members/:memberId/phone',
    summary: 'A member’s full phone number (audited); only for members the caller may see',
    params: MemberIdParams,
    response: FullPhoneResponse,
    middleware: [auth],
    errors: [401, 404],
    handler: ({ params }, ctx) => revealPhone(deps(ctx), currentStaff(ctx), params.memberId),
  });
  api.add({
    ...common,
    method: 'get',
    path: '/staff/followups',
    summary: 'Follow-up tasks: a rep’s own, or anyone’s for admins and operators',
    query: FollowupListQuery,
    response: FollowupListResponse,
    middleware: repsAndManagers,
    errors: [401, 403],
    handler: ({ query }, ctx) => listFollowups(deps(ctx), currentStaff(ctx), query),
  });
  api.add({
    ...common,
    method: 'post',
    path: '/staff/followups',
    summary: 'Plan a follow-up with a member (a rep: only their own members)',
    body: CreateFollowupRequest,
    response: FollowupResponse,
    status: 201,
    middleware: repsAndManagers,
    errors: [401, 403, 404],
    handler: async ({ body }, ctx) => ({ followup: await createFollowup(deps(ctx), currentStaff(ctx), body) }),
  });
  api.add({
    ...common,
    method: 'patch',
    path: '/staff/followups/:id',
    summary: 'Record a follow-up’s outcome (status, note, converting order) or move its due date',
    params: FollowupIdParams,
    body: UpdateFollowupRequest,
    response: FollowupResponse,
    middleware: repsAndManagers,
    errors: [401, 403, 404],
    handler: async ({ params, body }, ctx) => ({ followup: await changeFollowup(deps(ctx), currentStaff(ctx), params.id, body) }),
  });
  api.add({
    ...common,
    method: 'get',
    path: '/admin/reps',
    summary: 'Sales reps with their portfolio sizes, and how many members have no rep',
    query: RepsQuery,
    response: RepsResponse,
    middleware: managers,
    errors: [401, 403],
    handler: ({ query }, ctx) => listReps(deps(ctx), query.storeId),
  });
  api.add({
    ...common,
    method: 'post',
    path: '/admin/reps/assign',
    summary: 'Give unowned members to their store’s reps, evening out portfolio sizes; audited',
    body: AutoAssignRequest,
    response: AssignmentResponse,
    middleware: managers,
    errors: [401, 403],
    handler: ({ body }, ctx) => autoAssign(deps(ctx), body.storeId),
  });
  api.add({
    ...common,
    method: 'post',
    path: '/admin/reps/handover',
    summary: 'Hand a leaving rep’s members (and open follow-ups) to a successor or spread them over the store’s reps; audited',
    body: HandoverRequest,
    response: AssignmentResponse,
    middleware: managers,
    errors: [401, 403, 404],
    handler: ({ body }, ctx) => handover(deps(ctx), body),
  });
}
