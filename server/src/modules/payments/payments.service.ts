import { sql } from 'drizzle-orm';
import { shanghaiParts } from '@member-ops/shared';
import { execute, withTransaction, type Tx } from '../../db';
import { PAID_ORDER_STATUSES, type OrderStatus } from '../../db/schema';
import { AppError } from '../../errors';
import type { ServerContext } from '../../server';
import { WechatPayError, type JsapiPrepayRequest, type RequestPaymentParams, type WechatPayTransaction } from '../../wechat';
import { applyPaidOrder, lockOrder, type LockedOrder } from '../orders';
import { recordAudit } from './audit';
import { insertRefund, submitRefund, type RefundToSubmit } from './refunds.service';

export type PayOutcome =
  | 'paid'
  | 'already_paid'
  | 'not_success'
  | 'unknown_order'
  | 'wrong_app'
  | 'amount_mismatch'
  | 'refund_started'
  | 'already_refunding';

const isPaidStatus = (status: OrderStatus) => (PAID_ORDER_STATUSES as readonly OrderStatus[]).includes(status);

/** WeChat's RFC 3339 form in Beijing time, e.g. 2026-11-24T08:15:00+08:00. */
export function wechatTime(at: Date): string {
  const p = shanghaiParts(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}+08:00`;
}

export function notifyUrl(context: ServerContext): string {
  return `${context.baseUrl}/api/pay/notify`;
}

/**
 * Starts (or resumes) payment of the member's pending order: the JSAPI prepay and the `wx.requestPayment`
 * parameters. A repeated request reuses the stored prepay_id. An order with nothing left to pay (points and
 * coupon covered it) is marked paid at once through the same paid-order flow.
 */
export async function requestPayment(
  context: ServerContext,
  member: { id: number; openid: string },
  orderId: number,
): Promise<{ orderId: number; status: OrderStatus; paid: boolean; requestPayment: RequestPaymentParams | null }> {
  const now = context.clock();
  const [order] = await execute<{
    id: number;
    order_no: string;
    status: OrderStatus;
    payable_fen: number;
    expires_at: Date | null;
    prepay_id: string | null;
    title: string;
    item_count: number;
  }>(
    context.database.db,
    sql`select o.id, o.order_no, o.status, o.payable_fen, o.expires_at,
               (select p.prepay_id from payments p where p.order_id = o.id and p.status = 'prepared'
                  and p.prepay_id is not null order by p.id desc limit 1) as prepay_id,
               (select i.title from order_items i where i.order_id = o.id order by i.id limit 1) as title,
               (select count(*) from order_items i where i.order_id = o.id)::int8 as item_count
        from orders o where o.id = ${orderId} and o.member_id = ${member.id}`,
  );
  if (!order) throw new AppError('NOT_FOUND', `Order ${orderId} not found`);
  if (isPaidStatus(order.status)) return { orderId, status: order.status, paid: true, requestPayment: null };
  if (order.status !== 'pending' || !order.expires_at || order.expires_at <= now) {
    throw new AppError(
      'CONFLICT',
      `Order ${orderId} can no longer be paid (${order.status === 'pending' ? 'expired' : order.status})`,
    );
  }
  if (order.payable_fen === 0) {
    const status = await withTransaction(context.database, async (tx) => {
      const locked = await lockOrder(tx, { id: orderId });
      if (!locked || locked.status !== 'pending') return locked?.status ?? 'pending';
      await applyPaidOrder(tx, locked, now, now);
      return 'paid' as const;
    });
    return { orderId, status, paid: status === 'paid', requestPayment: null };
  }
  if (order.prepay_id) {
    return { orderId, status: 'pending', paid: false, requestPayment: context.wechat.pay.requestPaymentParams(order.prepay_id) };
  }
  const description = (order.item_count > 1 ? `${order.title} 等${order.item_count}件` : order.title).slice(0, 120);
  const prepay = await createPrepay(context, orderId, {
    description,
    outTradeNo: order.order_no,
    totalFen: order.payable_fen,
    payerOpenId: member.openid,
    notifyUrl: notifyUrl(context),
    timeExpire: wechatTime(order.expires_at),
  });
  await context.database.db.execute(
    sql`insert into payments (order_id, member_id, method, out_trade_no, prepay_id, amount_fen, status, created_at, updated_at)
        select ${orderId}, ${member.id}, 'wechat_pay', ${order.order_no}, ${prepay.prepayId}, ${order.payable_fen}, 'prepared',
               ${now}, ${now}
        where not exists (select 1 from payments where order_id = ${orderId} and prepay_id = ${prepay.prepayId})`,
  );
  return { orderId, status: 'pending', paid: false, requestPayment: prepay.requestPayment };
}

/**
 * The JSAPI prepay. Every attempt for an order sends the same out_trade_no (the order number) with the same
 * content, which WeChat Pay answers with the same prepay_id, so a call that timed out after reaching WeChat is
 * simply asked again. WeChat Pay refusing the order is a 502; WeChat Pay busy, unreachable or not answering in time
 * is a 503 with Retry-After.
 */
async function createPrepay(
  context: ServerContext,
  orderId: number,
  request: JsapiPrepayRequest,
): Promise<{ prepayId: string; requestPayment: RequestPaymentParams }> {
  try {
    return await context.wechat.pay.createJsapiPrepay(request);
  } catch (error) {
    const refused = error instanceof WechatPayError && error.refused;
    context.logger.warn(
      { orderId, code: error instanceof WechatPayError ? error.code : undefined, reason: (error as Error).message },
      'WeChat Pay prepay failed',
    );
    if (refused) throw new AppError('UPSTREAM_FAILED', '微信支付未受理此订单，请联系客服');
    throw new AppError('UNAVAILABLE', '微信支付暂时不可用，请稍后重试');
  }
}

/**
 * Applies a WeChat transaction in the SUCCESS state exactly once: the order row is locked, the app, order and
 * amount are checked, and only a pending order of exactly that amount is paid. A repeat (notification
 * redelivered, or the reconcile job racing it) finds the order paid and changes nothing. Refusals are
 * recorded in the audit log and never mark the order paid. Money that arrives for an order that can no longer
 * be fulfilled (expired or cancelled: its stock, coupon and points were already given back) is recorded as the
 * payment it is and returned in full through the refund flow (see refundUnfulfillablePayment); the WeChat call
 * goes out after commit, and a refund it could not start is sent again by the reconcile job.
 */
export async function settleTransaction(context: ServerContext, transaction: WechatPayTransaction): Promise<PayOutcome> {
  if (transaction.trade_state !== 'SUCCESS') return 'not_success';
  const now = context.clock();
  const settled = await withTransaction(
    context.database,
    async (tx): Promise<{ outcome: PayOutcome; refund?: StartedRefund }> => {
      const refuse = async (outcome: PayOutcome, orderId: number | null, detail: Record<string, unknown>) => {
        await recordAudit(tx, now, `payment.${outcome}`, 'order', orderId ?? transaction.out_trade_no, {
          outTradeNo: transaction.out_trade_no,
          transactionId: transaction.transaction_id ?? null,
          amountFen: transaction.amount.total,
          ...detail,
        });
        return { outcome };
      };
      if (transaction.appid !== context.wechat.appId) return refuse('wrong_app', null, { appid: transaction.appid });
      const order = await lockOrder(tx, { orderNo: transaction.out_trade_no });
      if (!order) return refuse('unknown_order', null, {});
      if (isPaidStatus(order.status)) return { outcome: 'already_paid' };
      if (order.status !== 'pending') return refundUnfulfillablePayment(tx, order, transaction, now);
      if (transaction.amount.total !== order.payableFen) {
        await recordPayment(tx, order.id, order.memberId, transaction, 'failed', now);
        return refuse('amount_mismatch', order.id, { payableFen: order.payableFen });
      }
      const paidAt = transaction.success_time ? new Date(transaction.success_time) : now;
      await recordPayment(tx, order.id, order.memberId, transaction, 'succeeded', now);
      await applyPaidOrder(tx, order, paidAt, now);
      return { outcome: 'paid' };
    },
  );
  if (settled.refund) await sendStartedRefund(context, settled.refund);
  return settled.outcome;
}

/**
 * The payment of an order that is no longer pending and was never paid is kept as `succeeded` (the money did
 * arrive) and a refund of the whole amount is stored with an audit row, once per order: a redelivered
 * notification finds the refund already under way.
 */
async function refundUnfulfillablePayment(
  tx: Tx,
  order: LockedOrder,
  transaction: WechatPayTransaction,
  now: Date,
): Promise<{ outcome: PayOutcome; refund?: StartedRefund }> {
  await recordPayment(tx, order.id, order.memberId, transaction, 'succeeded', now);
  const [underWay] = await execute<{ id: number }>(
    tx,
    sql`select id from refunds where order_id = ${order.id} and status in ('pending', 'processing', 'succeeded') limit 1`,
  );
  if (underWay) return { outcome: 'already_refunding' };
  const refund = await startUnfulfillableRefund(tx, order, transaction.amount.total, now, 'payment.refund_unfulfillable', {
    outTradeNo: transaction.out_trade_no,
    transactionId: transaction.transaction_id ?? null,
    orderStatus: order.status,
  });
  return { outcome: 'refund_started', refund };
}

/** Stores the full refund of an ended order's payment, with its audit row; the caller sends it after commit. */
export async function startUnfulfillableRefund(
  tx: Tx,
  order: LockedOrder,
  amountFen: number,
  now: Date,
  auditAction: string,
  auditDetail: Record<string, unknown>,
): Promise<StartedRefund> {
  const reason = UNFULFILLABLE_REFUND_REASON;
  const refund = await insertRefund(tx, order, { amountFen, reason, lines: [], requestedBy: null, now });
  await recordAudit(tx, now, auditAction, 'order', order.id, {
    ...auditDetail,
    amountFen,
    refundId: refund.id,
    outRefundNo: refund.out_refund_no,
  });
  return { id: refund.id, outRefundNo: refund.out_refund_no, orderNo: order.orderNo, amountFen, totalFen: amountFen, reason };
}

/** What the shopper reads in WeChat's refund message. */
export const UNFULFILLABLE_REFUND_REASON = '订单已超时关闭，款项原路退回';

/** A refund the system started, as it is sent to WeChat Pay. */
export type StartedRefund = RefundToSubmit;

/**
 * Sends a refund the system started; true when WeChat Pay took it. Without an answer it stays pending and the
 * reconcile job sends it again under the same out_refund_no; refused, it fails and the reconcile job starts a new one.
 */
export async function sendStartedRefund(context: ServerContext, refund: StartedRefund): Promise<boolean> {
  return (await submitRefund(context, refund)) === 'processing';
}

/** Turns the order's prepared payment row into the outcome, or adds one (e.g. paid before any row existed). */
export async function recordPayment(
  tx: Tx,
  orderId: number,
  memberId: number,
  transaction: WechatPayTransaction,
  status: 'succeeded' | 'failed',
  now: Date,
): Promise<void> {
  const notification = JSON.stringify(transaction);
  const transactionId = transaction.transaction_id ?? null;
  const updated = await execute<{ id: number }>(
    tx,
    sql`update payments set status = ${status}, transaction_id = ${transactionId}, notification = ${notification}::jsonb,
                            notified_at = ${now}, updated_at = ${now}
        where id = (select id from payments where order_id = ${orderId} and status = 'prepared' order by id desc limit 1)
        returning id`,
  );
  if (updated.length > 0) return;
  await tx.execute(
    sql`insert into payments (order_id, member_id, method, out_trade_no, transaction_id, amount_fen, status, notification,
                              notified_at, created_at, updated_at)
        values (${orderId}, ${memberId}, 'wechat_pay', ${transaction.out_trade_no}, ${transactionId},
                ${transaction.amount.total}, ${status}, ${notification}::jsonb, ${now}, ${now}, ${now})
        on conflict do nothing`,
  );
}
