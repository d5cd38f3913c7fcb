import {
  BestCouponRequest,
  BestCouponResponse,
  ClaimableCouponsResponse,
  CouponClaimResponse,
  CouponTemplateIdParams,
  RedeemCouponParams,
  RedeemCouponRequest,
  RedeemCouponResponse,
  WalletQuery,
  WalletResponse,
} from '@member-ops/shared';
import { eq } from 'drizzle-orm';
import { withTransaction } from '../../db';
import { coupons } from '../../db/schema';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, currentStaff, memberAuth, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { couponWithTemplate, toWalletView } from './coupons.repo';
import { claimableCoupons, suggestCoupon, wallet } from './coupons.service';
import { claimCoupon } from './issue';
import { redeemCouponInStore } from './redeem';

export function registerCouponRoutes(api: ApiRouter, context: ServerContext): void {
  const { database, clock } = context;
  const member = { middleware: [memberAuth(database, clock)], security: ['member'] };

  api.add({
    ...member,
    method: 'get',
    path: '/coupons/claimable',
    summary: 'Coupons on offer in the claim centre, with whether this member can claim one more',
    tags: ['coupons'],
    response: ClaimableCouponsResponse,
    errors: [401],
    handler: (_input, ctx) => claimableCoupons(database.db, currentMember(ctx).id, clock()),
  });

  api.add({
    ...member,
    method: 'post',
    path: '/coupons/:templateId/claim',
    summary: 'Claim a coupon: total stock and the per-member limit hold under concurrency',
    description: 'Answers 409 CONFLICT when the coupon has run out or the member has reached the per-member limit.',
    tags: ['coupons'],
    params: CouponTemplateIdParams,
    response: CouponClaimResponse,
    status: 201,
    errors: [401, 404, 409],
    handler: async ({ params }, ctx) => {
      const memberId = currentMember(ctx).id;
      const now = clock();
      return withTransaction(database, async (tx) => {
        const coupon = await claimCoupon(tx, { templateId: params.templateId, memberId, now });
        const issued = await couponWithTemplate(tx, eq(coupons.id, coupon.id));
        if (!issued) throw new Error('claimed coupon vanished');
        return { coupon: toWalletView(issued, now) };
      });
    },
  });

  api.add({
    ...member,
    method: 'get',
    path: '/me/coupons',
    summary: "The member's coupon wallet; expired is computed from valid_to",
    tags: ['coupons'],
    query: WalletQuery,
    response: WalletResponse,
    errors: [401],
    handler: ({ query }, ctx) => wallet(database.db, currentMember(ctx).id, query, clock()),
  });

  api.add({
    ...member,
    method: 'post',
    path: '/coupons/best',
    summary: 'The coupon that saves most on a cart (catalogue prices), and why each other coupon does or does not apply',
    tags: ['coupons'],
    body: BestCouponRequest,
    response: BestCouponResponse,
    errors: [401, 422],
    handler: ({ body }, ctx) => suggestCoupon(database.db, currentMember(ctx).id, body, clock()),
  });

  api.add({
    method: 'post',
    path: '/staff/coupons/:code/redeem',
    summary: 'Redeem a coupon in store (核销), exactly once',
    description:
      'Store staff redeem at their own store, coupons of members in their scope (as member lookups) unless ' +
      'ALLOW_CROSS_STORE_REDEMPTION is set; the redemption is written to the audit log.',
    tags: ['coupons', 'staff'],
    middleware: [staffAuth(database, clock), requireRole('admin', 'operator', 'store_staff')],
    security: ['staff'],
    params: RedeemCouponParams,
    body: RedeemCouponRequest,
    response: RedeemCouponResponse,
    errors: [401, 403, 404, 409],
    handler: ({ params, body }, ctx) =>
      redeemCouponInStore(database, {
        code: params.code,
        staff: currentStaff(ctx),
        storeId: body.storeId,
        crossStore: context.config.allowCrossStoreRedemption,
        now: clock(),
        requestId: ctx.state.requestId,
        ip: ctx.ip,
      }),
  });
}
