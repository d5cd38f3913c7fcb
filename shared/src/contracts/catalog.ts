import { z } from 'zod';
import { PageQuery, text } from './common';

/** Database ids in paths and bodies: positive integers within JavaScript's safe range. */
const pathId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const Code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');

export const PRODUCT_SORTS = ['default', 'price_asc', 'price_desc', 'sales'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const ProductListQuery = PageQuery.extend({
  category: Code.optional().meta({ description: 'Category code; its sub-categories are included' }),
  brand: Code.optional().meta({ description: 'Brand code' }),
  keyword: text(50).optional().meta({ description: 'Matched against title, subtitle and description' }),
  sort: z.enum(PRODUCT_SORTS).default('default'),
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;

export const CatalogCategoryRef = z.object({ id: z.number().int(), code: z.string(), name: z.string() });
export const CatalogBrandRef = z.object({ id: z.number().int(), code: z.string(), name: z.string() });

/** A product as shown in lists: its price range over the active SKUs. */
export const ProductSummary = z.object({
  id: z.number().int(),
  title: z.string(),
  subtitle: z.string().nullable(),
  image: z.string().nullable().meta({ description: 'First image, if any' }),
  category: CatalogCategoryRef,
  brand: CatalogBrandRef.nullable(),
  minPriceFen: z.number().int(),
  maxPriceFen: z.number().int(),
  inStock: z.boolean(),
  soldUnits: z.number().int().meta({ description: 'Units sold in paid orders (all time)' }),
});
export type ProductSummary = z.infer<typeof ProductSummary>;

export const ProductListResponse = z
  .object({
    items: z.array(ProductSummary),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'ProductListResponse' });
export type ProductListResponse = z.infer<typeof ProductListResponse>;

export const ProductIdParams = z.object({ id: pathId });

export const CatalogSku = z.object({
  id: z.number().int(),
  skuCode: z.string(),
  title: z.string(),
  attributes: z.record(z.string(), z.string()),
  priceFen: z.number().int(),
  originalPriceFen: z.number().int().nullable(),
  stock: z.number().int(),
});

export const ProductDetail = ProductSummary.omit({ image: true })
  .extend({
    description: z.string().nullable(),
    images: z.array(z.string()),
    skus: z.array(CatalogSku),
  })
  .meta({ id: 'ProductDetail' });
export type ProductDetail = z.infer<typeof ProductDetail>;

export const CategoryListResponse = z
  .object({
    items: z.array(
      z.object({
        id: z.number().int(),
        code: z.string(),
        name: z.string(),
        parentId: z.number().int().nullable(),
        position: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'CategoryListResponse' });

export const BrandListResponse = z.object({ items: z.array(CatalogBrandRef) }).meta({ id: 'BrandListResponse' });

export const RecommendationQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

export const RECOMMENDATION_REASONS = ['co_purchase', 'co_view', 'preference', 'best_seller'] as const;
export type RecommendationReason = (typeof RECOMMENDATION_REASONS)[number];

export const RecommendationResponse = z
  .object({
    items: z.array(z.object({ product: ProductSummary, reason: z.enum(RECOMMENDATION_REASONS) })),
  })
  .meta({ id: 'RecommendationResponse' });
export type RecommendationResponse = z.infer<typeof RecommendationResponse>;
