import type { ProductDetail, ProductListResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../db';
import { insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { insertPaidOrder, seedCatalog, type SeededCatalog } from './catalog.fixtures';
import { registerCatalogRoutes } from './catalog.routes';

const NOW = new Date('2026-11-20T04:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`catalogue over HTTP [${kind}]`, () => {
    let server: TestServer;
    let catalog: SeededCatalog;

    const getJson = async (path: string) => {
      const response = await fetch(`${server.url}/api${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const list = async (query: string) => {
      const { status, body } = await getJson(`/products?${query}`);
      expect(status).toBe(200);
      return body as unknown as ProductListResponse;
    };
    const ids = (response: ProductListResponse) => response.items.map((item) => item.id);

    beforeAll(async () => {
      server = await startTestServer(kind, { registerRoutes: registerCatalogRoutes, now: NOW });
      const { db } = server.testDatabase.database;
      catalog = await seedCatalog(db);
      const buyer = await insertMember(db);
      await insertPaidOrder(db, buyer, [{ skuId: catalog.skus.coldBrew, quantity: 5 }], new Date('2026-11-10T00:00:00Z'));
      await insertPaidOrder(db, buyer, [{ skuId: catalog.skus.puer, quantity: 3 }], new Date('2026-11-11T00:00:00Z'));
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('lists only products on sale with an active SKU, in catalogue order, with price range and stock', async () => {
      const response = await list('');
      const { longjing, puer, dripCoffee, coldBrew } = catalog.products;
      expect(ids(response)).toEqual([puer, longjing, dripCoffee, coldBrew]);
      expect(response).toMatchObject({ page: 1, pageSize: 20, total: 4 });
      expect(response.items[1]).toEqual({
        id: longjing,
        title: '西湖龙井 West Lake Longjing',
        subtitle: '明前特级',
        image: 'https://img.example/longjing-1.jpg',
        category: { id: catalog.categories.greenTea, code: 'green-tea', name: '绿茶' },
        brand: { id: catalog.brands.hills, code: 'hills', name: '青山' },
        minPriceFen: 12_800,
        maxPriceFen: 25_800,
        inStock: true,
        soldUnits: 0,
      });
      expect(response.items[2]).toMatchObject({ id: dripCoffee, inStock: false, brand: { code: 'river' } });
      expect(response.items[3]).toMatchObject({ id: coldBrew, brand: null, soldUnits: 5 });
    });

    it('filters by category (with sub-categories), brand and keyword', async () => {
      const { longjing, puer, dripCoffee } = catalog.products;
      expect(ids(await list('category=tea'))).toEqual([puer, longjing]);
      expect(ids(await list('category=green-tea'))).toEqual([longjing]);
      expect(ids(await list('category=nothing-here'))).toEqual([]);
      expect(ids(await list('brand=river'))).toEqual([puer, dripCoffee]);
      expect(ids(await list('brand=river&category=coffee'))).toEqual([dripCoffee]);
      expect(ids(await list('keyword=arabica'))).toEqual([dripCoffee]);
      expect(ids(await list(`keyword=${encodeURIComponent('龙井')}`))).toEqual([longjing]);
      expect(ids(await list('keyword=pan-fried'))).toEqual([]);
      expect(ids(await list('keyword=pan-fired'))).toEqual([longjing]);
    });

    it('matches % and _ in a keyword literally', async () => {
      const { puer, dripCoffee } = catalog.products;
      expect(ids(await list(`keyword=${encodeURIComponent('100%')}`))).toEqual([dripCoffee]);
      expect(ids(await list(`keyword=${encodeURIComponent('50%_off')}`))).toEqual([puer]);
      expect(ids(await list(`keyword=${encodeURIComponent('50_')}`))).toEqual([]);
    });

    it('sorts by price and by units sold, ties by id', async () => {
      const { longjing, puer, dripCoffee, coldBrew } = catalog.products;
      expect(ids(await list('sort=price_asc'))).toEqual([coldBrew, dripCoffee, puer, longjing]);
      expect(ids(await list('sort=price_desc'))).toEqual([longjing, puer, dripCoffee, coldBrew]);
      expect(ids(await list('sort=sales'))).toEqual([coldBrew, puer, longjing, dripCoffee]);
    });

    it('pages with the total count', async () => {
      const second = await list('pageSize=3&page=2&sort=price_asc');
      expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4 });
      expect(ids(second)).toEqual([catalog.products.longjing]);
      const beyond = await list('pageSize=3&page=5');
      expect(beyond).toMatchObject({ items: [], total: 4 });
    });

    it('shows a product with its active SKUs; 404 for unknown, draft, off-sale or SKU-less products', async () => {
      const { status, body } = await getJson(`/products/${catalog.products.longjing}`);
      expect(status).toBe(200);
      const detail = body as unknown as ProductDetail;
      expect(detail).toMatchObject({
        id: catalog.products.longjing,
        description: 'Pan-fired green tea',
        images: ['https://img.example/longjing-1.jpg', 'https://img.example/longjing-2.jpg'],
        category: { code: 'green-tea' },
        brand: { code: 'hills' },
        minPriceFen: 12_800,
        maxPriceFen: 25_800,
      });
      expect(detail.skus).toEqual([
        {
          id: catalog.skus.longjingSmall,
          skuCode: 'LJ-50',
          title: '50g',
          attributes: { weight: '50g' },
          priceFen: 12_800,
          originalPriceFen: 15_800,
          stock: 5,
        },
        {
          id: catalog.skus.longjingLarge,
          skuCode: 'LJ-100',
          title: '100g',
          attributes: {},
          priceFen: 25_800,
          originalPriceFen: null,
          stock: 3,
        },
      ]);
      for (const hidden of [catalog.products.draft, catalog.products.offSale, catalog.products.noActiveSku, 987_654]) {
        const missing = await getJson(`/products/${hidden}`);
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
      }
    });

    it('lists active categories in display order and brands by name', async () => {
      const categories = await getJson('/categories');
      expect(categories.body).toEqual({
        items: [
          { id: catalog.categories.tea, code: 'tea', name: '茶叶', parentId: null, position: 1 },
          { id: catalog.categories.greenTea, code: 'green-tea', name: '绿茶', parentId: catalog.categories.tea, position: 1 },
          { id: catalog.categories.coffee, code: 'coffee', name: '咖啡', parentId: null, position: 2 },
        ],
      });
      const brands = await getJson('/brands');
      expect(brands.body).toEqual({
        items: [
          { id: catalog.brands.river, code: 'river', name: '长河' },
          { id: catalog.brands.hills, code: 'hills', name: '青山' },
        ],
      });
    });

    it('documents the catalogue in the OpenAPI document', async () => {
      const { body } = await getJson('/openapi.json');
      const paths = body.paths as Record<string, Record<string, { security?: unknown }>>;
      for (const path of ['/api/products', '/api/products/{id}', '/api/categories', '/api/brands', '/api/recommendations']) {
        expect(paths[path]?.get, path).toBeDefined();
      }
      expect(paths['/api/products']?.get?.security).toBeUndefined();
      expect(paths['/api/recommendations']?.get?.security).toEqual([{ member: [] }]);
    });

    it('answers 400 naming the field for bad list, detail and recommendation input', async () => {
      const cases: [string, string][] = [
        ['/products?sort=cheapest', 'query.sort'],
        ['/products?pageSize=0', 'query.pageSize'],
        ['/products?page=abc', 'query.page'],
        [`/products?keyword=${'x'.repeat(51)}`, 'query.keyword'],
        ['/products?category=a%20b', 'query.category'],
        ['/products/abc', 'params.id'],
        ['/products/0', 'params.id'],
      ];
      for (const [path, field] of cases) {
        const { status, body } = await getJson(path);
        expect(status, path).toBe(400);
        expect(body, path).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: [{ field }] } });
      }
    });
  });
}
