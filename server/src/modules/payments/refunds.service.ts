import { sql } from 'drizzle-orm';
import { allocateProportionally, type StaffRefundRequest, type StaffRole } from '@member-ops/shared';
import { execute, withTransaction, type Tx } from '../../db';
import { PAID_ORDER_STATUSES, type OrderStatus, type RefundLine, type RefundStatus } from '../../db/schema';
import { AppError } from '../../errors';
import type { ServerContext } from '../../server';
import { WechatPayError } from '../../wechat';
import { lockOrder, type LockedOrder } from '../orders';
import { recordAudit } from './audit';
import { notifyUrl } from './payments.service';

export interface RefundRow {
  id: number;
  orderId: number;
  outRefundNo: string;
  amountFen: number;
  status: RefundStatus;
  reason: string | null;
  pointsClawedBack: number;
  createdAt: string;
  succeededAt: string | null;
}

interface OrderLine extends Record<string, unknown> {
  id: number;
  quantity: number;
  refunded_quantity: number;
  line_total_fen: number;
  discount_alloc_fen: number;
  refunded_fen: number;
}

/**
 * A staff refund: checks the amount against what is still refundable (paid − refunded − refunds in flight),
 * splits it over the order lines (the chosen lines, or all lines by what each can still return) and stores
 * the refund as pending with an audit row, all under the order lock. Then asks WeChat Pay (submitRefund); the
 * outcome arrives as a REFUND.* notification (see settleRefund). Answered with status pending when WeChat Pay gave
 * no answer: the refund is then asked again by resubmitPendingRefunds, never created a second time.
 */
export async function requestRefund(
  context: ServerContext,
  staff: { id: number; role: StaffRole; storeId: number | null },
  orderId: number,
  request: StaffRefundRequest,
  meta: { requestId?: string; ip?: string },
): Promise<RefundRow> {
  const now = context.clock();
  const { refund, order } = await withTransaction(context.database, async (tx) => {
    const order = await lockOrder(tx, { id: orderId });
    if (!order) throw new AppError('NOT_FOUND', `Order ${orderId} not found`);
    // Store staff refund their own store's in-store orders; online orders and other stores go to operators.
    if (staff.role === 'store_staff' && (order.storeId === null || order.storeId !== staff.storeId)) {
      throw new AppError('FORBIDDEN', `Order ${orderId} is not an order of your store; ask an operator to refund it`);
    }
    if (!(PAID_ORDER_STATUSES as readonly OrderStatus[]).includes(order.status) || order.paidFen === 0) {
      throw new AppError('UNPROCESSABLE', `Order ${orderId} has no payment to refund (${order.status})`);
    }
    const inFlight = await execute<{ amount_fen: number; lines: RefundLine[] }>(
      tx,
      sql`select amount_fen, lines from refunds where order_id = ${orderId} and status in ('pending', 'processing')`,
    );
    const refundable = order.paidFen - order.refundedFen - inFlight.reduce((sum, r) => sum + r.amount_fen, 0);
    if (request.amountFen > refundable) {
      throw new AppError('UNPROCESSABLE', `At most ${refundable} fen can still be refunded`, [
        { field: 'body.amountFen', message: `at most ${refundable}` },
      ]);
    }
    const lines = await refundLines(
      tx,
      order,
      request,
      inFlight.flatMap((r) => r.lines),
    );
    const refund = await insertRefund(tx, order, {
      amountFen: request.amountFen,
      reason: request.reason,
      lines,
      requestedBy: staff.id,
      now,
    });
    await recordAudit(
      tx,
      now,
      'order.refund_requested',
      'order',
      orderId,
      { refundId: refund.id, amountFen: request.amountFen, reason: request.reason, lines },
      { staffId: staff.id, ...meta },
    );
    return { refund, order };
  });

  const status = await submitRefund(context, {
    id: refund.id,
    outRefundNo: refund.out_refund_no,
    orderNo: order.orderNo,
    amountFen: request.amountFen,
    totalFen: order.paidFen,
    reason: request.reason,
  });
  if (status === 'failed') throw new AppError('UPSTREAM_FAILED', '微信支付未受理此退款，未发生退款');
  return {
    id: refund.id,
    orderId,
    outRefundNo: refund.out_refund_no,
    amountFen: request.amountFen,
    status,
    reason: request.reason,
    pointsClawedBack: 0,
    createdAt: refund.created_at.toISOString(),
    succeededAt: null,
  };
}

/**
 * Stores a refund as pending, numbered `<order_no>R<n>`; an order with a paid status turns `refunding`. The caller
 * holds the order lock. `requestedBy` is null for the refunds the system starts itself (a payment for an order that
 * can no longer be fulfilled).
 */
export async function insertRefund(
  tx: Tx,
  order: Pick<LockedOrder, 'id' | 'orderNo' | 'memberId' | 'status'>,
  refund: { amountFen: number; reason: string; lines: RefundLine[]; requestedBy: number | null; now: Date },
): Promise<{ id: number; created_at: Date; out_refund_no: string }> {
  const [{ count } = { count: 0 }] = await execute<{ count: number }>(
    tx,
    sql`select count(*)::int8 as count from refunds where order_id = ${order.id}`,
  );
  const [row] = await execute<{ id: number; created_at: Date; out_refund_no: string }>(
    tx,
    sql`insert into refunds (out_refund_no, order_id, member_id, amount_fen, status, reason, lines, requested_by,
                             created_at, updated_at)
        values (${`${order.orderNo}R${count + 1}`}, ${order.id}, ${order.memberId}, ${refund.amountFen}, 'pending',
                ${refund.reason}, ${JSON.stringify(refund.lines)}::jsonb, ${refund.requestedBy}, ${refund.now}, ${refund.now})
        returning id, created_at, out_refund_no`,
  );
  if (!row) throw new Error('refund insert returned nothing');
  if ((PAID_ORDER_STATUSES as readonly OrderStatus[]).includes(order.status)) {
    await tx.execute(sql`update orders set status = 'refunding', updated_at = ${refund.now} where id = ${order.id}`);
  }
  return row;
}

export interface RefundToSubmit {
  id: number;
  outRefundNo: string;
  orderNo: string;
  amountFen: number;
  /** The amount WeChat Pay took for the order (the refund's `amount.total`). */
  totalFen: number;
  reason: string | null;
}

/**
 * Asks WeChat Pay for the refund. Every attempt sends the refund's own out_refund_no with the same amount, which
 * WeChat Pay treats as one refund however often it is asked. Accepted → processing; refused (a definite 4xx) →
 * failed. No usable answer (timeout, reset, 5xx, unreachable) → still pending: it may have been done, so the refund
 * keeps counting as in flight and resubmitPendingRefunds asks again with the same number.
 */
export async function submitRefund(context: ServerContext, refund: RefundToSubmit): Promise<RefundStatus> {
  try {
    const answer = await context.wechat.pay.createRefund({
      outTradeNo: refund.orderNo,
      outRefundNo: refund.outRefundNo,
      refundFen: refund.amountFen,
      totalFen: refund.totalFen,
      ...(refund.reason ? { reason: refund.reason } : {}),
      notifyUrl: notifyUrl(context),
    });
    const [row] = await execute<{ status: RefundStatus }>(
      context.database.db,
      sql`update refunds set status = case when status = 'pending' then 'processing' else status end,
                             refund_id = coalesce(refund_id, ${answer.refund_id}), updated_at = ${context.clock()}
          where id = ${refund.id} returning status`,
    );
    return row?.status ?? 'processing';
  } catch (error) {
    const code = error instanceof WechatPayError ? error.code : undefined;
    if (error instanceof WechatPayError && error.refused) {
      await withTransaction(context.database, (tx) => failRefund(tx, refund.id, context.clock()));
      context.logger.warn({ refundId: refund.id, code, reason: error.message }, 'WeChat Pay refused the refund');
      return 'failed';
    }
    context.logger.warn(
      { refundId: refund.id, code, reason: (error as Error).message },
      'WeChat Pay gave no answer to the refund; it stays pending and is asked again with the same out_refund_no',
    );
    return 'pending';
  }
}

export interface ResubmitRefundsResult {
  checked: number;
  accepted: number;
  refused: number;
  unanswered: number;
}

/** How long a refund waits for its first answer before it is asked again (well past WECHAT_TIMEOUT_MS). */
const RESUBMIT_AFTER_MS = 60_000;

/**
 * Refunds still pending a minute after their last attempt (WeChat Pay never answered or could not be reached) are
 * asked again with their own out_refund_no, so each is refunded at most once and none is forgotten: staff refunds
 * and the ones the system started for payments of ended orders alike (the reconcile job runs this every minute).
 * `amount.total` is what WeChat Pay took for the order.
 */
export async function resubmitPendingRefunds(context: ServerContext, now: Date, limit = 100): Promise<ResubmitRefundsResult> {
  const rows = await execute<{
    id: number;
    out_refund_no: string;
    order_no: string;
    amount_fen: number;
    total_fen: number;
    reason: string | null;
  }>(
    context.database.db,
    sql`select r.id, r.out_refund_no, o.order_no, r.amount_fen, r.reason,
               coalesce((select p.amount_fen from payments p where p.order_id = r.order_id and p.status = 'succeeded'
                          order by p.id desc limit 1), o.paid_fen) as total_fen
        from refunds r join orders o on o.id = r.order_id
        where r.status = 'pending' and r.refund_id is null and r.updated_at < ${new Date(now.getTime() - RESUBMIT_AFTER_MS)}
        order by r.id limit ${limit}`,
  );
  const result: ResubmitRefundsResult = { checked: rows.length, accepted: 0, refused: 0, unanswered: 0 };
  for (const row of rows) {
    const status = await submitRefund(context, {
      id: row.id,
      outRefundNo: row.out_refund_no,
      orderNo: row.order_no,
      amountFen: row.amount_fen,
      totalFen: row.total_fen,
      reason: row.reason,
    });
    if (status === 'failed') result.refused += 1;
    else if (status === 'pending') result.unanswered += 1;
    else result.accepted += 1;
  }
  return result;
}

async function refundLines(
  tx: Tx,
  order: LockedOrder,
  request: StaffRefundRequest,
  inFlight: RefundLine[],
): Promise<RefundLine[]> {
  const items = await execute<OrderLine>(
    tx,
    sql`select id, quantity, refunded_quantity, line_total_fen, discount_alloc_fen, refunded_fen
        from order_items where order_id = ${order.id} order by id`,
  );
  const pending = (id: number, key: 'quantity' | 'amountFen') =>
    inFlight.filter((line) => line.orderItemId === id).reduce((sum, line) => sum + line[key], 0);
  const netLeft = (item: OrderLine) =>
    item.line_total_fen - item.discount_alloc_fen - item.refunded_fen - pending(item.id, 'amountFen');

  const chosen = (request.items ?? items.map((item) => ({ orderItemId: item.id, quantity: 0 }))).map((wanted, index) => {
    const item = items.find((candidate) => candidate.id === wanted.orderItemId);
    if (!item)
      throw new AppError('UNPROCESSABLE', 'No such line in this order', [
        { field: `body.items.${index}.orderItemId`, message: 'not in this order' },
      ]);
    const quantityLeft = item.quantity - item.refunded_quantity - pending(item.id, 'quantity');
    if (wanted.quantity > quantityLeft) {
      throw new AppError('UNPROCESSABLE', `At most ${quantityLeft} of line ${item.id} can be returned`, [
        { field: `body.items.${index}.quantity`, message: `at most ${quantityLeft}` },
      ]);
    }
    const unitsShare = request.items
      ? Math.floor(((item.line_total_fen - item.discount_alloc_fen) * wanted.quantity) / item.quantity)
      : Number.POSITIVE_INFINITY;
    return { item, quantity: wanted.quantity, weight: Math.max(0, Math.min(netLeft(item), unitsShare)) };
  });
  const weights = chosen.map((line) => line.weight);
  const linesTotal = Math.min(
    request.amountFen,
    weights.reduce((sum, weight) => sum + weight, 0),
  );
  const amounts = allocateProportionally(linesTotal, weights);
  return chosen
    .map((line, i) => ({ orderItemId: line.item.id, quantity: line.quantity, amountFen: amounts[i] ?? 0 }))
    .filter((line) => line.quantity > 0 || line.amountFen > 0);
}

/** A refund that will not happen: marked failed, and the order's status follows what was really refunded. */
export async function failRefund(tx: Tx, refundId: number, now: Date): Promise<void> {
  const [refund] = await execute<{ order_id: number }>(
    tx,
    sql`update refunds set status = 'failed', updated_at = ${now}
        where id = ${refundId} and status in ('pending', 'processing') returning order_id`,
  );
  if (refund) await settleOrderRefundStatus(tx, refund.order_id, now);
}

const paidStatuses = sql.raw(PAID_ORDER_STATUSES.map((status) => `'${status}'`).join(', '));

/**
 * refunded when everything paid came back; refunding while a refund is in flight; otherwise by refunded_fen. An
 * order that was never paid (a refunded payment of an expired order) keeps its status.
 */
export async function settleOrderRefundStatus(tx: Tx, orderId: number, now: Date): Promise<void> {
  await tx.execute(
    sql`update orders o set updated_at = ${now}, status = case
          when o.refunded_fen = o.paid_fen and o.paid_fen > 0 then 'refunded'
          when exists (select 1 from refunds r where r.order_id = o.id and r.status in ('pending', 'processing')) then 'refunding'
          when o.refunded_fen > 0 then 'partially_refunded'
          else 'paid' end
        where o.id = ${orderId} and o.status in (${paidStatuses})`,
  );
}
