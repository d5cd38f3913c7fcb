import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { PRODUCT_STATUSES, type ProductStatus } from './codes';
import { createdAt, fen, idPrimaryKey, idRef, oneOf, updatedAt } from './columns';
import { members } from './members';

/**
 * Categories and brands are referred to by `code` wherever history must survive a rename: order lines,
 * coupon applicability, preference top lists.
 */
export const categories = pgTable(
  'categories',
  {
    id: idPrimaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    parentId: idRef('parent_id').references((): AnyPgColumn => categories.id),
    position: integer('position').notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('categories_not_own_parent_check', sql`${t.parentId} <> ${t.id}`)],
);

export const brands = pgTable('brands', {
  id: idPrimaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const products = pgTable(
  'products',
  {
    id: idPrimaryKey(),
    categoryId: idRef('category_id')
      .notNull()
      .references(() => categories.id),
    brandId: idRef('brand_id').references(() => brands.id),
    title: text('title').notNull(),
    subtitle: text('subtitle'),
    description: text('description'),
    images: jsonb('images').$type<string[]>().notNull().default([]),
    status: text('status').$type<ProductStatus>().notNull().default('draft'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('products_category_status_idx').on(t.categoryId, t.status),
    index('products_brand_idx').on(t.brandId),
    check('products_status_check', oneOf(t.status, PRODUCT_STATUSES)),
    check('products_images_check', sql`jsonb_typeof(${t.images}) = 'array'`),
  ],
);

/** Stock is decremented by `UPDATE ... SET stock = stock - n`; the CHECK turns an oversell into an error. */
export const skus = pgTable(
  'skus',
  {
    id: idPrimaryKey(),
    productId: idRef('product_id')
      .notNull()
      .references(() => products.id),
    skuCode: text('sku_code').notNull().unique(),
    title: text('title').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    priceFen: fen('price_fen').notNull(),
    originalPriceFen: fen('original_price_fen'),
    stock: integer('stock').notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('skus_product_idx').on(t.productId),
    check('skus_price_check', sql`${t.priceFen} >= 0 and ${t.originalPriceFen} >= 0`),
    check('skus_stock_check', sql`${t.stock} >= 0`),
  ],
);

/**
 * Units sold per product: the quantity minus the refunded quantity of every order line whose order's status is in
 * PAID_ORDER_STATUSES, as of the last fold. One row per product. The units sold since then are rows of
 * product_sales_changes; a product's count is its row here plus its changes (see soldUnitsSql), so the catalogue
 * sorts and shows sold counts without reading orders. rebuildProductSales recomputes it from scratch after a load
 * that bypassed the triggers.
 */
export const productSales = pgTable('product_sales', {
  productId: idRef('product_id')
    .primaryKey()
    .references(() => products.id, { onDelete: 'cascade' }),
  soldUnits: bigint('sold_units', { mode: 'number' }).notNull().default(0),
  updatedAt: updatedAt(),
});

/**
 * Units sold since the last fold, appended by statement triggers on orders and order_items (migration 0018) in the
 * transaction that pays, refunds or imports: an insert per statement and product, never an update of a shared row,
 * so payments of the same product never wait for each other. foldProductSales moves them into product_sales every
 * minute in one statement.
 */
export const productSalesChanges = pgTable(
  'product_sales_changes',
  {
    id: idPrimaryKey(),
    productId: idRef('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    units: bigint('units', { mode: 'number' }).notNull(),
  },
  (t) => [index('product_sales_changes_product_idx').on(t.productId, t.units)],
);

/** Server-side cart, so "cart left" triggers and cross-device carts work. */
export const cartItems = pgTable(
  'cart_items',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    skuId: idRef('sku_id')
      .notNull()
      .references(() => skus.id),
    quantity: integer('quantity').notNull(),
    addedAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.skuId] }),
    index('cart_items_updated_at_idx').on(t.updatedAt),
    check('cart_items_quantity_check', sql`${t.quantity} > 0`),
  ],
);

export const favorites = pgTable(
  'favorites',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    productId: idRef('product_id')
      .notNull()
      .references(() => products.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.productId] })],
);
