import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { ZodError } from 'zod';
import type { SandboxKeys } from './keys';
import type { Notifier } from './notifier';
import { merchantAuthenticationProblem, platformSignatureHeaders } from './pay-signing';

/** In-memory state of the WeChat Pay stand-in and the pieces its routes share. */

export type SandboxTradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';

export interface SandboxOrder {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  notify_url: string;
  attach?: string;
  total: number;
  openid: string;
  prepay_id: string;
  trade_state: SandboxTradeState;
  transaction_id?: string;
  success_time?: string;
}

export interface SandboxRefund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  transaction_id: string;
  reason?: string;
  notify_url?: string;
  refund: number;
  total: number;
  status: 'PROCESSING' | 'SUCCESS';
  create_time: string;
  success_time?: string;
}

export interface PayDeps {
  keys: SandboxKeys;
  now: () => Date;
  notifier: Notifier;
  orders: Map<string, SandboxOrder>;
  refunds: Map<string, SandboxRefund>;
  refundNotifyDelayMs: number;
  onBackgroundError: (error: unknown, message: string) => void;
}

const TRADE_STATE_DESC: Record<SandboxTradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款',
};

export function transactionView(order: SandboxOrder) {
  const paid = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.out_trade_no,
    transaction_id: order.transaction_id,
    trade_type: 'JSAPI',
    trade_state: order.trade_state,
    trade_state_desc: TRADE_STATE_DESC[order.trade_state],
    bank_type: paid ? 'OTHERS' : undefined,
    attach: order.attach ?? '',
    success_time: order.success_time,
    payer: { openid: order.openid },
    amount: paid
      ? { total: order.total, payer_total: order.total, currency: 'CNY', payer_currency: 'CNY' }
      : { total: order.total, currency: 'CNY' },
  };
}

export function refundView(refund: SandboxRefund) {
  return {
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: refund.transaction_id,
    out_trade_no: refund.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    success_time: refund.success_time,
    create_time: refund.create_time,
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_total: refund.total,
      settlement_refund: refund.refund,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}

export function newPrepayId(): string {
  return `wx${randomBytes(17).toString('hex')}`;
}

/** Digits only, 28 long, like WeChat's transaction and refund ids. */
export function newWechatId(prefix: string): string {
  let digits = prefix;
  while (digits.length < 28) digits += String(randomInt(0, 10));
  return digits;
}

export function payError(ctx: Context, status: number, code: string, message: string, detail?: object): void {
  ctx.status = status;
  ctx.body = detail ? { code, message, detail } : { code, message };
}

export function paramError(ctx: Context, error: ZodError): void {
  const issue = error.issues[0];
  const field = issue?.path.join('.') ?? '';
  payError(ctx, 400, 'PARAM_ERROR', `参数错误: ${field} ${issue?.message ?? ''}`.trim(), { field, location: 'body' });
}

/**
 * Guards a WeChat Pay route like the real gateway: the merchant's Authorization signature must verify, and every
 * answer is signed with the platform key so the merchant can check it came from "WeChat".
 */
export function merchantGateway(deps: Pick<PayDeps, 'keys' | 'now'>) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const rawBody: unknown = ctx.method === 'GET' ? '' : ctx.request.rawBody;
    if (typeof rawBody !== 'string') throw new Error('the sandbox needs the raw request body (@koa/bodyparser)');
    // WeChat Pay signs the path it sees; behind the /sandbox mount that is everything from /v3/ on.
    const canonicalUrl = ctx.originalUrl.slice(ctx.originalUrl.indexOf('/v3/'));
    const problem = merchantAuthenticationProblem(
      { authorization: ctx.get('authorization') || undefined, method: ctx.method, canonicalUrl, body: rawBody },
      deps.keys,
      deps.now(),
    );
    if (problem) payError(ctx, 401, 'SIGN_ERROR', problem);
    else await next();

    const text = ctx.status === 204 || ctx.body === undefined ? '' : JSON.stringify(ctx.body);
    ctx.set({ ...platformSignatureHeaders(deps.keys.platform, text, deps.now()), 'Request-ID': randomUUID() });
    if (text !== '') {
      ctx.body = text;
      ctx.type = 'application/json';
    }
  };
}
