import { sql } from 'drizzle-orm';
import { execute, withTransaction, type Executor } from '../../db';
import type { ServerContext } from '../../server';
import { lockMember, returnSpentPoints } from '../points/points.repo';
import { releaseCoupon } from '../coupons';
import { idArray, releaseStockOfOrders } from './orders.repo';

/** A pending order whose time is up; `hasPrepay` when a WeChat order was opened for it. */
export interface DueOrder {
  id: number;
  orderNo: string;
  expiresAt: Date;
  hasPrepay: boolean;
}

/** Pending orders past their expiry, oldest id first, at most `limit` (a backlog is worked off by later runs). */
export async function dueUnpaidOrders(executor: Executor, now: Date, limit: number): Promise<DueOrder[]> {
  const rows = await execute<{ id: number; order_no: string; expires_at: Date; has_prepay: boolean }>(
    executor,
    sql`select o.id, o.order_no, o.expires_at,
               exists (select 1 from payments p where p.order_id = o.id and p.prepay_id is not null) as has_prepay
        from orders o where o.status = 'pending' and o.expires_at < ${now}
        order by o.id limit ${limit}`,
  );
  return rows.map((row) => ({ id: row.id, orderNo: row.order_no, expiresAt: row.expires_at, hasPrepay: row.has_prepay }));
}

/**
 * Expires these orders if they are still pending, set-based in one transaction: the orders become `expired`,
 * their coupons become available again, their spent points are returned (see returnSpentPoints) and their stock
 * goes back. The prepared payments of `closedAtWechat` orders become `closed`; the others stay
 * `prepared`, so the reconcile job asks WeChat about them later. An order paid meanwhile is skipped (locked
 * rows are skipped too and come back in the next run). Returns the ids expired.
 */
export async function expirePendingOrders(
  context: ServerContext,
  orderIds: readonly number[],
  closedAtWechat: readonly number[],
  now: Date,
): Promise<number[]> {
  if (orderIds.length === 0) return [];
  return withTransaction(context.database, async (tx) => {
    const rows = await execute<{ id: number; member_id: number; coupon_id: number | null; points_used: number }>(
      tx,
      sql`update orders o set status = 'expired', updated_at = ${now}
          where o.id in (select id from orders where id = any(${idArray(orderIds)}::bigint[]) and status = 'pending'
                           and expires_at < ${now}
                         order by id for update skip locked)
          returning o.id, o.member_id, o.coupon_id, o.points_used`,
    );
    const expired = rows.map((row) => row.id).sort((a, b) => a - b);
    for (const row of rows) {
      if (row.coupon_id !== null) await releaseCoupon(tx, { couponId: row.coupon_id, orderId: row.id, now });
    }
    const withPoints = rows.filter((row) => row.points_used > 0).sort((a, b) => a.member_id - b.member_id || a.id - b.id);
    for (const row of withPoints) {
      await lockMember(tx, row.member_id);
      await returnSpentPoints(tx, row.member_id, row.id);
    }
    const closed = expired.filter((id) => closedAtWechat.includes(id));
    if (closed.length > 0) {
      await tx.execute(
        sql`update payments set status = 'closed', updated_at = ${now}
            where status = 'prepared' and order_id = any(${idArray(closed)}::bigint[])`,
      );
    }
    // Stock last, as when an order is placed (coupon, member, then SKUs): a hot SKU row is held only until commit.
    await releaseStockOfOrders(tx, expired, now);
    return expired;
  });
}
