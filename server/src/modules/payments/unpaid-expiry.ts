import type { ServerContext } from '../../server';
import { WechatPayError } from '../../wechat';
import { dueUnpaidOrders, expirePendingOrders } from '../orders';
import { settleTransaction } from './payments.service';

export interface ExpiryResult {
  expired: number;
  wechatClosed: number;
  wechatCloseFailed: number;
  /** WeChat answered ORDERPAID to the close: the order was settled as paid instead of expired. */
  paidAtClose: number;
}

/** Orders looked at per run; a backlog is worked off by the next runs. */
const EXPIRY_BATCH = 500;
/**
 * While WeChat cannot be reached an order whose WeChat order is still open stays pending, so a payment cannot
 * land on an order that has given its stock back. Past this grace its stock is released anyway: a payment that
 * still arrives is refunded (settleTransaction) and the reconcile job keeps asking WeChat about the order.
 */
export const CLOSE_GRACE_MS = 30 * 60_000;

/**
 * Expires pending orders whose time is up, closing the WeChat order first. WeChat's answer decides: closed (204,
 * or already closed / never opened there) → the order expires and its stock, coupon and points go back;
 * ORDERPAID → the shopper paid, so the order is settled from WeChat's record of the payment and is not expired;
 * no answer → the order waits for the next run (up to CLOSE_GRACE_MS). Orders never sent to WeChat expire at once.
 */
export async function expireUnpaidOrders(context: ServerContext, now: Date): Promise<ExpiryResult> {
  const due = await dueUnpaidOrders(context.database.db, now, EXPIRY_BATCH);
  const expirable: number[] = [];
  const closedAtWechat: number[] = [];
  let wechatCloseFailed = 0;
  let paidAtClose = 0;
  for (const order of due) {
    if (!order.hasPrepay) {
      expirable.push(order.id);
      continue;
    }
    const answer = await closeAtWechat(context, order.orderNo);
    if (answer === 'closed') {
      expirable.push(order.id);
      closedAtWechat.push(order.id);
    } else if (answer === 'paid') {
      if (await settleFromWechat(context, order.orderNo)) paidAtClose += 1;
    } else {
      wechatCloseFailed += 1;
      if (now.getTime() - order.expiresAt.getTime() > CLOSE_GRACE_MS) expirable.push(order.id);
    }
  }
  const expired = await expirePendingOrders(context, expirable, closedAtWechat, now);
  const expiredSet = new Set(expired);
  return {
    expired: expired.length,
    wechatClosed: closedAtWechat.filter((id) => expiredSet.has(id)).length,
    wechatCloseFailed,
    paidAtClose,
  };
}

async function closeAtWechat(context: ServerContext, orderNo: string): Promise<'closed' | 'paid' | 'failed'> {
  try {
    await context.wechat.pay.closeOrder(orderNo);
    return 'closed';
  } catch (error) {
    if (error instanceof WechatPayError) {
      if (error.code === 'ORDERPAID') return 'paid';
      if (error.code === 'ORDER_CLOSED' || error.code === 'ORDER_NOT_EXIST') return 'closed';
    }
    context.logger.warn(
      { orderNo, reason: (error as Error).message },
      'closing the WeChat order failed; the order stays pending',
    );
    return 'failed';
  }
}

/** The close said ORDERPAID: WeChat's own record of the payment is settled like its notification would be. */
async function settleFromWechat(context: ServerContext, orderNo: string): Promise<boolean> {
  try {
    const transaction = await context.wechat.pay.queryOrderByOutTradeNo(orderNo);
    const outcome = await settleTransaction(context, transaction);
    return outcome === 'paid' || outcome === 'already_paid';
  } catch (error) {
    context.logger.warn({ orderNo, reason: (error as Error).message }, 'settling an order WeChat reports paid failed');
    return false;
  }
}
