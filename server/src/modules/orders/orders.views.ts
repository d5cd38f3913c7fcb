import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { OrderListResponse, OrderStatus, OrderView } from '@member-ops/shared';
import type { Executor } from '../../db';
import type { OrderAddress } from '../../db/schema';
import { execute } from '../../db';
import { AppError } from '../../errors';

export type OrderViewResult = z.infer<typeof OrderView>;
type OrderListResult = z.infer<typeof OrderListResponse>;

interface OrderRow extends Record<string, unknown> {
  id: number;
  order_no: string;
  status: z.infer<typeof OrderStatus>;
  items_total_fen: number;
  coupon_discount_fen: number;
  coupon_id: number | null;
  points_used: number;
  points_discount_fen: number;
  shipping_fen: number;
  payable_fen: number;
  paid_fen: number;
  refunded_fen: number;
  address: OrderAddress | null;
  created_at: Date;
  expires_at: Date | null;
  paid_at: Date | null;
}

const orderColumns = sql`id, order_no, status, items_total_fen, coupon_discount_fen, coupon_id, points_used,
  points_discount_fen, shipping_fen, payable_fen, paid_fen, refunded_fen, address, created_at, expires_at, paid_at`;

function orderFields(row: OrderRow) {
  return {
    id: row.id,
    orderNo: row.order_no,
    status: row.status,
    itemsTotalFen: row.items_total_fen,
    couponDiscountFen: row.coupon_discount_fen,
    couponId: row.coupon_id,
    pointsUsed: row.points_used,
    pointsDiscountFen: row.points_discount_fen,
    shippingFen: row.shipping_fen,
    payableFen: row.payable_fen,
    paidFen: row.paid_fen,
    refundedFen: row.refunded_fen,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    paidAt: row.paid_at?.toISOString() ?? null,
  };
}

/** One of the member's own orders with its lines and refunds; 404 for anyone else's. */
export async function getOrderView(executor: Executor, memberId: number, orderId: number): Promise<OrderViewResult> {
  const [order] = await execute<OrderRow>(
    executor,
    sql`select ${orderColumns} from orders where id = ${orderId} and member_id = ${memberId}`,
  );
  if (!order) throw new AppError('NOT_FOUND', `Order ${orderId} not found`);
  const items = await execute<{
    id: number;
    sku_id: number;
    product_id: number;
    title: string;
    unit_price_fen: number;
    quantity: number;
    line_total_fen: number;
    discount_alloc_fen: number;
    refunded_quantity: number;
    refunded_fen: number;
  }>(
    executor,
    sql`select id, sku_id, product_id, title, unit_price_fen, quantity, line_total_fen, discount_alloc_fen,
               refunded_quantity, refunded_fen
        from order_items where order_id = ${orderId} order by id`,
  );
  const refunds = await execute<{
    id: number;
    out_refund_no: string;
    amount_fen: number;
    status: 'pending' | 'processing' | 'succeeded' | 'failed';
    reason: string | null;
    points_clawed_back: number;
    created_at: Date;
    succeeded_at: Date | null;
  }>(
    executor,
    sql`select id, out_refund_no, amount_fen, status, reason, points_clawed_back, created_at, succeeded_at
        from refunds where order_id = ${orderId} order by id`,
  );
  return {
    ...orderFields(order),
    address: order.address && addressView(order.address),
    items: items.map((item) => ({
      id: item.id,
      skuId: item.sku_id,
      productId: item.product_id,
      title: item.title,
      unitPriceFen: item.unit_price_fen,
      quantity: item.quantity,
      lineTotalFen: item.line_total_fen,
      discountAllocFen: item.discount_alloc_fen,
      refundedQuantity: item.refunded_quantity,
      refundedFen: item.refunded_fen,
    })),
    refunds: refunds.map((refund) => ({
      id: refund.id,
      outRefundNo: refund.out_refund_no,
      amountFen: refund.amount_fen,
      status: refund.status,
      reason: refund.reason,
      pointsClawedBack: refund.points_clawed_back,
      createdAt: refund.created_at.toISOString(),
      succeededAt: refund.succeeded_at?.toISOString() ?? null,
    })),
  };
}

/**
 * The member's orders, newest first, optionally of one status. Only the page's rows are read (by the member's
 * index) and only they have their lines counted; with a cursor the page starts after that order by index, so
 * a deep page costs what the first one does. The total is a count of the member's own index entries.
 */
export async function listOrderViews(
  executor: Executor,
  memberId: number,
  query: { status?: z.infer<typeof OrderStatus> | undefined; page: number; pageSize: number; cursor?: string | undefined },
): Promise<OrderListResult> {
  const statusFilter = query.status ? sql`and status = ${query.status}` : sql``;
  const after = query.cursor
    ? sql`and (created_at, id) < (select created_at, id from orders where id = ${query.cursor} and member_id = ${memberId})
          and created_at <= (select created_at from orders where id = ${query.cursor} and member_id = ${memberId})`
    : sql``;
  const offset = query.cursor ? 0 : (query.page - 1) * query.pageSize;
  const rows = await execute<OrderRow & { item_count: number; has_refund: boolean }>(
    executor,
    sql`select page.*,
               (select count(*) from order_items i where i.order_id = page.id)::int8 as item_count,
               exists (select 1 from refunds r where r.order_id = page.id) as has_refund
        from (select ${orderColumns} from orders
              where member_id = ${memberId} ${statusFilter} ${after}
              order by created_at desc, id desc
              limit ${query.pageSize + 1} offset ${offset}) page
        order by page.created_at desc, page.id desc`,
  );
  const [counted] = await execute<{ total: number }>(
    executor,
    sql`select count(*)::int8 as total from orders where member_id = ${memberId} ${statusFilter}`,
  );
  const shown = rows.slice(0, query.pageSize);
  const last = shown.at(-1);
  return {
    page: query.page,
    pageSize: query.pageSize,
    total: Number(counted?.total ?? 0),
    orders: shown.map((row) => ({ ...orderFields(row), itemCount: Number(row.item_count), refundedOrRefunding: row.has_refund })),
    nextCursor: rows.length > query.pageSize && last ? String(last.id) : null,
  };
}

function addressView(address: OrderAddress) {
  const { phoneCipher: _cipher, ...shown } = address;
  return shown;
}
