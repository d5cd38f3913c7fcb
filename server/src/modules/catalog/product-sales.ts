import { sql } from 'drizzle-orm';
import type { Executor } from '../../db';
import { PAID_STATUS_LIST } from './paid-statuses';

/**
 * Recomputes `product_sales` from the order lines, set-based: one row per product with the units of its lines in
 * paid orders net of refunded units (the definition the triggers of migration 0018 keep incrementally). For loads
 * that bypass triggers, and as the reference the tests compare the incremental counts with. The table is locked
 * against writers (readers go on) until the caller's transaction ends, so a payment committing meanwhile is
 * neither lost nor counted twice.
 * @example await rebuildProductSales(database.db);
 */
export async function rebuildProductSales(executor: Executor): Promise<void> {
  await executor.transaction(async (tx) => {
    await tx.execute(sql`lock table product_sales in exclusive mode`);
    await tx.execute(
      sql`insert into product_sales as s (product_id, sold_units, updated_at)
          select p.id, coalesce(sold.units, 0), now() from products p
          left join (
            select i.product_id, sum(i.quantity - i.refunded_quantity) as units
            from order_items i join orders o on o.id = i.order_id
            where o.status in (${PAID_STATUS_LIST})
            group by i.product_id
          ) sold on sold.product_id = p.id
          order by p.id
          on conflict (product_id) do update set sold_units = excluded.sold_units, updated_at = excluded.updated_at
          where s.sold_units <> excluded.sold_units`,
    );
  });
}
