import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { products } from './catalog';
import { idRef, oneOf } from './columns';

/** How two products are related in the recommendation model. */
export const NEIGHBOUR_KINDS = ['co_purchase', 'co_view'] as const;
export type NeighbourKind = (typeof NEIGHBOUR_KINDS)[number];

/**
 * The item-to-item part of the recommendation model: for each product and kind, its closest neighbours
 * (`rank` 1 = closest). Written only by rebuildRecommendationModel, which replaces the whole table in one
 * transaction; a shopper's request reads the rows of the few products they browsed or bought.
 */
export const productNeighbours = pgTable(
  'product_neighbours',
  {
    productId: idRef('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    neighbourId: idRef('neighbour_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<NeighbourKind>().notNull(),
    /** Baskets (paid orders) or sessions (a member's day of browsing) holding both products. */
    coCount: integer('co_count').notNull(),
    /** Co-occurrence corrected for popularity; comparable within a kind. */
    score: doublePrecision('score').notNull(),
    rank: integer('rank').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.kind, t.neighbourId] }),
    uniqueIndex('product_neighbours_rank_key').on(t.productId, t.kind, t.rank),
    check('product_neighbours_kind_check', oneOf(t.kind, NEIGHBOUR_KINDS)),
    check('product_neighbours_not_self_check', sql`${t.neighbourId} <> ${t.productId}`),
    check('product_neighbours_values_check', sql`${t.coCount} > 0 and ${t.score} > 0 and ${t.rank} > 0`),
  ],
);

/**
 * The best-seller rollup: every product's units sold (net of refunds) in the last 30 and 90 days as of the
 * last rebuild, and its rank by them (30-day units, then 90-day units, then catalogue position).
 */
export const productBestSellers = pgTable(
  'product_best_sellers',
  {
    productId: idRef('product_id')
      .primaryKey()
      .references(() => products.id, { onDelete: 'cascade' }),
    units30: bigint('units_30', { mode: 'number' }).notNull(),
    units90: bigint('units_90', { mode: 'number' }).notNull(),
    rank: integer('rank').notNull(),
  },
  (t) => [
    uniqueIndex('product_best_sellers_rank_key').on(t.rank),
    check('product_best_sellers_values_check', sql`${t.units30} >= 0 and ${t.units90} >= ${t.units30} and ${t.rank} > 0`),
  ],
);
