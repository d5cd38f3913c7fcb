import { sql } from 'drizzle-orm';
import { execute, withTransaction } from '../../db';
import type { ServerContext } from '../../server';
import { WechatPayError } from '../../wechat';
import { lockOrder } from '../orders';
import { sendStartedRefund, settleTransaction, startUnfulfillableRefund, type StartedRefund } from './payments.service';
import { resubmitPendingRefunds } from './refunds.service';

export interface ReconcileResult {
  /** Pending orders asked about. */
  checked: number;
  paid: number;
  failed: number;
  /** Expired or cancelled orders whose WeChat order was not known to be closed, asked about. */
  unclosedChecked: number;
  /** Of those, closed at WeChat now. */
  closed: number;
  /** Refunds of unfulfillable payments started from WeChat's record of a payment no notification brought. */
  refundsStarted: number;
  /** Refunds of unfulfillable payments WeChat had not taken (or that failed), sent again and accepted now. */
  refundsSent: number;
}

/** How long a fresh prepay or refund is left to its own notification before the job asks WeChat. */
const SETTLE_GRACE_MS = 60_000;
/** A refund of an unfulfillable payment is tried this many times; then it waits for an operator (audited). */
const MAX_AUTOMATIC_REFUND_ATTEMPTS = 3;

/**
 * The safety net behind notifications, bounded per run:
 * 1. pending orders whose prepay is older than a minute: WeChat's trade state is settled as if notified, so a
 *    lost notification still pays the order;
 * 2. orders that ended unpaid (expired, cancelled) while their WeChat order was not confirmed closed: a
 *    payment WeChat reports is refunded (see settleTransaction); an unpaid one is closed now;
 * 3. succeeded payments of such orders without a refund under way (the refund was never accepted by WeChat,
 *    or failed): the refund is sent again, at most MAX_AUTOMATIC_REFUND_ATTEMPTS times.
 * A pending order is the only fulfillable one: an ended order has given its stock, coupon and points back.
 */
export async function reconcilePendingPayments(context: ServerContext, now: Date, limit = 200): Promise<ReconcileResult> {
  const settledBefore = new Date(now.getTime() - SETTLE_GRACE_MS);
  const result: ReconcileResult = {
    checked: 0,
    paid: 0,
    failed: 0,
    unclosedChecked: 0,
    closed: 0,
    refundsStarted: 0,
    refundsSent: 0,
  };

  const pending = await execute<{ order_no: string }>(
    context.database.db,
    sql`select o.order_no from orders o
        where o.status = 'pending'
          and exists (select 1 from payments p where p.order_id = o.id and p.status = 'prepared'
                        and p.prepay_id is not null and p.created_at < ${settledBefore})
        order by o.id limit ${limit}`,
  );
  result.checked = pending.length;
  for (const { order_no: orderNo } of pending) {
    try {
      const transaction = await context.wechat.pay.queryOrderByOutTradeNo(orderNo);
      if ((await settleTransaction(context, transaction)) === 'paid') result.paid += 1;
    } catch (error) {
      result.failed += 1;
      context.logger.warn({ orderNo, reason: (error as Error).message }, 'payment reconciliation failed for an order');
    }
  }

  const unclosed = await execute<{ order_id: number; order_no: string }>(
    context.database.db,
    sql`select p.order_id, o.order_no from payments p join orders o on o.id = p.order_id
        where p.status = 'prepared' and p.prepay_id is not null and p.created_at < ${settledBefore}
          and o.status in ('expired', 'cancelled')
        order by p.order_id limit ${limit}`,
  );
  result.unclosedChecked = unclosed.length;
  for (const { order_id: orderId, order_no: orderNo } of unclosed) {
    try {
      const transaction = await context.wechat.pay.queryOrderByOutTradeNo(orderNo);
      if (transaction.trade_state === 'SUCCESS') {
        const outcome = await settleTransaction(context, transaction);
        if (outcome === 'refund_started') result.refundsStarted += 1;
        continue;
      }
      if (transaction.trade_state === 'NOTPAY' || transaction.trade_state === 'USERPAYING') {
        await context.wechat.pay.closeOrder(orderNo);
      } else if (
        transaction.trade_state !== 'CLOSED' &&
        transaction.trade_state !== 'REVOKED' &&
        transaction.trade_state !== 'PAYERROR'
      ) {
        context.logger.warn(
          { orderNo, tradeState: transaction.trade_state },
          'an ended order has an unexpected WeChat trade state',
        );
        continue;
      }
      await markPrepaysClosed(context, orderId, now);
      result.closed += 1;
    } catch (error) {
      if (error instanceof WechatPayError && error.code === 'ORDER_NOT_EXIST') {
        await markPrepaysClosed(context, orderId, now);
        result.closed += 1;
        continue;
      }
      result.failed += 1;
      context.logger.warn({ orderNo, reason: (error as Error).message }, 'closing an ended order at WeChat failed');
    }
  }

  result.refundsSent = await resendUnfulfillableRefunds(context, now, limit);
  return result;
}

async function markPrepaysClosed(context: ServerContext, orderId: number, now: Date): Promise<void> {
  await context.database.db.execute(
    sql`update payments set status = 'closed', updated_at = ${now} where order_id = ${orderId} and status = 'prepared'`,
  );
}

/**
 * Refunds WeChat Pay has not taken yet are sent again under their own out_refund_no (resubmitPendingRefunds; WeChat
 * refunds one number once); a succeeded payment of an ended order whose refunds all failed gets a new refund, at
 * most MAX_AUTOMATIC_REFUND_ATTEMPTS in all (the audit row of the last says so; then an operator decides).
 */
async function resendUnfulfillableRefunds(context: ServerContext, now: Date, limit: number): Promise<number> {
  const db = context.database.db;
  let sent = (await resubmitPendingRefunds(context, now, limit)).accepted;

  // A refund row is written in the same transaction as the payment of an ended order, so a payment is left
  // without a refund under way only when the system's refunds of it failed.
  const uncovered = await execute<{ order_id: number; amount_fen: number; attempts: number }>(
    db,
    sql`select f.order_id, p.amount_fen,
               (select count(*) from refunds r where r.order_id = f.order_id and r.requested_by is null)::int8 as attempts
        from (select distinct order_id from refunds where requested_by is null and status = 'failed') f
        join payments p on p.order_id = f.order_id and p.status = 'succeeded'
        join orders o on o.id = f.order_id
        where o.status in ('expired', 'cancelled')
          and not exists (select 1 from refunds r where r.order_id = f.order_id
                            and r.status in ('pending', 'processing', 'succeeded'))
          and (select count(*) from refunds r where r.order_id = f.order_id and r.requested_by is null)
              < ${MAX_AUTOMATIC_REFUND_ATTEMPTS}
        order by f.order_id limit ${limit}`,
  );
  for (const row of uncovered) {
    const started = await withTransaction(context.database, async (tx): Promise<StartedRefund | null> => {
      const order = await lockOrder(tx, { id: row.order_id });
      if (!order || (order.status !== 'expired' && order.status !== 'cancelled')) return null;
      const [underWay] = await execute<{ id: number }>(
        tx,
        sql`select id from refunds where order_id = ${order.id} and status in ('pending', 'processing', 'succeeded') limit 1`,
      );
      if (underWay) return null;
      return startUnfulfillableRefund(tx, order, row.amount_fen, now, 'payment.refund_unfulfillable_retried', {
        attempt: row.attempts + 1,
        lastAutomaticAttempt: row.attempts + 1 >= MAX_AUTOMATIC_REFUND_ATTEMPTS,
      });
    });
    if (started && (await sendStartedRefund(context, started))) sent += 1;
  }
  return sent;
}
