import { asc, eq } from 'drizzle-orm';
import {
  BrandListResponse,
  CategoryListResponse,
  ProductDetail,
  ProductIdParams,
  ProductListQuery,
  ProductListResponse,
  RecommendationQuery,
  RecommendationResponse,
} from '@member-ops/shared';
import { brands, categories } from '../../db/schema';
import { AppError } from '../../errors';
import type { ApiRouter } from '../../http/api-router';
import type { PublicCachePolicy } from '../../http/public-cache';
import { currentMember, memberAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { listProducts, productDetail } from './catalog.repo';
import { recommendProducts } from './recommendations';

/**
 * Browsers and CDNs keep a catalogue answer 5 s, then may serve it 10 s more while refreshing it in the background:
 * a home page stays instant on a slow network, and stock or sold counts seen there are at most ~15 s old (plus the
 * server's own CATALOG_CACHE_MS). Ordering always checks the live stock.
 */
export const CATALOG_CACHE: PublicCachePolicy = { maxAgeSeconds: 5, staleWhileRevalidateSeconds: 10 };

/**
 * The catalogue is public: browsing needs no sign-in, and nothing in a list or detail depends on who asks.
 * Only recommendations are personal, so only that route requires a member session.
 */
export function registerCatalogRoutes(api: ApiRouter, context: ServerContext): void {
  const { db } = context.database;

  api.add({
    method: 'get',
    path: '/products',
    publicCache: CATALOG_CACHE,
    summary: 'List products on sale, filtered by category, brand and keyword, sorted and paged',
    tags: ['catalog'],
    query: ProductListQuery,
    response: ProductListResponse,
    handler: async ({ query }) => {
      const { page, pageSize, sort, ...filter } = query;
      const { items, total } = await listProducts(db, filter, { sort, page, pageSize });
      return { items, page, pageSize, total };
    },
  });

  api.add({
    method: 'get',
    path: '/products/:id',
    publicCache: CATALOG_CACHE,
    summary: 'One product on sale with its SKUs, prices and stock',
    tags: ['catalog'],
    params: ProductIdParams,
    response: ProductDetail,
    errors: [404],
    handler: async ({ params }) => {
      const detail = await productDetail(db, params.id);
      if (!detail) throw new AppError('NOT_FOUND', `Product ${params.id} is not on sale`);
      return detail;
    },
  });

  api.add({
    method: 'get',
    path: '/categories',
    publicCache: CATALOG_CACHE,
    summary: 'Active categories (a tree by parentId), in display order',
    tags: ['catalog'],
    response: CategoryListResponse,
    handler: async () => {
      const items = await db
        .select({
          id: categories.id,
          code: categories.code,
          name: categories.name,
          parentId: categories.parentId,
          position: categories.position,
        })
        .from(categories)
        .where(eq(categories.active, true))
        .orderBy(asc(categories.position), asc(categories.id));
      return { items };
    },
  });

  api.add({
    method: 'get',
    path: '/brands',
    publicCache: CATALOG_CACHE,
    summary: 'All brands by name',
    tags: ['catalog'],
    response: BrandListResponse,
    handler: async () => {
      const items = await db
        .select({ id: brands.id, code: brands.code, name: brands.name })
        .from(brands)
        .orderBy(asc(brands.name), asc(brands.id));
      return { items };
    },
  });

  api.add({
    method: 'get',
    path: '/recommendations',
    summary: 'Products for this member: co-purchase, then preferences, then best sellers, each with its reason',
    tags: ['catalog'],
    query: RecommendationQuery,
    response: RecommendationResponse,
    middleware: [memberAuth(context.database, context.clock)],
    security: ['member'],
    errors: [401],
    handler: ({ query }, ctx) => recommendProducts(db, currentMember(ctx).id, context.clock(), query.limit),
  });
}
