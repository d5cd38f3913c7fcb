import { sql } from 'drizzle-orm';
import {
  DEFAULT_PREFERENCES_CONFIG,
  PRICE_BAND_FRACTIONS,
  type RecommendationReason,
  type RecommendationResponse,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { PAID_STATUS_LIST, productSummaries } from './catalog.repo';

/** A product bought this recently is not recommended again. */
const RECENTLY_BOUGHT_DAYS = 90;
/** Purchases this recent define the member's baskets for co-purchase and derived preferences. */
const HISTORY_DAYS = 365;
/** Browsing this recent counts when member_metrics has no preference lists yet. */
const BROWSING_DAYS = 90;
const TOP_N = 3;

/**
 * Ranks products for one member in one set-based query. Three sources, in this order of strength:
 * 1. co_purchase — products other members bought in the same orders as products this member bought
 *    (last 365 days), by the number of such orders;
 * 2. preference — products in the member's top categories or brands (member_metrics, or else derived from
 *    their last 90 days of views / carts / favourites and last year's purchases with the shared preference
 *    weights and half-life), those in their price band first;
 * 3. best_seller — every other visible product by units sold in the last 30 days, then 90 days, then the
 *    catalogue order, so a new member still gets a full list.
 * Products the member bought in the last 90 days and products out of stock are left out. A product that
 * several sources propose keeps the strongest reason. Ties break on product id, so the order is stable.
 */
export async function recommendProducts(
  executor: Executor,
  memberId: number,
  now: Date,
  limit: number,
): Promise<RecommendationResponse> {
  const weights = DEFAULT_PREFERENCES_CONFIG.signalWeights;
  const halfLifeDays = DEFAULT_PREFERENCES_CONFIG.halfLifeDays;
  const at = sql`${now.toISOString()}::timestamptz`;
  const day = (days: number) => sql`${at} - make_interval(days => ${days})`;
  const ageDays = (column: string) => sql`(extract(epoch from ${at} - ${sql.raw(column)})::float8 / 86400.0)`;
  const decay = (column: string) => sql`power(0.5::float8, greatest(${ageDays(column)}, 0) / ${halfLifeDays}::float8)`;
  const rows = await execute<{ product_id: number; reason: RecommendationReason }>(
    executor,
    sql`
    with eligible as (
      select p.id, p.category_id, p.brand_id, p.position, min(s.price_fen) as min_price_fen
      from products p join skus s on s.product_id = p.id and s.active
      where p.status = 'on_sale'
      group by p.id
      having sum(s.stock) > 0
    ), my_lines as (
      select oi.order_id, oi.product_id, o.paid_at
      from order_items oi join orders o on o.id = oi.order_id
      where oi.member_id = ${memberId} and o.status in (${PAID_STATUS_LIST}) and o.paid_at >= ${day(HISTORY_DAYS)}
    ), recently_bought as (
      select distinct product_id from my_lines where paid_at >= ${day(RECENTLY_BOUGHT_DAYS)}
    ), co_purchase as (
      select other.product_id, count(distinct other.order_id) as score
      from (select distinct product_id from my_lines) mine
      join order_items basket on basket.product_id = mine.product_id and basket.member_id <> ${memberId}
      join orders bo on bo.id = basket.order_id and bo.status in (${PAID_STATUS_LIST})
      join order_items other on other.order_id = basket.order_id and other.product_id <> basket.product_id
      group by other.product_id
    ), signals as (
      select e.product_id, case e.type when 'add_to_cart' then ${weights.cart}::float8
        when 'favorite' then ${weights.favorite}::float8 else ${weights.view}::float8 end * ${decay('e.occurred_at')} as weight
      from events e
      where e.member_id = ${memberId} and e.type in ('product_view', 'add_to_cart', 'favorite')
        and e.product_id is not null and e.occurred_at >= ${day(BROWSING_DAYS)}
      union all
      select product_id, ${weights.purchase}::float8 * ${decay('paid_at')} from my_lines
    ), signal_products as (
      select c.code as category_code, b.code as brand_code, sum(sg.weight) as weight
      from signals sg join products p on p.id = sg.product_id
      join categories c on c.id = p.category_id left join brands b on b.id = p.brand_id
      group by c.code, b.code
    ), metrics as (
      select top_categories, top_brands, price_band from member_metrics where member_id = ${memberId}
    ), top_categories as (
      select code, rank from (select u.code, u.ord as rank from metrics, unnest(metrics.top_categories) with ordinality u(code, ord)) listed
      union all
      select category_code, row_number() over (order by sum(weight) desc, category_code)
      from signal_products
      where not exists (select 1 from metrics where cardinality(top_categories) > 0)
      group by category_code
    ), top_brands as (
      select code, rank from (select u.code, u.ord as rank from metrics, unnest(metrics.top_brands) with ordinality u(code, ord)) listed
      union all
      select brand_code, row_number() over (order by sum(weight) desc, brand_code)
      from signal_products
      where brand_code is not null and not exists (select 1 from metrics where cardinality(top_brands) > 0)
      group by brand_code
    ), price_cuts as (
      select category_id, percentile_disc(array[${PRICE_BAND_FRACTIONS[0]}::float8, ${PRICE_BAND_FRACTIONS[1]}::float8])
        within group (order by min_price_fen) as cuts
      from eligible group by category_id
    ), preference as (
      select e.id as product_id, least(coalesce(tc.rank, 99), coalesce(tb.rank, 99)) as best_rank,
        (tc.rank is not null and tb.rank is not null) as both_match,
        (select m.price_band from metrics m) = case when e.min_price_fen <= pc.cuts[1] then 'low'
          when e.min_price_fen <= pc.cuts[2] then 'mid' else 'high' end as band_match
      from eligible e
      join categories c on c.id = e.category_id
      left join brands b on b.id = e.brand_id
      join price_cuts pc on pc.category_id = e.category_id
      left join top_categories tc on tc.code = c.code and tc.rank <= ${TOP_N}
      left join top_brands tb on tb.code = b.code and tb.rank <= ${TOP_N}
      where tc.rank is not null or tb.rank is not null
    ), sales as (
      select oi.product_id,
        sum(oi.quantity - oi.refunded_quantity) filter (where o.paid_at >= ${day(30)}) as units_30,
        sum(oi.quantity - oi.refunded_quantity) as units_90
      from order_items oi join orders o on o.id = oi.order_id
      where o.status in (${PAID_STATUS_LIST}) and o.paid_at >= ${day(90)}
      group by oi.product_id
    ), candidates as (
      select cp.product_id, 'co_purchase' as reason, 1 as source_rank,
        row_number() over (order by cp.score desc, cp.product_id) as ordinal
      from co_purchase cp join eligible e on e.id = cp.product_id
      union all
      select product_id, 'preference', 2,
        row_number() over (order by best_rank, both_match desc, band_match desc nulls last, product_id)
      from preference
      union all
      select e.id, 'best_seller', 3,
        row_number() over (order by coalesce(s.units_30, 0) desc, coalesce(s.units_90, 0) desc, e.position, e.id)
      from eligible e left join sales s on s.product_id = e.id
    ), strongest as (
      select distinct on (product_id) product_id, reason, source_rank, ordinal
      from candidates
      where product_id not in (select product_id from recently_bought)
      order by product_id, source_rank, ordinal
    )
    select product_id, reason from strongest order by source_rank, ordinal, product_id limit ${limit}`,
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
