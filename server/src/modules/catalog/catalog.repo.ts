import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { ProductDetail, ProductSort, ProductSummary } from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { PAID_ORDER_STATUSES, products, skus } from '../../db/schema';

/** `status in ('paid', …)`: constants written literally, so the planner can use the partial indexes. */
export const PAID_STATUS_LIST = sql.raw(PAID_ORDER_STATUSES.map((status) => `'${status}'`).join(', '));

interface SummaryRow extends Record<string, unknown> {
  id: number;
  title: string;
  subtitle: string | null;
  image: string | null;
  category_id: number;
  category_code: string;
  category_name: string;
  brand_id: number | null;
  brand_code: string | null;
  brand_name: string | null;
  min_price_fen: number;
  max_price_fen: number;
  in_stock: boolean;
  sold_units: number;
}

/**
 * Products a shopper can see: on sale with at least one active SKU. The price range and stock come from the
 * active SKUs; sold units from paid order lines net of refunded quantities.
 */
const VISIBLE_PRODUCTS = sql`
  with priced as (
    select product_id, min(price_fen) as min_price_fen, max(price_fen) as max_price_fen, sum(stock) > 0 as in_stock
    from skus where active group by product_id
  ), sold as (
    select oi.product_id, sum(oi.quantity - oi.refunded_quantity) as sold_units
    from order_items oi join orders o on o.id = oi.order_id
    where o.status in (${PAID_STATUS_LIST})
    group by oi.product_id
  )
  select p.id, p.title, p.subtitle, p.images ->> 0 as image, p.position,
    c.id as category_id, c.code as category_code, c.name as category_name,
    b.id as brand_id, b.code as brand_code, b.name as brand_name,
    pr.min_price_fen, pr.max_price_fen, pr.in_stock, coalesce(s.sold_units, 0)::int8 as sold_units
  from products p
  join priced pr on pr.product_id = p.id
  join categories c on c.id = p.category_id
  left join brands b on b.id = p.brand_id
  left join sold s on s.product_id = p.id
  where p.status = 'on_sale'`;

const SORT_ORDER: Record<ProductSort, SQL> = {
  default: sql`position, id`,
  price_asc: sql`min_price_fen, id`,
  price_desc: sql`min_price_fen desc, id`,
  sales: sql`sold_units desc, id`,
};

function toSummary(row: SummaryRow): ProductSummary {
  return {
    id: row.id,
    title: row.title,
    subtitle: row.subtitle,
    image: row.image,
    category: { id: row.category_id, code: row.category_code, name: row.category_name },
    brand:
      row.brand_id !== null && row.brand_code !== null && row.brand_name !== null
        ? { id: row.brand_id, code: row.brand_code, name: row.brand_name }
        : null,
    minPriceFen: row.min_price_fen,
    maxPriceFen: row.max_price_fen,
    inStock: row.in_stock,
    soldUnits: row.sold_units,
  };
}

/** `%keyword%` for ILIKE with the keyword's own `%`, `_` and `\` matched literally. */
export function containsPattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export interface ProductFilter {
  category?: string;
  brand?: string;
  keyword?: string;
}

function filterConditions(filter: ProductFilter): SQL {
  const conditions: SQL[] = [sql`true`];
  if (filter.category !== undefined) {
    conditions.push(sql`category_id in (
      with recursive wanted as (
        select id from categories where code = ${filter.category} and active
        union
        select c.id from categories c join wanted w on c.parent_id = w.id where c.active
      ) select id from wanted)`);
  }
  if (filter.brand !== undefined) conditions.push(sql`brand_code = ${filter.brand}`);
  if (filter.keyword !== undefined) {
    const pattern = containsPattern(filter.keyword);
    conditions.push(sql`exists (select 1 from products k where k.id = visible.id and
      (k.title ilike ${pattern} or k.subtitle ilike ${pattern} or k.description ilike ${pattern}))`);
  }
  return sql.join(conditions, sql` and `);
}

export async function listProducts(
  executor: Executor,
  filter: ProductFilter,
  paging: { sort: ProductSort; page: number; pageSize: number },
): Promise<{ items: ProductSummary[]; total: number }> {
  const where = filterConditions(filter);
  const [counted] = await execute<{ total: number }>(
    executor,
    sql`select count(*)::int8 as total from (${VISIBLE_PRODUCTS}) visible where ${where}`,
  );
  const rows = await execute<SummaryRow>(
    executor,
    sql`select * from (${VISIBLE_PRODUCTS}) visible where ${where}
        order by ${SORT_ORDER[paging.sort]}
        limit ${paging.pageSize} offset ${(paging.page - 1) * paging.pageSize}`,
  );
  return { items: rows.map(toSummary), total: counted?.total ?? 0 };
}

/** Summaries of the given visible products, in the order of `ids` (invisible ones are left out). */
export async function productSummaries(executor: Executor, ids: readonly number[]): Promise<ProductSummary[]> {
  if (ids.length === 0) return [];
  const rows = await execute<SummaryRow>(
    executor,
    sql`select * from (${VISIBLE_PRODUCTS}) visible where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  const byId = new Map(rows.map((row) => [row.id, toSummary(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A visible product with its active SKUs, or undefined when it is unknown, not on sale or has no active SKU. */
export async function productDetail(executor: Executor, id: number): Promise<ProductDetail | undefined> {
  const [summary] = await productSummaries(executor, [id]);
  if (!summary) return undefined;
  const [product] = await executor
    .select({ description: products.description, images: products.images })
    .from(products)
    .where(eq(products.id, id));
  const skuRows = await executor
    .select({
      id: skus.id,
      skuCode: skus.skuCode,
      title: skus.title,
      attributes: skus.attributes,
      priceFen: skus.priceFen,
      originalPriceFen: skus.originalPriceFen,
      stock: skus.stock,
    })
    .from(skus)
    .where(and(eq(skus.productId, id), eq(skus.active, true)))
    .orderBy(asc(skus.priceFen), asc(skus.id));
  const { image: _image, ...rest } = summary;
  return { ...rest, description: product?.description ?? null, images: product?.images ?? [], skus: skuRows };
}
