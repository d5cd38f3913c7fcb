import { z } from 'zod';
import { PointsQuery, PointsResponse, RedeemPointsRequest, RedeemPointsResponse, SignInResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { getPoints, redeemPoints, signIn } from './points.service';

export function registerPointsRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = memberAuth(context.database, context.clock);
  api.add({
    method: 'get',
    path: '/me/points',
    summary: 'Points balance, what expires next, and the ledger (newest first)',
    tags: ['points'],
    query: PointsQuery,
    response: PointsResponse,
    security: ['member'],
    middleware: [auth],
    errors: [401],
    handler: ({ query }, ctx) => getPoints(context, currentMember(ctx).id, query),
  });
  api.add({
    method: 'post',
    path: '/me/sign-in',
    summary: 'Daily sign-in (once per Asia/Shanghai day; streak bonus)',
    tags: ['points'],
    body: z.object({}).strict().optional(),
    response: SignInResponse,
    security: ['member'],
    middleware: [auth],
    errors: [401],
    handler: (_input, ctx) => signIn(context, currentMember(ctx).id),
  });
  api.add({
    method: 'post',
    path: '/me/points/redeem',
    summary: 'Buy a coupon with points',
    description: 'The same requestId never spends twice: a retry returns the coupon bought the first time.',
    tags: ['points'],
    body: RedeemPointsRequest,
    response: RedeemPointsResponse,
    status: 201,
    security: ['member'],
    middleware: [auth],
    errors: [401, 404, 409],
    handler: ({ body }, ctx) => redeemPoints(context, currentMember(ctx).id, body),
  });
}
