import { sql } from 'drizzle-orm';
import { execute, withTransaction } from '../../db';
import type { ServerContext } from '../../server';
import { lockMember, returnSpentPoints } from '../points/points.repo';
import { releaseCoupon } from '../coupons';
import { idArray, releaseStockOfOrders } from './orders.repo';

export interface ExpiryResult {
  expired: number;
  wechatClosed: number;
  wechatCloseFailed: number;
}

/** Orders expired per run; a backlog is worked off by the next runs. */
const EXPIRY_BATCH = 500;

/**
 * Expires pending orders whose time is up, set-based in one transaction: the orders become `expired`, their
 * stock goes back, their coupons become available again and their spent points are returned (see
 * returnSpentPoints). After commit the WeChat prepay orders are closed, best effort: a close that fails is
 * logged, and a payment that still arrives is answered by the notify flow (the order stays expired).
 */
export async function expireUnpaidOrders(context: ServerContext, now: Date): Promise<ExpiryResult> {
  const expired = await withTransaction(context.database, async (tx) => {
    const rows = await execute<{
      id: number;
      member_id: number;
      order_no: string;
      coupon_id: number | null;
      points_used: number;
      has_prepay: boolean;
    }>(
      tx,
      sql`update orders o set status = 'expired', updated_at = ${now}
          where o.id in (select id from orders where status = 'pending' and expires_at < ${now}
                         order by id limit ${EXPIRY_BATCH} for update skip locked)
          returning o.id, o.member_id, o.order_no, o.coupon_id, o.points_used,
                    exists (select 1 from payments p where p.order_id = o.id and p.prepay_id is not null) as has_prepay`,
    );
    const orderIds = rows.map((row) => row.id).sort((a, b) => a - b);
    await releaseStockOfOrders(tx, orderIds, now);
    for (const row of rows) {
      if (row.coupon_id !== null) await releaseCoupon(tx, { couponId: row.coupon_id, orderId: row.id, now });
    }
    const withPoints = rows.filter((row) => row.points_used > 0).sort((a, b) => a.member_id - b.member_id || a.id - b.id);
    for (const row of withPoints) {
      await lockMember(tx, row.member_id);
      await returnSpentPoints(tx, row.member_id, row.id);
    }
    if (orderIds.length > 0) {
      await tx.execute(
        sql`update payments set status = 'closed', updated_at = ${now}
            where status = 'prepared' and order_id = any(${idArray(orderIds)}::bigint[])`,
      );
    }
    return rows;
  });

  let wechatClosed = 0;
  let wechatCloseFailed = 0;
  for (const row of expired.filter((candidate) => candidate.has_prepay)) {
    try {
      await context.wechat.pay.closeOrder(row.order_no);
      wechatClosed += 1;
    } catch (error) {
      wechatCloseFailed += 1;
      context.logger.warn({ orderId: row.id, reason: (error as Error).message }, 'closing the WeChat order failed');
    }
  }
  return { expired: expired.length, wechatClosed, wechatCloseFailed };
}
