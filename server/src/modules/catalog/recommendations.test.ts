import { eq } from 'drizzle-orm';
import type { RecommendationResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../db';
import { events, memberMetrics, products, skus } from '../../db/schema';
import { createMemberSession } from '../../http/auth';
import { insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { insertPaidOrder, seedCatalog, type SeededCatalog } from './catalog.fixtures';
import { registerCatalogRoutes } from './catalog.routes';

const NOW = new Date('2026-11-20T04:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

for (const kind of DATABASE_KINDS) {
  describe(`recommendations over HTTP [${kind}]`, () => {
    let server: TestServer;
    let catalog: SeededCatalog;
    const tokens: Record<'withHistory' | 'newcomer' | 'coffeeFan' | 'premiumFan' | 'browser', string> = {
      withHistory: '',
      newcomer: '',
      coffeeFan: '',
      premiumFan: '',
      browser: '',
    };
    // Coffee prices in stock: 15.00 (low), 39.00 (mid), 199.00 (high).
    const extra = { instant: 0, premium: 0 };

    const recommend = async (token: string, query = '') => {
      const response = await fetch(`${server.url}/api/recommendations${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as RecommendationResponse };
    };
    const picks = (body: RecommendationResponse) => body.items.map((item) => [item.product.id, item.reason]);

    beforeAll(async () => {
      server = await startTestServer(kind, { registerRoutes: registerCatalogRoutes, now: NOW });
      const { db } = server.testDatabase.database;
      catalog = await seedCatalog(db);
      for (const [name, priceFen, position] of [
        ['instant', 1_500, 5],
        ['premium', 19_900, 6],
      ] as const) {
        const [product] = await db
          .insert(products)
          .values({ categoryId: catalog.categories.coffee, title: name, status: 'on_sale', position })
          .returning({ id: products.id });
        if (!product) throw new Error('product insert returned nothing');
        await db.insert(skus).values({ productId: product.id, skuCode: name, title: name, priceFen, stock: 9 });
        extra[name] = product.id;
      }
      const members = {
        withHistory: await insertMember(db),
        newcomer: await insertMember(db),
        coffeeFan: await insertMember(db),
        premiumFan: await insertMember(db),
        browser: await insertMember(db),
      };
      const otherA = await insertMember(db);
      const otherB = await insertMember(db);
      // Best sellers: cold brew sold 5 in the last 30 days; pu-erh 3 and longjing 1 only 40 days ago.
      await insertPaidOrder(db, otherA, [{ skuId: catalog.skus.coldBrew, quantity: 5 }], daysAgo(10));
      await insertPaidOrder(
        db,
        otherB,
        [
          { skuId: catalog.skus.puer, quantity: 3 },
          { skuId: catalog.skus.longjingSmall, quantity: 1 },
        ],
        daysAgo(40),
      );
      // This member bought pu-erh recently; someone else bought pu-erh together with longjing.
      await insertPaidOrder(db, members.withHistory, [{ skuId: catalog.skus.puer, quantity: 1 }], daysAgo(20));
      await db
        .update(memberMetrics)
        .set({ topCategories: ['coffee'] })
        .where(eq(memberMetrics.memberId, members.coffeeFan));
      await db
        .update(memberMetrics)
        .set({ topCategories: ['coffee'], priceBand: 'high' })
        .where(eq(memberMetrics.memberId, members.premiumFan));
      await db.insert(events).values({
        memberId: members.browser,
        type: 'product_view',
        clientEventId: 'view-1',
        occurredAt: daysAgo(1),
        productId: catalog.products.longjing,
      });
      for (const name of Object.keys(members) as (keyof typeof members)[]) {
        tokens[name] = (await createMemberSession(db, members[name], NOW)).token;
      }
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('gives a new member a full list of best sellers (30-day units, then 90-day units)', async () => {
      const { status, body } = await recommend(tokens.newcomer, '?limit=3');
      expect(status).toBe(200);
      expect(picks(body)).toEqual([
        [catalog.products.coldBrew, 'best_seller'],
        [catalog.products.puer, 'best_seller'],
        [catalog.products.longjing, 'best_seller'],
      ]);
      expect(body.items[0]?.product).toMatchObject({ title: '冷萃咖啡 1000ml', minPriceFen: 3_900 });
    });

    it('puts co-purchases first and leaves out what the member bought recently and what is out of stock', async () => {
      const { body } = await recommend(tokens.withHistory);
      expect(picks(body)).toEqual([
        [catalog.products.longjing, 'co_purchase'],
        [catalog.products.coldBrew, 'best_seller'],
        [extra.instant, 'best_seller'],
        [extra.premium, 'best_seller'],
      ]);
    });

    it('uses member_metrics preferences when present', async () => {
      const { body } = await recommend(tokens.coffeeFan);
      expect(picks(body)).toEqual([
        [catalog.products.coldBrew, 'preference'],
        [extra.instant, 'preference'],
        [extra.premium, 'preference'],
        [catalog.products.puer, 'best_seller'],
        [catalog.products.longjing, 'best_seller'],
      ]);
    });

    it("puts products in the member's price band first among their preferences", async () => {
      const { body } = await recommend(tokens.premiumFan, '?limit=4');
      expect(picks(body)).toEqual([
        [extra.premium, 'preference'],
        [catalog.products.coldBrew, 'preference'],
        [extra.instant, 'preference'],
        [catalog.products.puer, 'best_seller'],
      ]);
    });

    it('derives preferences from recent browsing when metrics have none', async () => {
      const { body } = await recommend(tokens.browser, '?limit=2');
      expect(picks(body)).toEqual([
        [catalog.products.longjing, 'preference'],
        [catalog.products.coldBrew, 'best_seller'],
      ]);
    });

    it('is stable from one call to the next', async () => {
      const first = await recommend(tokens.withHistory);
      const second = await recommend(tokens.withHistory);
      expect(second.body).toEqual(first.body);
    });

    it('requires a member session and a sane limit', async () => {
      const anonymous = await fetch(`${server.url}/api/recommendations`);
      expect(anonymous.status).toBe(401);
      for (const limit of ['0', '51', 'many']) {
        const { status, body } = await recommend(tokens.newcomer, `?limit=${limit}`);
        expect(status).toBe(400);
        expect(body).toMatchObject({ error: { fields: [{ field: 'query.limit' }] } });
      }
    });
  });
}
