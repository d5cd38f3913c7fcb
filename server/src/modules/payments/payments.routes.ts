import { OrderIdParams, PayNotifyFailure, PayOrderResponse, StaffRefundRequest, StaffRefundResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, currentStaff, memberAuth, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { handlePayNotification } from './notify';
import { requestPayment } from './payments.service';
import { requestRefund } from './refunds.service';

export function registerPaymentRoutes(api: ApiRouter, context: ServerContext): void {
  api.add({
    method: 'post',
    path: '/orders/:id/pay',
    summary: 'WeChat Pay JSAPI prepay for a pending order → the wx.requestPayment parameters',
    description: 'Asking again returns parameters for the same prepay. An order with nothing to pay is marked paid at once.',
    tags: ['payments'],
    params: OrderIdParams,
    response: PayOrderResponse,
    security: ['member'],
    middleware: [memberAuth(context.database, context.clock)],
    errors: [401, 404, 409, 502, 503],
    handler: ({ params }, ctx) => requestPayment(context, currentMember(ctx), params.id),
  });
  api.add({
    method: 'post',
    path: '/pay/notify',
    summary: 'WeChat Pay notifications (payment and refund results)',
    description:
      'Called by WeChat Pay with a signed, encrypted body. 204 once handled (repeats included); 401 {code: FAIL} when the ' +
      'signature or content does not verify, in which case nothing changes.',
    tags: ['payments'],
    response: PayNotifyFailure.nullable(),
    status: 204,
    errors: [401],
    handler: async (_input, ctx) => {
      const answer = await handlePayNotification(context, ctx.headers, ctx.request.rawBody ?? '');
      if (answer.ok) return null;
      ctx.status = 401;
      return { code: 'FAIL' as const, message: answer.message };
    },
  });
  api.add({
    method: 'post',
    path: '/staff/orders/:id/refunds',
    summary: 'Refund (part of) a paid order through WeChat Pay',
    description:
      'Up to what is paid and not yet refunded or being refunded. The result arrives by notification; points of the refunded ' +
      'share are clawed back then. When WeChat Pay gives no answer in time the refund is answered with status pending: it ' +
      'stays counted as being refunded and is asked again with the same outRefundNo, never created twice. 502 when WeChat ' +
      'Pay refuses it (nothing refunded).',
    tags: ['payments', 'staff'],
    params: OrderIdParams,
    body: StaffRefundRequest,
    response: StaffRefundResponse,
    status: 201,
    security: ['staff'],
    middleware: [staffAuth(context.database, context.clock), requireRole('admin', 'operator', 'store_staff')],
    errors: [401, 403, 404, 422, 502],
    handler: ({ params, body }, ctx) =>
      requestRefund(context, currentStaff(ctx), params.id, body, { requestId: ctx.state.requestId, ip: ctx.ip }),
  });
}
