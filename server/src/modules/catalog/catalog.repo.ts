import { sql, type SQL } from 'drizzle-orm';
import type { ProductDetail, ProductSort, ProductSummary } from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { soldUnitsSql } from './product-sales';

export { PAID_STATUS_LIST } from './paid-statuses';

interface ProductRow extends Record<string, unknown> {
  id: number;
  title: string;
  subtitle: string | null;
  category_id: number;
  category_code: string;
  category_name: string;
  brand_id: number | null;
  brand_code: string | null;
  brand_name: string | null;
  sold_units: number;
}

interface SummaryRow extends ProductRow {
  image: string | null;
  min_price_fen: number;
  max_price_fen: number;
  in_stock: boolean;
}

interface DetailRow extends ProductRow {
  description: string | null;
  images: string[];
}

/**
 * Products a shopper can see: on sale with at least one active SKU, with the columns the filters use. Catalogue
 * tables only, so the count for paging costs the same however many orders the shop has.
 */
const CATALOGUE_PRODUCTS = sql`
  select p.id, p.position, p.category_id, b.code as brand_code
  from products p left join brands b on b.id = p.brand_id
  where p.status = 'on_sale' and exists (select 1 from skus k where k.product_id = p.id and k.active)`;

/**
 * The visible products as summaries: price range and stock from their active SKUs, units sold from
 * product_sales and product_sales_changes (kept by triggers on the order tables; see soldUnitsSql), never from the
 * orders.
 */
const VISIBLE_PRODUCTS = sql`
  select p.id, p.title, p.subtitle, p.images ->> 0 as image, p.position,
    c.id as category_id, c.code as category_code, c.name as category_name,
    b.id as brand_id, b.code as brand_code, b.name as brand_name,
    pr.min_price_fen, pr.max_price_fen, pr.in_stock, ${soldUnitsSql(sql`p.id`)} as sold_units
  from products p
  cross join lateral (
    select min(k.price_fen) as min_price_fen, max(k.price_fen) as max_price_fen, sum(k.stock) > 0 as in_stock
    from skus k where k.product_id = p.id and k.active
  ) pr
  join categories c on c.id = p.category_id
  left join brands b on b.id = p.brand_id
  where p.status = 'on_sale' and pr.min_price_fen is not null`;

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

export interface ProductPaging {
  sort: ProductSort;
  page: number;
  pageSize: number;
}

/** `{1,2,3}`: an array parameter both drivers pass the same way. */
function idArrayLiteral(ids: readonly number[]): string {
  return `{${ids.map((id) => String(Math.trunc(id))).join(',')}}`;
}

/**
 * The statements the shopper's catalogue reads run, built here so a test can EXPLAIN exactly them: none may read
 * an order or an order line, however many the shop has.
 */
export const catalogueSql = {
  count: (filter: ProductFilter): SQL =>
    sql`select count(*)::int8 as total from (${CATALOGUE_PRODUCTS}) visible where ${filterConditions(filter)}`,
  page: (filter: ProductFilter, paging: ProductPaging): SQL =>
    sql`select * from (${VISIBLE_PRODUCTS}) visible where ${filterConditions(filter)}
        order by ${SORT_ORDER[paging.sort]}
        limit ${paging.pageSize} offset ${(paging.page - 1) * paging.pageSize}`,
  summaries: (ids: readonly number[]): SQL =>
    sql`select * from (${VISIBLE_PRODUCTS}) visible where id = any(${idArrayLiteral(ids)}::int8[])`,
  detail: (id: number): SQL =>
    sql`select p.id, p.title, p.subtitle, p.description, p.images,
          c.id as category_id, c.code as category_code, c.name as category_name,
          b.id as brand_id, b.code as brand_code, b.name as brand_name,
          ${soldUnitsSql(sql`p.id`)} as sold_units
        from products p join categories c on c.id = p.category_id left join brands b on b.id = p.brand_id
        where p.id = ${id} and p.status = 'on_sale'`,
  detailSkus: (id: number): SQL =>
    sql`select id, sku_code as "skuCode", title, attributes, price_fen as "priceFen",
          original_price_fen as "originalPriceFen", stock
        from skus where product_id = ${id} and active order by price_fen, id`,
};

export async function listProducts(
  executor: Executor,
  filter: ProductFilter,
  paging: ProductPaging,
): Promise<{ items: ProductSummary[]; total: number }> {
  const [counted] = await execute<{ total: number }>(executor, catalogueSql.count(filter));
  const rows = await execute<SummaryRow>(executor, catalogueSql.page(filter, paging));
  return { items: rows.map(toSummary), total: counted?.total ?? 0 };
}

/** Summaries of the given visible products, in the order of `ids` (invisible ones are left out). */
export async function productSummaries(executor: Executor, ids: readonly number[]): Promise<ProductSummary[]> {
  if (ids.length === 0) return [];
  const rows = await execute<SummaryRow>(executor, catalogueSql.summaries(ids));
  const byId = new Map(rows.map((row) => [row.id, toSummary(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

type DetailSku = ProductDetail['skus'][number] & Record<string, unknown>;

/**
 * A visible product with its active SKUs, or undefined when it is unknown, not on sale or has no active SKU. Reads
 * that product's row, its SKUs and its product_sales row and changes; the price range and stock come from the same SKUs.
 */
export async function productDetail(executor: Executor, id: number): Promise<ProductDetail | undefined> {
  const [product] = await execute<DetailRow>(executor, catalogueSql.detail(id));
  if (!product) return undefined;
  const skuRows = await execute<DetailSku>(executor, catalogueSql.detailSkus(id));
  const cheapest = skuRows[0];
  const dearest = skuRows[skuRows.length - 1];
  if (!cheapest || !dearest) return undefined;
  const { image: _image, ...summary } = toSummary({
    ...product,
    image: null,
    min_price_fen: cheapest.priceFen,
    max_price_fen: dearest.priceFen,
    in_stock: skuRows.reduce((stock, sku) => stock + sku.stock, 0) > 0,
  });
  return { ...summary, description: product.description, images: product.images, skus: skuRows };
}
