import type { Context } from 'koa';
import {
  AuditListResponse,
  AuditQuery,
  CouponTemplateListResponse,
  CouponTemplateParams,
  CouponTemplateResponse,
  CreateCouponTemplateRequest,
  CreateStaffRequest,
  DashboardResponse,
  Member360Response,
  MemberFilterOptionsResponse,
  MemberListQuery,
  MemberListResponse,
  MemberParams,
  RuleConfigResponse,
  RuleKindParams,
  RulePreviewRequest,
  RulePreviewResponse,
  SaveRuleRequest,
  SaveSegmentRequest,
  SegmentListResponse,
  SegmentParams,
  SegmentPreviewRequest,
  SegmentPreviewResponse,
  SegmentResponse,
  StaffAccountResponse,
  StaffListResponse,
  StaffParams,
  UpdateCouponTemplateRequest,
  UpdateStaffRequest,
} from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentStaff, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { listAudit } from './audit.service';
import { createCouponTemplate, listCouponTemplates, updateCouponTemplate } from './coupon-templates.service';
import { loadDashboard } from './dashboard.service';
import { listMembers, member360, type MembersDeps } from './members.service';
import { loadRules, previewRules, saveRules } from './rules.service';
import {
  archiveSegment,
  createSegment,
  listSegments,
  previewSegment,
  updateSegment,
  type SegmentsDeps,
} from './segments.service';
import { createStaff, listMemberFilterOptions, listStaff, unlockStaff, updateStaff } from './staff-admin.service';

export function registerAdminRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = staffAuth(context.database, context.clock);
  const managers = [auth, requireRole('admin', 'operator')];
  const admins = [auth, requireRole('admin')];
  const membersDeps = (): MembersDeps => ({
    database: context.database,
    phoneKeys: context.wechat.phoneKeys,
    logger: context.logger,
    now: context.clock(),
  });
  const acting = (ctx: Context): SegmentsDeps => ({
    database: context.database,
    now: context.clock(),
    actor: { staffId: currentStaff(ctx).id, ip: ctx.ip, requestId: ctx.state.requestId },
  });
  const admin = { tags: ['admin', 'staff'], security: ['staff'] };

  api.add({
    ...admin,
    method: 'get',
    path: '/admin/dashboard',
    summary: 'Members by tier and lifecycle, the RFM matrix with revenue share, tier migrations and the repeat-purchase rate',
    response: DashboardResponse,
    middleware: managers,
    errors: [401, 403],
    handler: () => loadDashboard(context.database, context.clock()),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/staff/members',
    summary: 'Members with filters, keyset paging and sorting, within the caller’s scope',
    description: 'Store staff see their store’s members, sales reps their own portfolio, admins and operators everyone.',
    query: MemberListQuery,
    response: MemberListResponse,
    middleware: [auth],
    errors: [401],
    handler: ({ query }, ctx) => listMembers(membersDeps(), currentStaff(ctx), query),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/admin/member-filters',
    summary: 'Stores and sales reps to filter the members list by',
    response: MemberFilterOptionsResponse,
    middleware: managers,
    errors: [401, 403],
    handler: () => listMemberFilterOptions(context.database),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/staff/members/:memberId/360',
    summary: 'Member 360: profile (phone masked), tier progress, RFM, predictions, preferences and a timeline',
    params: MemberParams,
    response: Member360Response,
    middleware: [auth],
    errors: [401, 404],
    handler: ({ params }, ctx) => member360(membersDeps(), currentStaff(ctx), params.memberId),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/admin/segments',
    summary: 'Saved segments with their rule in words and member counts',
    response: SegmentListResponse,
    middleware: managers,
    errors: [401, 403],
    handler: async () => ({ items: await listSegments(context.database) }),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/segments/preview',
    summary: 'How many members a rule matches right now, with a sample (nothing is saved)',
    description:
      'A rule over the cost budget (SEGMENT_RULE_BUDGET: event conditions, event-window days, list values) is 400 ' +
      'naming the part; one that still runs past SEGMENT_PREVIEW_TIMEOUT_MS is cut and answered 422 RULE_TOO_COSTLY.',
    body: SegmentPreviewRequest,
    response: SegmentPreviewResponse,
    middleware: managers,
    errors: [400, 401, 403, 422],
    handler: ({ body }, ctx) => previewSegment(acting(ctx), body.rule, context.config.segmentPreviewTimeoutMs),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/segments',
    summary: 'Save a named segment; its members are materialised at once; audited',
    body: SaveSegmentRequest,
    response: SegmentResponse,
    status: 201,
    middleware: managers,
    errors: [400, 401, 403, 422],
    handler: async ({ body }, ctx) => ({
      segment: await createSegment(acting(ctx), body, context.config.segmentPreviewTimeoutMs),
    }),
  });
  api.add({
    ...admin,
    method: 'put',
    path: '/admin/segments/:segmentId',
    summary: 'Rename a segment or change its rule; audited',
    params: SegmentParams,
    body: SaveSegmentRequest,
    response: SegmentResponse,
    middleware: managers,
    errors: [400, 401, 403, 404, 409, 422],
    handler: async ({ params, body }, ctx) => ({
      segment: await updateSegment(acting(ctx), params.segmentId, body, context.config.segmentPreviewTimeoutMs),
    }),
  });
  api.add({
    ...admin,
    method: 'delete',
    path: '/admin/segments/:segmentId',
    summary: 'Archive a custom segment; audited',
    params: SegmentParams,
    response: SegmentResponse,
    middleware: managers,
    errors: [401, 403, 404, 409],
    handler: async ({ params }, ctx) => ({ segment: await archiveSegment(acting(ctx), params.segmentId) }),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/admin/rules/:kind',
    summary: 'Tier or points rules in force, with their version history',
    params: RuleKindParams,
    response: RuleConfigResponse,
    middleware: managers,
    errors: [401, 403],
    handler: ({ params }) => loadRules(context.database, params.kind, context.clock()),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/rules/:kind/preview',
    summary: 'What a rule change would do: changed fields, members who would move tier, points the last 30 days would earn',
    params: RuleKindParams,
    body: RulePreviewRequest,
    response: RulePreviewResponse,
    middleware: managers,
    errors: [401, 403],
    handler: ({ params, body }, ctx) => previewRules(acting(ctx), params.kind, body.config),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/rules/:kind',
    summary: 'Save rules as the next version (effective now or at effectiveFrom; used from the next refresh); audited',
    params: RuleKindParams,
    body: SaveRuleRequest,
    response: RuleConfigResponse,
    status: 201,
    middleware: managers,
    errors: [401, 403, 409],
    handler: ({ params, body }, ctx) => saveRules(acting(ctx), params.kind, body),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/admin/coupon-templates',
    summary: 'Coupon templates with their terms, stock, issued and used counts',
    response: CouponTemplateListResponse,
    middleware: managers,
    errors: [401, 403],
    handler: async () => ({ items: await listCouponTemplates(context.database) }),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/coupon-templates',
    summary: 'Create a coupon template: discount terms (fixed from then on), validity, stock, limits, points price; audited',
    body: CreateCouponTemplateRequest,
    response: CouponTemplateResponse,
    status: 201,
    middleware: managers,
    errors: [401, 403],
    handler: async ({ body }, ctx) => ({ template: await createCouponTemplate(acting(ctx), body) }),
  });
  api.add({
    ...admin,
    method: 'patch',
    path: '/admin/coupon-templates/:templateId',
    summary: 'Edit a coupon template’s name, status, stock, limits or points price (terms are fixed); audited',
    params: CouponTemplateParams,
    body: UpdateCouponTemplateRequest,
    response: CouponTemplateResponse,
    middleware: managers,
    errors: [401, 403, 404],
    handler: async ({ params, body }, ctx) => ({ template: await updateCouponTemplate(acting(ctx), params.templateId, body) }),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/admin/staff',
    summary: 'Staff accounts and stores',
    response: StaffListResponse,
    middleware: admins,
    errors: [401, 403],
    handler: () => listStaff(context.database, context.clock()),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/staff',
    summary: 'Create a staff account; audited',
    body: CreateStaffRequest,
    response: StaffAccountResponse,
    status: 201,
    middleware: admins,
    errors: [401, 403, 409],
    handler: async ({ body }, ctx) => ({ staff: await createStaff(acting(ctx), body) }),
  });
  api.add({
    ...admin,
    method: 'patch',
    path: '/admin/staff/:staffId',
    summary:
      'Change a staff account’s role, store, name, password or activation; audited, sessions end on role or password change',
    params: StaffParams,
    body: UpdateStaffRequest,
    response: StaffAccountResponse,
    middleware: admins,
    errors: [401, 403, 404, 409],
    handler: async ({ params, body }, ctx) => ({ staff: await updateStaff(acting(ctx), params.staffId, body) }),
  });
  api.add({
    ...admin,
    method: 'post',
    path: '/admin/staff/:staffId/unlock',
    summary: 'Lift every sign-in lock of a staff account (all addresses and account-wide); audited',
    params: StaffParams,
    response: StaffAccountResponse,
    middleware: admins,
    errors: [401, 403, 404],
    handler: async ({ params }, ctx) => ({ staff: await unlockStaff(acting(ctx), params.staffId) }),
  });
  api.add({
    ...admin,
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log: exports, full-phone views, rule and role changes, refunds, sign-ins',
    query: AuditQuery,
    response: AuditListResponse,
    middleware: admins,
    errors: [401, 403],
    handler: ({ query }) => listAudit(context.database, query),
  });
}
