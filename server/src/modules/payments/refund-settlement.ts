import { sql } from 'drizzle-orm';
import { clawbackForRefund, orderBatchId, type PointsEntry } from '@member-ops/shared';
import { execute, withTransaction, type Tx } from '../../db';
import { PAID_ORDER_STATUSES, type OrderStatus, type RefundLine, type RefundStatus } from '../../db/schema';
import type { ServerContext } from '../../server';
import type { WechatPayRefundNotification } from '../../wechat';
import { lockOrder, refreshGrowthValue, type LockedOrder } from '../orders';
import { debitPoints, lockMember, returnSpentPointsForRefund } from '../points/points.repo';
import { tierConfigAt } from '../points/rule-configs';
import { updateMemberDerived } from '../segmentation';
import { recordAudit } from './audit';
import { failRefund, settleOrderRefundStatus } from './refunds.service';

export type RefundOutcome = 'refunded' | 'already_settled' | 'failed' | 'unknown_refund' | 'amount_mismatch';

/**
 * Applies a REFUND.* notification exactly once, under the order lock: SUCCESS marks the refund succeeded,
 * adds it to the order and its lines, returns the refunded share of the points spent at checkout (see
 * returnSpentPointsForRefund), claws back the points earned on the refunded share and lowers the purchase
 * aggregates (then recomputed with the member's classifications) and growth value. The tier is not lowered
 * here: downgrades happen only at the tier review. CLOSED / ABNORMAL mark the refund failed.
 */
export async function settleRefund(context: ServerContext, notice: WechatPayRefundNotification): Promise<RefundOutcome> {
  const now = context.clock();
  return withTransaction(context.database, async (tx) => {
    const [found] = await execute<{ order_id: number }>(
      tx,
      sql`select order_id from refunds where out_refund_no = ${notice.out_refund_no}`,
    );
    if (!found) {
      await recordAudit(tx, now, 'refund.unknown_refund', 'refund', notice.out_refund_no, { outTradeNo: notice.out_trade_no });
      return 'unknown_refund';
    }
    const order = await lockOrder(tx, { id: found.order_id });
    const [refund] = await execute<{ id: number; status: RefundStatus; amount_fen: number; lines: RefundLine[] }>(
      tx,
      sql`select id, status, amount_fen, lines from refunds where out_refund_no = ${notice.out_refund_no} for update`,
    );
    if (!order || !refund) return 'unknown_refund';
    if (refund.status === 'succeeded' || refund.status === 'failed') return 'already_settled';
    if (notice.refund_status !== 'SUCCESS') {
      if (notice.refund_status === 'PROCESSING') return 'already_settled';
      await failRefund(tx, refund.id, now);
      return 'failed';
    }
    if (notice.amount.refund !== refund.amount_fen || notice.out_trade_no !== order.orderNo) {
      await recordAudit(tx, now, 'refund.amount_mismatch', 'refund', refund.id, {
        expectedFen: refund.amount_fen,
        notifiedFen: notice.amount.refund,
      });
      return 'amount_mismatch';
    }
    const succeededAt = notice.success_time ? new Date(notice.success_time) : now;
    if (!(PAID_ORDER_STATUSES as readonly OrderStatus[]).includes(order.status)) {
      // A payment that arrived for an order that had already ended: the order never counted as bought (no points,
      // aggregates or growth), so only the refund settles and the order keeps its status.
      await tx.execute(
        sql`update refunds set status = 'succeeded', refund_id = ${notice.refund_id}, notification = ${JSON.stringify(notice)}::jsonb,
                               notified_at = ${now}, succeeded_at = ${succeededAt}, updated_at = ${now}
            where id = ${refund.id}`,
      );
      await recordAudit(tx, now, 'refund.unfulfillable_refunded', 'order', order.id, {
        refundId: refund.id,
        amountFen: refund.amount_fen,
        orderStatus: order.status,
      });
      return 'refunded';
    }
    await tx.execute(
      sql`update orders set refunded_fen = refunded_fen + ${refund.amount_fen}, updated_at = ${now} where id = ${order.id}`,
    );
    if (refund.lines.length > 0) {
      await tx.execute(
        sql`update order_items i set refunded_quantity = i.refunded_quantity + l.quantity,
                                     refunded_fen = i.refunded_fen + l."amountFen"
            from jsonb_to_recordset(${JSON.stringify(refund.lines)}::jsonb) as l("orderItemId" bigint, quantity int, "amountFen" bigint)
            where i.id = l."orderItemId" and i.order_id = ${order.id}`,
      );
    }
    // Spent points come back before the earned ones are clawed back, so the clawback can take from them.
    await lockMember(tx, order.memberId);
    await returnSpentPointsForRefund(tx, {
      memberId: order.memberId,
      orderId: order.id,
      refundId: refund.id,
      paidFen: order.paidFen,
      refundedFenAfter: order.refundedFen + refund.amount_fen,
      now,
    });
    const clawback = await clawBackPoints(tx, order, refund.id, refund.amount_fen, now);
    await tx.execute(
      sql`update refunds set status = 'succeeded', refund_id = ${notice.refund_id}, notification = ${JSON.stringify(notice)}::jsonb,
                             notified_at = ${now}, succeeded_at = ${succeededAt}, points_clawed_back = ${clawback.taken},
                             points_shortfall = ${clawback.shortfall}, updated_at = ${now}
          where id = ${refund.id}`,
    );
    await settleOrderRefundStatus(tx, order.id, now);
    await tx.execute(
      sql`update member_metrics set spend_total_fen = greatest(0, spend_total_fen - ${refund.amount_fen}),
                                    monetary_365_fen = greatest(0, monetary_365_fen - ${refund.amount_fen}), updated_at = ${now}
          where member_id = ${order.memberId}`,
    );
    // A refund of the whole amount undoes the purchase (shared rule): its lines leave the member's preferences.
    const fullyRefunded = order.refundedFen + refund.amount_fen >= order.paidFen && order.paidFen > 0;
    await updateMemberDerived(tx, order.memberId, now, { fullyRefunded: fullyRefunded ? [order.id] : [] });
    await refreshGrowthValue(tx, order.memberId, now, (await tierConfigAt(tx, now)).config);
    return 'refunded';
  });
}

/**
 * How many points are due is the shared rule (clawbackForRefund: cumulative, rounded down, so partial refunds
 * add up to a full one), fed with what the database knows about this order: the points it earned and the
 * points earlier refunds already reversed (clawed back + shortfall). Which batches pay is decided against
 * the real batches, the order's own batch first; what the balance cannot cover is recorded as shortfall.
 */
async function clawBackPoints(
  tx: Tx,
  order: LockedOrder,
  refundId: number,
  amountFen: number,
  now: Date,
): Promise<{ taken: number; shortfall: number }> {
  await lockMember(tx, order.memberId);
  const [facts] = await execute<{ earned: number; batch_id: number | null; reversed: number }>(
    tx,
    sql`select coalesce((select points from points_ledger where member_id = ${order.memberId}
                           and idempotency_key = ${`earn:order:${order.id}`}), 0)::int8 as earned,
               (select batch_id from points_ledger where member_id = ${order.memberId}
                  and idempotency_key = ${`earn:order:${order.id}`}) as batch_id,
               coalesce((select sum(points_clawed_back + points_shortfall) from refunds
                         where order_id = ${order.id} and status = 'succeeded'), 0)::int8 as reversed`,
  );
  if (!facts || facts.earned === 0 || order.paidFen === 0) return { taken: 0, shortfall: 0 };
  const orderRef = String(order.id);
  const entries: PointsEntry[] = [
    {
      kind: 'earn',
      points: facts.earned,
      batchId: orderBatchId(orderRef),
      expiresAt: new Date(8.64e15),
      reason: 'order',
      occurredAt: now,
      ref: orderRef,
    },
  ];
  if (facts.reversed > 0) {
    entries.push({
      kind: 'clawback',
      points: 0,
      allocations: [],
      reason: 'refund',
      occurredAt: now,
      ref: orderRef,
      shortfall: facts.reversed,
    });
  }
  const decision = clawbackForRefund(
    entries,
    { orderId: orderRef, paidFen: order.paidFen, refundedFen: order.refundedFen + amountFen },
    now,
  );
  const due = decision.clawedBack + decision.shortfall;
  if (due === 0) return { taken: 0, shortfall: 0 };
  const result = await debitPoints(tx, {
    memberId: order.memberId,
    kind: 'clawback',
    points: due,
    idempotencyKey: `clawback:refund:${refundId}`,
    orderId: order.id,
    refundId,
    now,
    allowShortfall: true,
    ...(facts.batch_id !== null ? { preferBatchId: facts.batch_id } : {}),
    note: 'refund',
  });
  if (result.shortfall > 0) {
    await recordAudit(tx, now, 'points.clawback_shortfall', 'refund', refundId, { due, shortfall: result.shortfall });
  }
  return { taken: result.taken, shortfall: result.shortfall };
}
