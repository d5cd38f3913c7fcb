import { CreateOrderRequest, OrderIdParams, OrderListQuery, OrderListResponse, OrderView } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { createOrder } from './orders.service';
import { getOrderView, listOrderViews } from './orders.views';

export function registerOrderRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = memberAuth(context.database, context.clock);
  api.add({
    method: 'post',
    path: '/orders',
    summary: 'Place an order (prices from the catalogue; stock, coupon and points reserved for 15 minutes)',
    description:
      'Shipping is free from ¥99 of goods, otherwise ¥8. Points pay for goods only, in whole steps, up to the configured share. ' +
      'Retrying with the same clientOrderKey returns the same order. 409 SOLD_OUT when a SKU has fewer units left than ordered ' +
      '(a flash sale sold its last unit): the message names the SKU in Chinese, one field per short item; nothing is reserved.',
    tags: ['orders'],
    body: CreateOrderRequest,
    response: OrderView,
    status: 201,
    security: ['member'],
    middleware: [auth],
    errors: [401, 404, 409, 422],
    handler: ({ body }, ctx) => createOrder(context, currentMember(ctx).id, body),
  });
  api.add({
    method: 'get',
    path: '/orders',
    summary: "The member's orders, newest first",
    tags: ['orders'],
    query: OrderListQuery,
    response: OrderListResponse,
    security: ['member'],
    middleware: [auth],
    errors: [401],
    handler: ({ query }, ctx) => listOrderViews(context.database.db, currentMember(ctx).id, query),
  });
  api.add({
    method: 'get',
    path: '/orders/:id',
    summary: 'One of the member’s orders with lines and refunds',
    tags: ['orders'],
    params: OrderIdParams,
    response: OrderView,
    security: ['member'],
    middleware: [auth],
    errors: [401, 404],
    handler: ({ params }, ctx) => getOrderView(context.database.db, currentMember(ctx).id, params.id),
  });
}
