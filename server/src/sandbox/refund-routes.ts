import type Router from '@koa/router';
import { z } from 'zod';
import { merchantGateway, newWechatId, paramError, payError, refundView, type PayDeps, type SandboxRefund } from './pay-store';
import { toWechatTime } from './wechat-time';

const refundSchema = z
  .object({
    transaction_id: z.string().min(1).optional(),
    out_trade_no: z.string().min(1).optional(),
    out_refund_no: z.string().regex(/^[0-9A-Za-z_\-*|@]{1,64}$/, '1-64 letters, digits or _-|*@'),
    reason: z.string().max(80).optional(),
    notify_url: z
      .string()
      .max(256)
      .regex(/^https?:\/\/[^?#\s]+$/, 'must be an absolute URL without parameters')
      .optional(),
    funds_account: z.string().optional(),
    amount: z.object({
      refund: z.number().int().min(1),
      total: z.number().int().min(1),
      currency: z.literal('CNY'),
    }),
  })
  .refine((body) => body.transaction_id !== undefined || body.out_trade_no !== undefined, {
    message: 'transaction_id 与 out_trade_no 必填其一',
    path: ['out_trade_no'],
  });

/**
 * Domestic refunds. A refund is answered PROCESSING, then after `refundNotifyDelayMs` it succeeds and a REFUND.SUCCESS
 * notification goes to its notify_url — the order flow must not assume the refund is done when the call returns.
 */
export function registerRefundRoutes(router: Router, deps: PayDeps): void {
  const { orders, refunds, notifier, now } = deps;
  const gateway = merchantGateway(deps);

  async function settle(refund: SandboxRefund): Promise<void> {
    refund.status = 'SUCCESS';
    refund.success_time = toWechatTime(now());
    if (!refund.notify_url) return;
    await notifier.send({
      url: refund.notify_url,
      eventType: 'REFUND.SUCCESS',
      summary: '退款成功',
      originalType: 'refund',
      resource: {
        mchid: deps.keys.mchId,
        out_trade_no: refund.out_trade_no,
        transaction_id: refund.transaction_id,
        out_refund_no: refund.out_refund_no,
        refund_id: refund.refund_id,
        refund_status: refund.status,
        success_time: refund.success_time,
        user_received_account: '支付用户零钱',
        amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
      },
    });
  }

  router.post('/v3/refund/domestic/refunds', gateway, (ctx) => {
    const parsed = refundSchema.safeParse(ctx.request.body);
    if (!parsed.success) return paramError(ctx, parsed.error);
    const request = parsed.data;
    const order = [...orders.values()].find((candidate) =>
      request.out_trade_no !== undefined
        ? candidate.out_trade_no === request.out_trade_no
        : candidate.transaction_id === request.transaction_id,
    );
    if (!order) return payError(ctx, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND') {
      return payError(ctx, 400, 'INVALID_REQUEST', '订单未支付，不能退款');
    }
    if (request.amount.total !== order.total) return payError(ctx, 400, 'INVALID_REQUEST', '订单金额与原订单不一致');

    const existing = refunds.get(request.out_refund_no);
    if (existing) {
      const sameRefund = existing.out_trade_no === order.out_trade_no && existing.refund === request.amount.refund;
      if (!sameRefund) return payError(ctx, 400, 'INVALID_REQUEST', '商户退款单号重复');
      ctx.body = refundView(existing);
      return;
    }
    const alreadyRefunded = [...refunds.values()]
      .filter((refund) => refund.out_trade_no === order.out_trade_no)
      .reduce((sum, refund) => sum + refund.refund, 0);
    if (alreadyRefunded + request.amount.refund > order.total) {
      return payError(ctx, 403, 'NOT_ENOUGH', '申请退款金额超过订单可退金额');
    }

    const refund: SandboxRefund = {
      refund_id: newWechatId('5030'),
      out_refund_no: request.out_refund_no,
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id ?? '',
      reason: request.reason,
      notify_url: request.notify_url,
      refund: request.amount.refund,
      total: order.total,
      status: 'PROCESSING',
      create_time: toWechatTime(now()),
    };
    refunds.set(refund.out_refund_no, refund);
    order.trade_state = 'REFUND';
    setTimeout(() => {
      settle(refund).catch((error: unknown) => deps.onBackgroundError(error, 'sandbox refund settlement failed'));
    }, deps.refundNotifyDelayMs).unref();
    ctx.body = refundView(refund);
  });

  router.get('/v3/refund/domestic/refunds/:outRefundNo', gateway, (ctx) => {
    const refund = refunds.get(ctx.params.outRefundNo ?? '');
    if (!refund) return payError(ctx, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    ctx.body = refundView(refund);
  });
}
