import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import {
  DEFAULT_PREFERENCES_CONFIG,
  PRICE_BAND_FRACTIONS,
  type RecommendationReason,
  type RecommendationResponse,
} from '@member-ops/shared';
import { executePrepared, type Executor } from '../../db';
import { PAID_STATUS_LIST, productSummaries } from './catalog.repo';

/** A product bought this recently is not recommended again; its neighbours are. */
const RECENTLY_BOUGHT_DAYS = 90;
/** The member's browsing this recent, newest first and at most BROWSING_EVENTS events, steers the list. */
const BROWSING_DAYS = 30;
const BROWSING_EVENTS = 50;
/** Categories and brands of a preference list that count. */
const TOP_N = 3;
/** A preference rank that is no match (sorts after every real rank). */
const NO_RANK = 99;

const dialect = new PgDialect();
const idArray = (ids: Iterable<number>) => `{${[...ids].map((id) => String(Math.trunc(id))).join(',')}}`;

/**
 * The member's own rows, in one statement: browsing (the newest events on the member's primary key, so only the
 * newest partitions are read) with each browsed product's category and brand; purchases (their paid orders of
 * the last 90 days on the member's paid-orders index, then those orders' lines), so a member with years of
 * orders costs no more than one with a few; and the member_metrics row, its stored top categories and brands as
 * ids in their stored order (null for a code no longer known). Each browsing or purchase row carries a weight:
 * the shared preference weight of its signal, halved every half-life.
 */
export function memberRowsSql(memberId: number, now: Date): SQL {
  const weights = DEFAULT_PREFERENCES_CONFIG.signalWeights;
  const at = sql`${now.toISOString()}::timestamptz`;
  const since = (days: number) => sql`${at} - make_interval(days => ${days}::int)`;
  const decay = (column: SQL) =>
    sql`power(0.5::float8, greatest(extract(epoch from ${at} - ${column})::float8 / 86400.0, 0) / ${DEFAULT_PREFERENCES_CONFIG.halfLifeDays}::float8)`;
  const member = sql`${memberId}::int8`;
  return sql`
    with browsed as materialized (
      select e.product_id, case e.type when 'add_to_cart' then ${weights.cart}::float8
          when 'favorite' then ${weights.favorite}::float8 else ${weights.view}::float8 end * ${decay(sql`e.occurred_at`)} as weight
      from events e
      where e.member_id = ${member} and e.occurred_at >= ${since(BROWSING_DAYS)} and e.occurred_at <= ${at}
        and e.type in ('product_view', 'add_to_cart', 'favorite') and e.product_id is not null
      order by e.occurred_at desc, e.id desc
      limit ${BROWSING_EVENTS}::int
    )
    select 'browsed' as source, b.product_id, b.weight, p.category_id, p.brand_id,
      null::int8[] as stored_categories, null::int8[] as stored_brands, null::text as price_band
    from browsed b left join products p on p.id = b.product_id
    union all
    select 'bought', oi.product_id, ${weights.purchase}::float8 * ${decay(sql`o.paid_at`)}, null, null, null, null, null
    from orders o join order_items oi on oi.order_id = o.id
    where o.member_id = ${member} and o.status in (${PAID_STATUS_LIST})
      and o.paid_at >= ${since(RECENTLY_BOUGHT_DAYS)} and o.paid_at <= ${at}
    union all
    select 'metrics', null, null, null, null,
      array(select c.id from unnest(m.top_categories) with ordinality u(code, rank)
        left join categories c on c.code = u.code order by u.rank),
      array(select b.id from unnest(m.top_brands) with ordinality u(code, rank)
        left join brands b on b.code = u.code order by u.rank),
      m.price_band
    from member_metrics m where m.member_id = ${member}`;
}

/**
 * The catalogue rows the ranking needs for the given seeds and preferred categories and brands, all of visible
 * products (on sale, an active SKU in stock): the seeds' neighbours from product_neighbours (by its primary key)
 * with their summed score × seed weight per kind; the products of the preferred categories or brands with their
 * price band within their category (the eligible products' prices cut at PRICE_BAND_FRACTIONS); and the first
 * `bestSellers` best sellers not in `excluded` by the rank index (and as many products the model has not ranked
 * yet, which come after them). Every row has its best-seller rank and position for ties.
 */
export function catalogueRowsSql(input: {
  seedIds: readonly number[];
  seedWeights: readonly number[];
  categoryIds: readonly number[];
  brandIds: readonly number[];
  excluded: readonly number[];
  bestSellers: number;
}): SQL {
  const seedIds = sql`${idArray(input.seedIds)}::int8[]`;
  const seedWeights = sql`${`{${input.seedWeights.map(String).join(',')}}`}::float8[]`;
  const categoryIds = sql`${idArray(input.categoryIds)}::int8[]`;
  const brandIds = sql`${idArray(input.brandIds)}::int8[]`;
  const excluded = sql`${idArray(input.excluded)}::int8[]`;
  const visible = (alias: string) =>
    sql.raw(`
      ${alias}.status = 'on_sale' and exists (
        select 1 from skus k where k.product_id = ${alias}.id and k.active group by k.product_id having sum(k.stock) > 0)`);
  const activeSkus = (alias: string) =>
    sql.raw(
      `select min(k.price_fen) as min_price_fen, sum(k.stock) as stock from skus k where k.product_id = ${alias}.id and k.active`,
    );
  return sql`
    with neighbours as (
      select n.neighbour_id as product_id,
        coalesce(sum(n.score * sd.weight) filter (where n.kind = 'co_purchase'), 0) as co_purchase,
        coalesce(sum(n.score * sd.weight) filter (where n.kind = 'co_view'), 0) as co_view
      from product_neighbours n
      join unnest(${seedIds}, ${seedWeights}) sd(product_id, weight) on sd.product_id = n.product_id
      where n.product_id = any(${seedIds})
      group by n.neighbour_id
    ), preferred as materialized (
      select p.id, p.category_id, p.brand_id, p.position, k.min_price_fen
      from products p cross join lateral (${activeSkus('p')}) k
      where (p.category_id = any(${categoryIds}) or p.brand_id = any(${brandIds})) and p.status = 'on_sale' and k.stock > 0
    ), category_prices as (
      select p.category_id, k.min_price_fen
      from products p cross join lateral (${activeSkus('p')}) k
      where p.category_id = any(array(select distinct category_id from preferred)) and p.status = 'on_sale' and k.stock > 0
    ), price_cuts as (
      select category_id, percentile_disc(array[${PRICE_BAND_FRACTIONS[0]}::float8, ${PRICE_BAND_FRACTIONS[1]}::float8])
        within group (order by min_price_fen) as cuts
      from category_prices group by category_id
    )
    select 'neighbour' as source, nb.product_id, nb.co_purchase, nb.co_view,
      null::int8 as category_id, null::int8 as brand_id, null::text as price_band, null::int4 as seller_rank, null::int4 as position
    from neighbours nb join products p on p.id = nb.product_id
    where ${visible('p')}
    union all
    select 'preference', pf.id, null, null, pf.category_id, pf.brand_id,
      case when pf.min_price_fen <= pc.cuts[1] then 'low' when pf.min_price_fen <= pc.cuts[2] then 'mid' else 'high' end,
      bs.rank, pf.position
    from preferred pf join price_cuts pc on pc.category_id = pf.category_id
    left join product_best_sellers bs on bs.product_id = pf.id
    union all
    (select 'best_seller', p.id, null, null, null, null, null, bs.rank, p.position
    from product_best_sellers bs join products p on p.id = bs.product_id
    where bs.product_id <> all(${excluded}) and ${visible('p')}
    order by bs.rank
    limit ${input.bestSellers}::int)
    union all
    (select 'best_seller', u.id, null, null, null, null, null, null, u.position
    from (
      -- Products the model has not ranked yet (added since the last rebuild): usually none, so found before the
      -- stock of any product is looked at.
      select p.id, p.position, p.status from products p
      where not exists (select 1 from product_best_sellers bs where bs.product_id = p.id) and p.id <> all(${excluded})
      offset 0
    ) u
    where ${visible('u')}
    order by u.position, u.id
    limit ${input.bestSellers}::int)`;
}

/** Runs a statement prepared once per connection (its text is the same on every call; values are parameters). */
async function runPrepared<Row extends Record<string, unknown>>(executor: Executor, prefix: string, query: SQL) {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `${prefix}-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  return executePrepared<Row>(executor, name, text, params);
}

interface MemberRow extends Record<string, unknown> {
  source: 'browsed' | 'bought' | 'metrics';
  product_id: number | null;
  weight: number | null;
  category_id: number | null;
  brand_id: number | null;
  stored_categories: (number | null)[] | null;
  stored_brands: (number | null)[] | null;
  price_band: string | null;
}

interface CatalogueRow extends Record<string, unknown> {
  source: 'neighbour' | 'preference' | 'best_seller';
  product_id: number;
  co_purchase: number | null;
  co_view: number | null;
  category_id: number | null;
  brand_id: number | null;
  price_band: string | null;
  seller_rank: number | null;
  position: number | null;
}

/** Ranks 1… of keys by summed weight, heaviest first, ties by key; only the first TOP_N. */
function topRanks(weights: Map<number, number>): Map<number, number> {
  const ordered = [...weights].sort(([a, wa], [b, wb]) => wb - wa || a - b);
  return new Map(ordered.slice(0, TOP_N).map(([key], index) => [key, index + 1]));
}

/** Stored codes resolved to ids, ranked by their stored position; the first TOP_N positions only. */
function storedRanks(ids: (number | null)[] | null | undefined): Map<number, number> {
  const ranks = new Map<number, number>();
  (ids ?? []).slice(0, TOP_N).forEach((id, index) => {
    if (id !== null && !ranks.has(id)) ranks.set(id, index + 1);
  });
  return ranks;
}

/** Best-seller order: the model's rank (unranked last), then position, then id. */
function bySellerRank(a: CatalogueRow, b: CatalogueRow): number {
  const rank = (row: CatalogueRow) => row.seller_rank ?? Number.POSITIVE_INFINITY;
  return rank(a) - rank(b) || (a.position ?? 0) - (b.position ?? 0) || a.product_id - b.product_id;
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
 *
 * Three small statements in one read transaction: the member's own rows (memberRowsSql) and the catalogue rows
 * for just those seeds and preferences (catalogueRowsSql: at most 40 neighbour rows per seed, the products of
 * at most 3 + 3 categories and brands, and `limit` best sellers), both prepared once per connection, then the
 * summaries of the final `limit` products; the ranking itself is done here over those rows.
 */
export async function recommendProducts(
  executor: Executor,
  memberId: number,
  now: Date,
  limit: number,
): Promise<RecommendationResponse> {
  return executor.transaction(async (tx) => {
    // The statements are prepared per connection; their generic plans (index lookups on small arrays) are as good
    // as a custom one, which PostgreSQL would otherwise re-plan on every call for the catalogue statement.
    await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
    const picks = await pickRecommendations(tx, memberId, now, limit);
    const summaries = await productSummaries(
      tx,
      picks.map((pick) => pick.productId),
    );
    const reasonOf = new Map(picks.map((pick) => [pick.productId, pick.reason]));
    return {
      items: summaries.flatMap((product) => {
        const reason = reasonOf.get(product.id);
        return reason ? [{ product, reason }] : [];
      }),
    };
  });
}

/** Product ids and reasons, best first (see recommendProducts). */
export async function pickRecommendations(
  executor: Executor,
  memberId: number,
  now: Date,
  limit: number,
): Promise<{ productId: number; reason: RecommendationReason }[]> {
  const memberRows = await runPrepared<MemberRow>(executor, 'recommend-member', memberRowsSql(memberId, now));
  const seeds = new Map<number, number>();
  const bought = new Set<number>();
  const browsedPairs = new Map<string, { categoryId: number; brandId: number | null; weight: number }>();
  let metrics: MemberRow | undefined;
  for (const row of memberRows) {
    if (row.source === 'metrics') {
      metrics = row;
      continue;
    }
    if (row.product_id === null || row.weight === null) continue;
    seeds.set(row.product_id, (seeds.get(row.product_id) ?? 0) + row.weight);
    if (row.source === 'bought') bought.add(row.product_id);
    else if (row.category_id !== null) {
      const key = `${row.category_id}:${row.brand_id ?? ''}`;
      const pair = browsedPairs.get(key) ?? { categoryId: row.category_id, brandId: row.brand_id, weight: 0 };
      pair.weight += row.weight;
      browsedPairs.set(key, pair);
    }
  }
  // Recent browsing by (category, brand) first, then by category and by brand, as the stored preferences are.
  const categoryWeights = new Map<number, number>();
  const brandWeights = new Map<number, number>();
  for (const pair of browsedPairs.values()) {
    categoryWeights.set(pair.categoryId, (categoryWeights.get(pair.categoryId) ?? 0) + pair.weight);
    if (pair.brandId !== null) brandWeights.set(pair.brandId, (brandWeights.get(pair.brandId) ?? 0) + pair.weight);
  }
  const preferenceSources = [
    { sourceRank: 2, categories: topRanks(categoryWeights), brands: topRanks(brandWeights) },
    { sourceRank: 3, categories: storedRanks(metrics?.stored_categories), brands: storedRanks(metrics?.stored_brands) },
  ];
  const priceBand = metrics?.price_band ?? null;

  const rows = await runPrepared<CatalogueRow>(
    executor,
    'recommend-catalogue',
    catalogueRowsSql({
      seedIds: [...seeds.keys()],
      seedWeights: [...seeds.values()],
      categoryIds: preferenceSources.flatMap((source) => [...source.categories.keys()]),
      brandIds: preferenceSources.flatMap((source) => [...source.brands.keys()]),
      excluded: [...bought],
      // The sources before took c < limit products; at most c of the first `limit` best sellers are among them.
      bestSellers: limit,
    }),
  );

  const ordered: { productId: number; reason: RecommendationReason }[] = [];
  const neighbours = rows.filter((row) => row.source === 'neighbour');
  neighbours.sort(
    (a, b) => (b.co_purchase ?? 0) + (b.co_view ?? 0) - ((a.co_purchase ?? 0) + (a.co_view ?? 0)) || a.product_id - b.product_id,
  );
  for (const row of neighbours) {
    ordered.push({ productId: row.product_id, reason: (row.co_view ?? 0) > (row.co_purchase ?? 0) ? 'co_view' : 'co_purchase' });
  }
  const preferred = rows.filter((row) => row.source === 'preference');
  for (const source of preferenceSources) {
    const matches = preferred.flatMap((row) => {
      const categoryRank = row.category_id === null ? undefined : source.categories.get(row.category_id);
      const brandRank = row.brand_id === null ? undefined : source.brands.get(row.brand_id);
      if (categoryRank === undefined && brandRank === undefined) return [];
      return [
        {
          row,
          bestRank: Math.min(categoryRank ?? NO_RANK, brandRank ?? NO_RANK),
          bothMatch: categoryRank !== undefined && brandRank !== undefined,
          // In the member's price band first, then outside it; unknown band (no stored band) last.
          band: priceBand === null ? 2 : priceBand === row.price_band ? 0 : 1,
        },
      ];
    });
    matches.sort(
      (a, b) =>
        a.bestRank - b.bestRank || Number(b.bothMatch) - Number(a.bothMatch) || a.band - b.band || bySellerRank(a.row, b.row),
    );
    for (const match of matches) ordered.push({ productId: match.row.product_id, reason: 'preference' });
  }
  const bestSellers = rows.filter((row) => row.source === 'best_seller').sort(bySellerRank);
  for (const row of bestSellers) ordered.push({ productId: row.product_id, reason: 'best_seller' });

  const picked: { productId: number; reason: RecommendationReason }[] = [];
  const seen = new Set<number>(bought);
  for (const pick of ordered) {
    if (picked.length >= limit) break;
    if (seen.has(pick.productId)) continue;
    seen.add(pick.productId);
    picked.push(pick);
  }
  return picked;
}
