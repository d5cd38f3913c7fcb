import { sql, type SQL } from 'drizzle-orm';
import { execute, type Executor } from '../../db';
import { PAID_STATUS_LIST } from './paid-statuses';

/**
 * Recomputes `product_sales` from the order lines, set-based: one row per product with the units of its lines in
 * paid orders net of refunded units (what the triggers of migrations 0018 and 0020 keep incrementally as
 * product_sales plus product_sales_changes), and empties product_sales_changes. For loads that bypass triggers, and as the reference the tests compare the incremental counts with. The table is locked
 * against writers (readers go on) until the caller's transaction ends, so a payment committing meanwhile is
 * neither lost nor counted twice.
 * @example await rebuildProductSales(database.db);
 */
export async function rebuildProductSales(executor: Executor): Promise<void> {
  await executor.transaction(async (tx) => {
    await tx.execute(sql`lock table product_sales, product_sales_changes in exclusive mode`);
    await tx.execute(sql`delete from product_sales_changes`);
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

/**
 * A product's units sold: its product_sales row plus the changes not folded yet (both read by the product's key).
 * `productId` is the SQL of the product id column of the enclosing query.
 */
export function soldUnitsSql(productId: SQL): SQL {
  return sql`(coalesce((select ps.sold_units from product_sales ps where ps.product_id = ${productId}), 0)
    + coalesce((select sum(pc.units) from product_sales_changes pc where pc.product_id = ${productId}), 0))::int8`;
}

/**
 * Moves the units sold since the last fold into product_sales, in one statement: a reader sees either the changes
 * or the counts that include them, never both or neither. Changes appended meanwhile stay for the next fold, and
 * two folds at once never move a change twice (the second skips the rows the first deleted). Runs every minute
 * (the `catalog.fold-sales` job), so the changes a catalogue query sums stay a minute's worth.
 * @returns how many change rows were folded.
 */
export async function foldProductSales(executor: Executor): Promise<{ folded: number }> {
  const [row] = await execute<{ folded: number }>(
    executor,
    sql`with moved as (
          delete from product_sales_changes returning product_id, units
        ), summed as (
          select product_id, sum(units) as units, count(*) as changes from moved group by product_id
        ), applied as (
          insert into product_sales as s (product_id, sold_units, updated_at)
          select product_id, units, now() from summed order by product_id
          on conflict (product_id) do update set sold_units = s.sold_units + excluded.sold_units, updated_at = excluded.updated_at
          returning 1
        )
        select coalesce((select sum(changes) from summed), 0)::int8 as folded, (select count(*) from applied) as products`,
  );
  return { folded: Number(row?.folded ?? 0) };
}
