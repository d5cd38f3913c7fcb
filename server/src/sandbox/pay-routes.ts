import type Router from '@koa/router';
import { z } from 'zod';
import {
  merchantGateway,
  newPrepayId,
  newWechatId,
  paramError,
  payError,
  transactionView,
  type PayDeps,
  type SandboxOrder,
} from './pay-store';
import { toWechatTime } from './wechat-time';

const notifyUrl = z
  .string()
  .max(255)
  .regex(/^https?:\/\/[^?#\s]+$/, 'must be an absolute URL without parameters');

const prepaySchema = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(/^[0-9A-Za-z_\-*|]{6,32}$/, '6-32 letters, digits or _-*|'),
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: notifyUrl,
  amount: z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() }),
  payer: z.object({ openid: z.string().min(1).max(128) }),
});

const closeSchema = z.object({ mchid: z.string().min(1) });

/** JSAPI prepay, order query and close — plus the sandbox-only "the user paid" trigger. */
export function registerPayRoutes(router: Router, deps: PayDeps): void {
  const { keys, orders, notifier, now } = deps;
  const gateway = merchantGateway(deps);

  router.post('/v3/pay/transactions/jsapi', gateway, (ctx) => {
    const parsed = prepaySchema.safeParse(ctx.request.body);
    if (!parsed.success) return paramError(ctx, parsed.error);
    const request = parsed.data;
    if (request.appid !== keys.appId || request.mchid !== keys.mchId) {
      return payError(ctx, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    }
    const existing = orders.get(request.out_trade_no);
    if (existing) {
      if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND') {
        return payError(ctx, 400, 'ORDERPAID', '该订单已支付');
      }
      if (existing.trade_state === 'CLOSED') return payError(ctx, 400, 'ORDER_CLOSED', '订单已关闭');
      const sameOrder =
        existing.total === request.amount.total &&
        existing.openid === request.payer.openid &&
        existing.description === request.description;
      if (!sameOrder) return payError(ctx, 400, 'INVALID_REQUEST', '商户订单号重复，请核实商户订单号是否重复提交');
      ctx.body = { prepay_id: existing.prepay_id };
      return;
    }
    const order: SandboxOrder = {
      appid: request.appid,
      mchid: request.mchid,
      description: request.description,
      out_trade_no: request.out_trade_no,
      notify_url: request.notify_url,
      attach: request.attach,
      total: request.amount.total,
      openid: request.payer.openid,
      prepay_id: newPrepayId(),
      trade_state: 'NOTPAY',
    };
    orders.set(order.out_trade_no, order);
    ctx.body = { prepay_id: order.prepay_id };
  });

  router.get('/v3/pay/transactions/out-trade-no/:outTradeNo', gateway, (ctx) => {
    if (ctx.query.mchid !== keys.mchId) return payError(ctx, 400, 'PARAM_ERROR', 'mchid 缺失或与商户号不一致');
    const order = orders.get(ctx.params.outTradeNo ?? '');
    if (!order) return payError(ctx, 404, 'ORDER_NOT_EXIST', '订单不存在');
    ctx.body = transactionView(order);
  });

  router.post('/v3/pay/transactions/out-trade-no/:outTradeNo/close', gateway, (ctx) => {
    const parsed = closeSchema.safeParse(ctx.request.body);
    if (!parsed.success) return paramError(ctx, parsed.error);
    if (parsed.data.mchid !== keys.mchId) return payError(ctx, 400, 'PARAM_ERROR', 'mchid 与商户号不一致');
    const order = orders.get(ctx.params.outTradeNo ?? '');
    if (!order) return payError(ctx, 404, 'ORDER_NOT_EXIST', '订单不存在');
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') {
      return payError(ctx, 400, 'ORDERPAID', '该订单已支付');
    }
    order.trade_state = 'CLOSED';
    ctx.status = 204;
  });

  /** What WeChat does when the user confirms `wx.requestPayment`: mark the order paid and notify the merchant. */
  router.post('/pay/:outTradeNo/complete', async (ctx) => {
    const order = orders.get(ctx.params.outTradeNo ?? '');
    if (!order) return payError(ctx, 404, 'ORDER_NOT_EXIST', '订单不存在');
    if (order.trade_state !== 'NOTPAY') {
      const code = order.trade_state === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDERPAID';
      return payError(ctx, 409, code, `order is ${order.trade_state}`);
    }
    order.trade_state = 'SUCCESS';
    order.transaction_id = newWechatId('4200');
    order.success_time = toWechatTime(now());
    const notification = await notifier.send({
      url: order.notify_url,
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      resource: transactionView(order),
    });
    ctx.body = {
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id,
      trade_state: order.trade_state,
      notification,
    };
  });
}
