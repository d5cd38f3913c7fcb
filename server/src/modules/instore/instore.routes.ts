import {
  InStorePurchaseRequest,
  InStorePurchaseResponse,
  MemberCodeResponse,
  StaffMemberCardResponse,
  StaffMemberIdParams,
  StaffMemberLookupQuery,
  StaffMemberLookupResponse,
} from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, currentStaff, memberAuth, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { lookupMembers, memberCode, recordInStorePurchase, staffMemberCard } from './instore.service';

/** The in-store counter: the member's QR code, and the staff pages that scan it. */
export function registerInStoreRoutes(api: ApiRouter, context: ServerContext): void {
  const { database, clock } = context;
  const serving = {
    middleware: [staffAuth(database, clock), requireRole('admin', 'operator', 'store_staff', 'sales_rep')],
    security: ['staff'],
  };

  api.add({
    method: 'get',
    path: '/me/member-code',
    summary: 'A short-lived member QR code for staff to scan (refresh every 60 s)',
    tags: ['instore'],
    security: ['member'],
    middleware: [memberAuth(database, clock)],
    response: MemberCodeResponse,
    errors: [401],
    handler: (_input, ctx) => memberCode(context, currentMember(ctx).id),
  });

  api.add({
    method: 'get',
    path: '/staff/members/lookup',
    summary: 'Find a member by scanned code or phone tail, within the staff member’s store or customer list',
    tags: ['instore'],
    ...serving,
    query: StaffMemberLookupQuery,
    response: StaffMemberLookupResponse,
    errors: [401, 403],
    handler: ({ query }, ctx) => lookupMembers(context, currentStaff(ctx), query),
  });

  api.add({
    method: 'get',
    path: '/staff/members/:id',
    summary: 'The member card at the counter: tier, points, lifecycle, preferences, recent orders, coupons (phone masked)',
    tags: ['instore'],
    ...serving,
    params: StaffMemberIdParams,
    response: StaffMemberCardResponse,
    errors: [401, 403, 404],
    handler: ({ params }, ctx) => staffMemberCard(context, currentStaff(ctx), params.id),
  });

  api.add({
    method: 'post',
    path: '/staff/members/:id/purchases',
    summary: 'Record an in-store purchase: a paid POS order that earns points (idempotent by requestId)',
    tags: ['instore'],
    middleware: [staffAuth(database, clock), requireRole('admin', 'operator', 'store_staff')],
    security: ['staff'],
    params: StaffMemberIdParams,
    body: InStorePurchaseRequest,
    response: InStorePurchaseResponse,
    status: 201,
    errors: [401, 403, 404, 409],
    handler: ({ params, body }, ctx) => recordInStorePurchase(context, currentStaff(ctx), params.id, body),
  });
}
