import { sql, type SQL } from 'drizzle-orm';
import { execute, type Executor } from '../../db';
import { PAID_STATUS_LIST } from './catalog.repo';

/** The parameters of the precomputed recommendation model. */
export const RECOMMENDATION_MODEL = {
  /** Paid orders this recent are the baskets of co-purchase. */
  coPurchaseDays: 365,
  /** Browsing this recent makes the sessions of co-view. */
  coViewDays: 90,
  /** Events that show interest in a product. */
  coViewEventTypes: ['product_view', 'add_to_cart', 'favorite'],
  /** A pair seen together fewer times than this is noise and gets no neighbour row. */
  minCoCount: 2,
  /** Baskets or sessions with more distinct products than this (wholesale orders, crawlers) pair nothing. */
  maxProductsPerGroup: 100,
  /** co / (co + shrink): a pair seen a few times cannot outrank one seen often on the cosine alone. */
  shrink: 5,
  /** Neighbours kept per product and kind. */
  neighboursPerProduct: 20,
} as const;

export interface RecommendationModelSummary extends Record<string, unknown> {
  asOf: string;
  coPurchaseNeighbours: number;
  coViewNeighbours: number;
  bestSellers: number;
}

const model = RECOMMENDATION_MODEL;
const literalList = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

/**
 * Neighbour rows of one kind from `groups` (a key, then `products`: an int8[] of distinct products, made from rows
 * grouped by key and product first, since array_agg(distinct) would sort once per group): a product's
 * occurrences `n` are the groups holding it; a pair's `co` the groups holding both (only groups of at most
 * maxProductsPerGroup products pair); score = co / sqrt(n_a · n_b) · co / (co + shrink), the cosine shrunk
 * towards 0 for rare pairs; the best neighboursPerProduct per product by score, then co, then id.
 */
function neighbourRows(kind: 'co_purchase' | 'co_view', groups: SQL): SQL {
  return sql`
    with groups as materialized (${groups}),
    occurrences as (
      select product_id, count(*)::float8 as n from groups, unnest(groups.products) as u(product_id) group by product_id
    ), pairs as (
      select a.product_id, b.product_id as neighbour_id, count(*) as co
      from groups, unnest(groups.products) as a(product_id), unnest(groups.products) as b(product_id)
      where cardinality(groups.products) between 2 and ${model.maxProductsPerGroup} and a.product_id <> b.product_id
      group by a.product_id, b.product_id
      having count(*) >= ${model.minCoCount}
    ), scored as (
      select p.product_id, p.neighbour_id, p.co,
        p.co / sqrt(na.n * nb.n) * p.co / (p.co + ${model.shrink}::float8) as score
      from pairs p join occurrences na on na.product_id = p.product_id join occurrences nb on nb.product_id = p.neighbour_id
    ), ranked as (
      select *, row_number() over (partition by product_id order by score desc, co desc, neighbour_id) as rank from scored
    )
    select product_id, neighbour_id, ${kind}, co, score, rank from ranked where rank <= ${model.neighboursPerProduct}`;
}

/**
 * Rebuilds the recommendation model as of `now` with set-based SQL and replaces it in one transaction (a
 * savepoint when `executor` is already one), so readers see the old model or the new one, never half:
 * - co_purchase: baskets are the paid orders of the last 365 days, each the distinct products of its lines
 *   not fully refunded;
 * - co_view: sessions are a member's Shanghai calendar day of product views, carts and favourites in the last
 *   90 days;
 * - best sellers: every product's units (quantity net of refunds) in paid orders of the last 30 and 90 days.
 * Concurrent rebuilds queue on a table lock that ordinary reads do not take.
 *
 * @example
 * await rebuildRecommendationModel(database.db, new Date());
 */
export async function rebuildRecommendationModel(executor: Executor, now: Date): Promise<RecommendationModelSummary> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const since = (days: number) => sql`${at} - make_interval(days => ${days})`;
  return executor.transaction(async (tx) => {
    await tx.execute(sql`lock table product_neighbours, product_best_sellers in share row exclusive mode`);
    // The basket and pair aggregates sort and hash millions of rows at a large shop; let them stay in memory.
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`delete from product_neighbours`);
    await tx.execute(sql`delete from product_best_sellers`);
    const baskets = sql`
      select group_id, array_agg(product_id) as products from (
        select oi.order_id as group_id, oi.product_id
        from orders o join order_items oi on oi.order_id = o.id
        where o.status in (${PAID_STATUS_LIST}) and o.paid_at >= ${since(model.coPurchaseDays)} and o.paid_at <= ${at}
          and oi.quantity > oi.refunded_quantity
        group by oi.order_id, oi.product_id
      ) lines group by group_id`;
    const sessions = sql`
      select member_id, day, array_agg(product_id) as products from (
        select e.member_id, (e.occurred_at at time zone 'Asia/Shanghai')::date as day, e.product_id
        from events e join products p on p.id = e.product_id
        where e.occurred_at >= ${since(model.coViewDays)} and e.occurred_at <= ${at}
          and e.type in (${literalList(model.coViewEventTypes)})
        group by 1, 2, 3
      ) views group by member_id, day`;
    const [coPurchase] = await execute<{ rows: number }>(
      tx,
      sql`with inserted as (
        insert into product_neighbours (product_id, neighbour_id, kind, co_count, score, rank)
        ${neighbourRows('co_purchase', baskets)} returning 1) select count(*)::int as rows from inserted`,
    );
    const [coView] = await execute<{ rows: number }>(
      tx,
      sql`with inserted as (
        insert into product_neighbours (product_id, neighbour_id, kind, co_count, score, rank)
        ${neighbourRows('co_view', sessions)} returning 1) select count(*)::int as rows from inserted`,
    );
    const [bestSellers] = await execute<{ rows: number }>(
      tx,
      sql`with sales as (
        select oi.product_id,
          sum(oi.quantity - oi.refunded_quantity) filter (where o.paid_at >= ${since(30)}) as units_30,
          sum(oi.quantity - oi.refunded_quantity) as units_90
        from orders o join order_items oi on oi.order_id = o.id
        where o.status in (${PAID_STATUS_LIST}) and o.paid_at >= ${since(90)} and o.paid_at <= ${at}
        group by oi.product_id
      ), inserted as (
        insert into product_best_sellers (product_id, units_30, units_90, rank)
        select p.id, coalesce(s.units_30, 0), coalesce(s.units_90, 0),
          row_number() over (order by coalesce(s.units_30, 0) desc, coalesce(s.units_90, 0) desc, p.position, p.id)
        from products p left join sales s on s.product_id = p.id
        returning 1
      ) select count(*)::int as rows from inserted`,
    );
    return {
      asOf: now.toISOString(),
      coPurchaseNeighbours: coPurchase?.rows ?? 0,
      coViewNeighbours: coView?.rows ?? 0,
      bestSellers: bestSellers?.rows ?? 0,
    };
  });
}
