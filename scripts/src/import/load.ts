/**
 * Set-based steps from the staging table into the product's tables. Every insert names its natural key
 * (members.openid, categories.code, skus.sku_code, orders.order_no) with ON CONFLICT DO NOTHING, and order
 * lines and payments are only written for orders this run created, so a second run of the same file adds nothing.
 */
import { type SQL, sql } from 'drizzle-orm';
import { execute, type Executor } from '../../../server/src/db';
import { EXAMPLES_PER_PROBLEM, type RejectionLog } from './rejections';
import { STAGING_TABLE } from './staging';

/** The problem of lines whose customer is not a member, imported without --as-members. */
export const NOT_A_MEMBER = 'customer is not a member (add --as-members)';

/** The openid of an imported customer: `import:<source>:<customer id>`. */
export function importedOpenidPrefix(source: string): string {
  return `import:${source}:`;
}

/** The order number of an imported order: `<source>:<invoice>`, so two sources never collide. */
export function importedOrderNoPrefix(source: string): string {
  return `${source}:`;
}

/**
 * Removes the staged lines matching `where` (SQL over the staging table as `l`) and records them as rejected
 * for `problem`, each with the reason `reasonSql` computes: counted in the database, with at most
 * EXAMPLES_PER_PROBLEM examples brought back, however many lines match.
 */
async function rejectStaged(executor: Executor, log: RejectionLog, problem: string, where: SQL, reasonSql: SQL): Promise<number> {
  const [row] = await execute<{ rejected: number; lines: number[] | null; reasons: string[] | null }>(
    executor,
    sql`with gone as (
        delete from ${sql.raw(STAGING_TABLE)} l where ${where} returning l.line, ${reasonSql} as reason
      ), examples as (select line, reason from gone order by line limit ${EXAMPLES_PER_PROBLEM})
      select (select count(*) from gone)::int as rejected,
        (select array_agg(line order by line) from examples) as lines,
        (select array_agg(reason order by line) from examples) as reasons`,
  );
  const rejected = row?.rejected ?? 0;
  const reasons = row?.reasons ?? [];
  log.addCounted(
    problem,
    rejected,
    (row?.lines ?? []).map((line, i) => ({ line, reason: reasons[i] ?? problem })),
  );
  return rejected;
}

/**
 * Orders whose sale lines name different customers cannot be attributed to one member: all their lines are
 * rejected (removed from staging and recorded in `log`).
 */
export async function rejectMixedCustomerOrders(executor: Executor, log: RejectionLog): Promise<void> {
  await rejectStaged(
    executor,
    log,
    'order with lines of several customers',
    sql.raw(`not l.is_return and l.order_no in (
        select order_no from ${STAGING_TABLE} where not is_return group by order_no having count(distinct customer) > 1)`),
    sql`'order ' || l.order_no || ' has lines of several customers'`,
  );
}

/**
 * With `asMembers`, creates a member for every customer with a sale line (registered at their first
 * purchase); without it, rejects the lines of customers who are not members yet (recorded in `log`).
 */
export async function resolveMembers(
  executor: Executor,
  source: string,
  asMembers: boolean,
  log: RejectionLog,
): Promise<{ created: number }> {
  const prefix = sql.param(importedOpenidPrefix(source));
  if (asMembers) {
    const [row] = await execute<{ created: number }>(
      executor,
      sql`with created as (
          insert into members (openid, registered_at, region, source_channel)
          select ${prefix} || customer, min(at), min(region), 'import'
          from ${sql.raw(STAGING_TABLE)} where not is_return group by customer order by min(at), customer
          on conflict (openid) do nothing returning 1)
        select count(*)::int as created from created`,
    );
    return { created: row?.created ?? 0 };
  }
  await rejectStaged(
    executor,
    log,
    NOT_A_MEMBER,
    sql`not l.is_return and not exists (select 1 from members m where m.openid = ${prefix} || l.customer)`,
    sql`'customer ' || l.customer || ' is not a member (add --as-members to create imported customers)'`,
  );
  return { created: 0 };
}

export interface CatalogueCounts {
  categories: number;
  brands: number;
  products: number;
  skus: number;
}

/**
 * Categories and brands by code; one product with one SKU per new SKU code, titled and priced by its latest
 * sale line. Imported products are off sale until staff publish them.
 */
export async function loadCatalogue(executor: Executor): Promise<CatalogueCounts> {
  const count = async (statement: string) =>
    (await execute<{ n: number }>(executor, sql.raw(`with x as (${statement} returning 1) select count(*)::int as n from x`)))[0]
      ?.n ?? 0;
  const categories = await count(`insert into categories (code, name)
    select distinct on (category) category, category_name from ${STAGING_TABLE} where not is_return order by category, line
    on conflict (code) do nothing`);
  const brands = await count(`insert into brands (code, name)
    select distinct brand, brand from ${STAGING_TABLE} where not is_return and brand is not null
    on conflict (code) do nothing`);
  await executor.execute(
    sql.raw(`create temporary table import_new_skus on commit drop as
      select sku, title, category, brand, unit_price_fen, nextval(pg_get_serial_sequence('products', 'id')) as product_id
      from (select distinct on (sku) sku, title, category, brand, unit_price_fen from ${STAGING_TABLE} l
            where not is_return and not exists (select 1 from skus s where s.sku_code = l.sku)
            order by sku, at desc, line desc) latest
      order by sku`),
  );
  const products = await count(`insert into products (id, category_id, brand_id, title, status)
    select n.product_id, c.id, b.id, n.title, 'off_sale' from import_new_skus n
    join categories c on c.code = n.category left join brands b on b.code = n.brand order by n.product_id`);
  const skus = await count(`insert into skus (product_id, sku_code, title, price_fen)
    select product_id, sku, title, unit_price_fen from import_new_skus order by product_id
    on conflict (sku_code) do nothing`);
  await executor.execute(sql.raw('drop table import_new_skus'));
  return { categories, brands, products, skus };
}

export interface OrderCounts {
  orders: number;
  orderItems: number;
  payments: number;
}

/**
 * One paid POS order per order number, at its earliest line's time, with its lines (category and brand as the
 * catalogue has them) and one succeeded payment when it cost anything. Orders already imported are left alone.
 */
export async function loadOrders(executor: Executor, source: string): Promise<OrderCounts> {
  const openid = sql.param(importedOpenidPrefix(source));
  const orderNo = sql.param(importedOrderNoPrefix(source));
  const [row] = await execute<{ orders: number; order_items: number; payments: number }>(
    executor,
    sql`with lines as (
        select l.*, m.id as member_id, ${orderNo} || l.order_no as full_order_no
        from ${sql.raw(STAGING_TABLE)} l join members m on m.openid = ${openid} || l.customer
        where not l.is_return
      ), heads as (
        select full_order_no, min(member_id) as member_id, min(at) as at, sum(unit_price_fen * quantity) as total
        from lines group by full_order_no
      ), new_orders as (
        insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen,
          created_at, paid_at, updated_at)
        select full_order_no, member_id, 'pos', 'paid', total, total, total, at, at, at from heads
        order by at, full_order_no
        on conflict (order_no) do nothing
        returning id, order_no, member_id, paid_fen, paid_at
      ), new_items as (
        insert into order_items (order_id, member_id, sku_id, product_id, title, category, brand,
          unit_price_fen, quantity, line_total_fen)
        select o.id, o.member_id, s.id, s.product_id, l.title, c.code, b.code, l.unit_price_fen, l.quantity,
          l.unit_price_fen * l.quantity
        from new_orders o join lines l on l.full_order_no = o.order_no
        join skus s on s.sku_code = l.sku join products p on p.id = s.product_id
        join categories c on c.id = p.category_id left join brands b on b.id = p.brand_id
        order by o.id, l.line
        returning 1
      ), new_payments as (
        insert into payments (order_id, member_id, method, out_trade_no, amount_fen, status, notified_at, created_at, updated_at)
        select id, member_id, 'pos', order_no, paid_fen, 'succeeded', paid_at, paid_at, paid_at
        from new_orders where paid_fen > 0
        returning 1
      )
      select (select count(*) from new_orders)::int as orders, (select count(*) from new_items)::int as order_items,
        (select count(*) from new_payments)::int as payments`,
  );
  return { orders: row?.orders ?? 0, orderItems: row?.order_items ?? 0, payments: row?.payments ?? 0 };
}
