import { sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db';
import { execute } from '../../db';
import type { OrderStatus } from '../../db/schema';

export interface CatalogueLine {
  skuId: number;
  productId: number;
  title: string;
  category: string;
  brand: string | null;
  priceFen: number;
  stock: number;
  onSale: boolean;
}

type CatalogueRow = {
  sku_id: number;
  product_id: number;
  title: string;
  category: string;
  brand: string | null;
  price_fen: number;
  stock: number;
  on_sale: boolean;
};

const catalogueSelect = (skuIds: readonly number[]) =>
  sql`select s.id as sku_id, p.id as product_id, p.title || ' ' || s.title as title, c.code as category,
             b.code as brand, s.price_fen, s.stock, (s.active and p.status = 'on_sale') as on_sale
      from skus s join products p on p.id = s.product_id join categories c on c.id = p.category_id
      left join brands b on b.id = p.brand_id
      where s.id = any(${idArray(skuIds)}::bigint[])`;

function catalogueLine(r: CatalogueRow): CatalogueLine {
  return {
    skuId: r.sku_id,
    productId: r.product_id,
    title: r.title,
    category: r.category,
    brand: r.brand,
    priceFen: r.price_fen,
    stock: r.stock,
    onSale: r.on_sale,
  };
}

/** Prices and snapshots of the SKUs being ordered (prices come from here, never from the client). */
export async function catalogueLines(executor: Executor, skuIds: readonly number[]): Promise<CatalogueLine[]> {
  const rows = await execute<CatalogueRow>(executor, catalogueSelect(skuIds));
  return rows.map(catalogueLine);
}

/**
 * One lock-free read before an order is placed: the catalogue lines of its SKUs (stock as committed now) and
 * the member's order already placed with this clientOrderKey, if any.
 */
export async function orderingSnapshot(
  executor: Executor,
  skuIds: readonly number[],
  placed: { memberId: number; clientOrderKey: string | undefined },
): Promise<{ lines: CatalogueLine[]; placedOrderId: number | null }> {
  const key = placed.clientOrderKey ?? null;
  const rows = await execute<Partial<CatalogueRow> & { placed_order_id: number | null }>(
    executor,
    sql`select l.*, x.placed_order_id
        from (select (select id from orders where member_id = ${placed.memberId} and ${key}::text is not null
                        and client_order_key = ${key}::text) as placed_order_id) x
        left join (${catalogueSelect(skuIds)}) l on true`,
  );
  return {
    placedOrderId: rows[0]?.placed_order_id ?? null,
    lines: rows.flatMap((row) => (row.sku_id === undefined || row.sku_id === null ? [] : [catalogueLine(row as CatalogueRow)])),
  };
}

/**
 * Takes `quantity` off the SKU's stock unless that would go below zero: true when taken; otherwise the stock
 * committed now (re-read, so the caller can say how many are left). Locks the SKU row until commit, so callers
 * make it their last statement and take SKUs in id order.
 */
export async function reserveStock(tx: Tx, skuId: number, quantity: number, now: Date): Promise<true | { stock: number }> {
  const rows = await execute<{ id: number }>(
    tx,
    sql`update skus set stock = stock - ${quantity}, updated_at = ${now}
        where id = ${skuId} and stock >= ${quantity} returning id`,
  );
  if (rows.length === 1) return true;
  const [row] = await execute<{ stock: number }>(tx, sql`select stock from skus where id = ${skuId}`);
  return { stock: row?.stock ?? 0 };
}

/** Puts the stock of these orders' lines back, one update per SKU in id order. */
export async function releaseStockOfOrders(tx: Tx, orderIds: readonly number[], now: Date): Promise<void> {
  if (orderIds.length === 0) return;
  await tx.execute(
    sql`update skus s set stock = s.stock + x.quantity, updated_at = ${now}
        from (select sku_id, sum(quantity)::int as quantity from order_items
              where order_id = any(${idArray(orderIds)}::bigint[]) group by sku_id order by sku_id) x
        where s.id = x.sku_id`,
  );
}

export interface LockedOrder {
  id: number;
  orderNo: string;
  memberId: number;
  /** The store of an in-store (POS) order; null for mini-program orders. */
  storeId: number | null;
  status: OrderStatus;
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  couponId: number | null;
  pointsUsed: number;
  expiresAt: Date | null;
  paidAt: Date | null;
}

/** Locks one order row; every money change of an order starts here. */
export async function lockOrder(tx: Tx, where: { id: number } | { orderNo: string }): Promise<LockedOrder | null> {
  const condition = 'id' in where ? sql`id = ${where.id}` : sql`order_no = ${where.orderNo}`;
  const [row] = await execute<{
    id: number;
    order_no: string;
    member_id: number;
    store_id: number | null;
    status: OrderStatus;
    payable_fen: number;
    paid_fen: number;
    refunded_fen: number;
    coupon_id: number | null;
    points_used: number;
    expires_at: Date | null;
    paid_at: Date | null;
  }>(
    tx,
    sql`select id, order_no, member_id, store_id, status, payable_fen, paid_fen, refunded_fen, coupon_id, points_used,
               expires_at, paid_at
        from orders where ${condition} for update`,
  );
  if (!row) return null;
  return {
    id: row.id,
    orderNo: row.order_no,
    memberId: row.member_id,
    storeId: row.store_id,
    status: row.status,
    payableFen: row.payable_fen,
    paidFen: row.paid_fen,
    refundedFen: row.refunded_fen,
    couponId: row.coupon_id,
    pointsUsed: row.points_used,
    expiresAt: row.expires_at,
    paidAt: row.paid_at,
  };
}

/** Ids travel as an array literal so both drivers bind them the same way. */
export function idArray(ids: readonly number[]): string {
  return `{${ids.map((id) => String(Math.trunc(id))).join(',')}}`;
}
