import { sql, type SQL } from 'drizzle-orm';
import {
  DEFAULT_PREFERENCES_CONFIG,
  PRICE_BAND_FRACTIONS,
  type RecommendationReason,
  type RecommendationResponse,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { PAID_STATUS_LIST, productSummaries } from './catalog.repo';

/** A product bought this recently is not recommended again; its neighbours are. */
const RECENTLY_BOUGHT_DAYS = 90;
/** The member's browsing this recent, newest first and at most BROWSING_EVENTS events, steers the list. */
const BROWSING_DAYS = 30;
const BROWSING_EVENTS = 50;
/** Categories and brands of a preference list that count. */
const TOP_N = 3;

/**
 * The member's own recent rows: browsing (the newest events on the member's primary key, so only the newest
 * partitions are read) and purchases (their paid orders of the last 90 days on the member's paid-orders index,
 * then those orders' lines), so a member with years of orders costs no more than one with a few. Each becomes a seed product with
 * a weight: the shared preference weight of its signal, halved every half-life.
 */
function memberSeedsSql(memberId: number, now: Date): SQL {
  const weights = DEFAULT_PREFERENCES_CONFIG.signalWeights;
  const at = sql`${now.toISOString()}::timestamptz`;
  const since = (days: number) => sql`${at} - make_interval(days => ${days})`;
  const decay = (column: SQL) =>
    sql`power(0.5::float8, greatest(extract(epoch from ${at} - ${column})::float8 / 86400.0, 0) / ${DEFAULT_PREFERENCES_CONFIG.halfLifeDays}::float8)`;
  return sql`
    browsed as materialized (
      select e.product_id, case e.type when 'add_to_cart' then ${weights.cart}::float8
          when 'favorite' then ${weights.favorite}::float8 else ${weights.view}::float8 end * ${decay(sql`e.occurred_at`)} as weight
      from events e
      where e.member_id = ${memberId} and e.occurred_at >= ${since(BROWSING_DAYS)} and e.occurred_at <= ${at}
        and e.type in ('product_view', 'add_to_cart', 'favorite') and e.product_id is not null
      order by e.occurred_at desc, e.id desc
      limit ${BROWSING_EVENTS}
    ), bought as materialized (
      select oi.product_id, ${weights.purchase}::float8 * ${decay(sql`o.paid_at`)} as weight
      from orders o join order_items oi on oi.order_id = o.id
      where o.member_id = ${memberId} and o.status in (${PAID_STATUS_LIST})
        and o.paid_at >= ${since(RECENTLY_BOUGHT_DAYS)} and o.paid_at <= ${at}
    ), seeds as (
      select product_id, sum(weight) as weight from (select * from browsed union all select * from bought) s group by product_id
    )`;
}

/**
 * Ranks products for one member from their own recent rows and the precomputed model (product_neighbours,
 * product_best_sellers, built by rebuildRecommendationModel), never from other members' orders. Sources, in
 * this order:
 * 1. co_purchase / co_view — neighbours of the products the member browsed (last 30 days, newest 50 events)
 *    or bought (last 90 days), by the sum over those products of neighbour score × the product's weight; the
 *    kind that contributed more names the reason;
 * 2. preference — products in the top categories or brands of that recent browsing, then (weaker) in the
 *    stored top categories or brands of member_metrics, those in the member's price band first;
 * 3. best_seller — every other visible product by the best-seller rank, so a new member still gets a full list.
 * Products bought in the last 90 days and products out of stock or not on sale are left out. A product that
 * several sources propose keeps the strongest reason. Ties break on product id, so the order is stable.
 */
export async function recommendProducts(
  executor: Executor,
  memberId: number,
  now: Date,
  limit: number,
): Promise<RecommendationResponse> {
  const rows = await execute<{ product_id: number; reason: RecommendationReason }>(
    executor,
    recommendationSql(memberId, now, limit),
  );
  const summaries = await productSummaries(
    executor,
    rows.map((row) => row.product_id),
  );
  const reasonOf = new Map(rows.map((row) => [row.product_id, row.reason]));
  return {
    items: summaries.flatMap((product) => {
      const reason = reasonOf.get(product.id);
      return reason ? [{ product, reason }] : [];
    }),
  };
}

/** The one statement that picks a member's recommendations: product ids and reasons, best first. */
export function recommendationSql(memberId: number, now: Date, limit: number): SQL {
  return sql`
    with ${memberSeedsSql(memberId, now)}, eligible as (
      select p.id, p.category_id, p.brand_id, p.position, min(s.price_fen) as min_price_fen
      from products p join skus s on s.product_id = p.id and s.active
      where p.status = 'on_sale'
      group by p.id
      having sum(s.stock) > 0
    ), neighbours as (
      select n.neighbour_id as product_id,
        coalesce(sum(n.score * sd.weight) filter (where n.kind = 'co_purchase'), 0) as co_purchase,
        coalesce(sum(n.score * sd.weight) filter (where n.kind = 'co_view'), 0) as co_view
      from seeds sd join product_neighbours n on n.product_id = sd.product_id
      group by n.neighbour_id
    ), browsed_products as (
      select p.category_id, p.brand_id, sum(b.weight) as weight
      from browsed b join products p on p.id = b.product_id group by p.category_id, p.brand_id
    ), recent_categories as (
      select category_id, row_number() over (order by sum(weight) desc, category_id) as rank
      from browsed_products group by category_id
    ), recent_brands as (
      select brand_id, row_number() over (order by sum(weight) desc, brand_id) as rank
      from browsed_products where brand_id is not null group by brand_id
    ), metrics as (
      select top_categories, top_brands, price_band from member_metrics where member_id = ${memberId}
    ), stored_categories as (
      select c.id as category_id, u.rank from metrics, unnest(metrics.top_categories) with ordinality u(code, rank)
      join categories c on c.code = u.code
    ), stored_brands as (
      select b.id as brand_id, u.rank from metrics, unnest(metrics.top_brands) with ordinality u(code, rank)
      join brands b on b.code = u.code
    ), price_cuts as (
      select category_id, percentile_disc(array[${PRICE_BAND_FRACTIONS[0]}::float8, ${PRICE_BAND_FRACTIONS[1]}::float8])
        within group (order by min_price_fen) as cuts
      from eligible group by category_id
    ), preference as (
      select e.id as product_id, pref.source_rank, least(coalesce(pref.category_rank, 99), coalesce(pref.brand_rank, 99)) as best_rank,
        (pref.category_rank is not null and pref.brand_rank is not null) as both_match,
        (select m.price_band from metrics m) = case when e.min_price_fen <= pc.cuts[1] then 'low'
          when e.min_price_fen <= pc.cuts[2] then 'mid' else 'high' end as band_match
      from eligible e
      join price_cuts pc on pc.category_id = e.category_id
      cross join lateral (
        select 2 as source_rank, rc.rank as category_rank, rb.rank as brand_rank
        from (select 1) one
        left join recent_categories rc on rc.category_id = e.category_id and rc.rank <= ${TOP_N}
        left join recent_brands rb on rb.brand_id = e.brand_id and rb.rank <= ${TOP_N}
        union all
        select 3, sc.rank, sb.rank
        from (select 1) one
        left join stored_categories sc on sc.category_id = e.category_id and sc.rank <= ${TOP_N}
        left join stored_brands sb on sb.brand_id = e.brand_id and sb.rank <= ${TOP_N}
      ) pref
      where pref.category_rank is not null or pref.brand_rank is not null
    ), ranked_eligible as (
      select e.id, row_number() over (order by bs.rank nulls last, e.position, e.id) as seller_rank
      from eligible e left join product_best_sellers bs on bs.product_id = e.id
    ), candidates as (
      select nb.product_id, case when nb.co_view > nb.co_purchase then 'co_view' else 'co_purchase' end as reason, 1 as source_rank,
        row_number() over (order by nb.co_purchase + nb.co_view desc, nb.product_id) as ordinal
      from neighbours nb join eligible e on e.id = nb.product_id
      union all
      select pf.product_id, 'preference', pf.source_rank,
        row_number() over (partition by pf.source_rank
          order by pf.best_rank, pf.both_match desc, pf.band_match desc nulls last, re.seller_rank, pf.product_id)
      from preference pf join ranked_eligible re on re.id = pf.product_id
      union all
      select id, 'best_seller', 4, seller_rank from ranked_eligible
    ), strongest as (
      select distinct on (product_id) product_id, reason, source_rank, ordinal
      from candidates
      where product_id not in (select product_id from bought)
      order by product_id, source_rank, ordinal
    )
    select product_id, reason from strongest order by source_rank, ordinal, product_id limit ${limit}`;
}
