import { eq, sql, type SQL } from 'drizzle-orm';
import type { RecommendationResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { events, memberMetrics, products, skus } from '../../db/schema';
import { createMemberSession } from '../../http/auth';
import { periodKey, RECOMMENDATION_REBUILD_JOB, runClaimed, SHOP_JOBS } from '../../jobs';
import { insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { insertPaidOrder, seedCatalog, type SeededCatalog } from './catalog.fixtures';
import { registerCatalogRoutes } from './catalog.routes';
import { expectedModel, storedModel } from './recommendation-model.reference';
import { catalogueRowsSql, memberRowsSql } from './recommendations';

const NOW = new Date('2026-11-20T04:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

for (const kind of DATABASE_KINDS) {
  describe(`recommendations over HTTP [${kind}]`, () => {
    let server: TestServer;
    let catalog: SeededCatalog;
    const tokens: Record<'withHistory' | 'newcomer' | 'coffeeFan' | 'premiumFan' | 'browser' | 'coffeeBrowser', string> = {
      withHistory: '',
      newcomer: '',
      coffeeFan: '',
      premiumFan: '',
      browser: '',
      coffeeBrowser: '',
    };
    let withHistoryId = 0;
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
        coffeeBrowser: await insertMember(db),
      };
      withHistoryId = members.withHistory;
      const otherA = await insertMember(db);
      const otherB = await insertMember(db);
      const otherC = await insertMember(db);
      const viewed = async (
        memberId: number,
        productId: number,
        at: Date,
        type: 'product_view' | 'add_to_cart' = 'product_view',
      ) => {
        await db
          .insert(events)
          .values({ memberId, type, clientEventId: `view-${memberId}-${productId}-${at.getTime()}`, occurredAt: at, productId });
      };
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
      // Pu-erh and longjing were bought together twice (otherB above, otherC here); this member bought pu-erh recently.
      await insertPaidOrder(
        db,
        otherC,
        [
          { skuId: catalog.skus.puer, quantity: 1 },
          { skuId: catalog.skus.longjingSmall, quantity: 1 },
        ],
        daysAgo(50),
      );
      await insertPaidOrder(db, members.withHistory, [{ skuId: catalog.skus.puer, quantity: 1 }], daysAgo(20));
      // Two shoppers looked at longjing and the premium coffee on the same day.
      for (const [memberId, day] of [
        [otherA, 4],
        [otherB, 6],
        [otherC, 8],
      ] as const) {
        await viewed(memberId, catalog.products.longjing, daysAgo(day));
        await viewed(memberId, extra.premium, daysAgo(day), 'add_to_cart');
      }
      // Stored preferences say tea (from older purchases), but lately this shopper only looks at coffee.
      await db
        .update(memberMetrics)
        .set({ topCategories: ['tea', 'green-tea'], topBrands: ['river'] })
        .where(eq(memberMetrics.memberId, members.coffeeBrowser));
      await viewed(members.coffeeBrowser, extra.instant, daysAgo(2));
      await viewed(members.coffeeBrowser, catalog.products.coldBrew, daysAgo(1));
      await viewed(members.coffeeBrowser, extra.instant, daysAgo(0.5), 'add_to_cart');
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
      // The nightly job builds the model the requests read.
      const job = SHOP_JOBS.find((j) => j.name === RECOMMENDATION_REBUILD_JOB);
      if (!job) throw new Error('the recommendation rebuild is not scheduled');
      const claim = { jobName: job.name, periodKey: periodKey(NOW, job.period), now: NOW };
      const built = await runClaimed(server.server.database, claim, (progress, runId) =>
        job.run(server.server, NOW, { runId, progress }),
      );
      if (!built.ran) throw new Error('the rebuild was not run');
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

    it('runs the rebuild once per night, and the model it built equals one computed from scratch', async () => {
      const job = SHOP_JOBS.find((j) => j.name === RECOMMENDATION_REBUILD_JOB);
      if (!job) throw new Error('the recommendation rebuild is not scheduled');
      expect(job.period).toBe('day');
      const context = server.server;
      const again = await runClaimed(
        context.database,
        { jobName: job.name, periodKey: periodKey(NOW, job.period), now: NOW },
        (progress, runId) => job.run(context, NOW, { runId, progress }),
      );
      expect(again).toEqual({ ran: false, reason: 'already_claimed' });
      const db = server.testDatabase.database.db;
      const [run] = await execute<{ status: string; progress: Record<string, unknown> }>(
        db,
        sql`select status, progress from job_runs where job_name = ${RECOMMENDATION_REBUILD_JOB}`,
      );
      expect(run).toEqual({
        status: 'succeeded',
        progress: { asOf: NOW.toISOString(), coPurchaseNeighbours: 2, coViewNeighbours: 2, bestSellers: 9 },
      });
      expect(await storedModel(db)).toEqual(await expectedModel(db, NOW));
    });

    it('puts neighbours of what the member bought first and leaves out what they bought recently and what is out of stock', async () => {
      const { body } = await recommend(tokens.withHistory, '?limit=50');
      expect(picks(body)).toEqual([
        [catalog.products.longjing, 'co_purchase'],
        [catalog.products.coldBrew, 'best_seller'],
        [extra.instant, 'best_seller'],
        [extra.premium, 'best_seller'],
      ]);
    });

    it('gives a shopper who lately only browsed coffee coffee first, before the tea of their stored preferences', async () => {
      const { body } = await recommend(tokens.coffeeBrowser);
      // Among equally preferred products, best sellers first.
      expect(picks(body)).toEqual([
        [catalog.products.coldBrew, 'preference'],
        [extra.instant, 'preference'],
        [extra.premium, 'preference'],
        [catalog.products.puer, 'preference'],
        [catalog.products.longjing, 'preference'],
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

    it('puts products others viewed or bought with what the member browsed first, then the categories of their browsing', async () => {
      const { body } = await recommend(tokens.browser, '?limit=4');
      // Premium coffee: 3 of longjing's 4 sessions; pu-erh: 2 of longjing's 2 baskets, but of its own 3.
      expect(picks(body)).toEqual([
        [extra.premium, 'co_view'],
        [catalog.products.puer, 'co_purchase'],
        [catalog.products.longjing, 'preference'],
        [catalog.products.coldBrew, 'best_seller'],
      ]);
    });

    it("reads only the member's own orders and events: no scan over all orders, lines or events", async () => {
      const db = server.testDatabase.database.db;
      const explain = (statement: SQL) =>
        db.transaction(async (tx) => {
          // Tiny tables make a sequential scan look cheapest; forbidding it shows which index each read can use.
          await tx.execute(sql`set local enable_seqscan = off`);
          const [row] = await execute<{ 'QUERY PLAN': unknown }>(tx, sql`explain (format json) ${statement}`);
          const plan = row?.['QUERY PLAN'];
          const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: Record<string, unknown> }[];
          const nodes: Record<string, unknown>[] = [];
          const walk = (node: Record<string, unknown>) => {
            nodes.push(node);
            for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
          };
          walk(parsed[0]?.Plan ?? {});
          return nodes.filter((node) => {
            const relation = String(node['Relation Name'] ?? '');
            return ['orders', 'order_items', 'events'].includes(relation) || relation.startsWith('events_');
          });
        });
      // The request's statements: the member's own rows, then catalogue rows for that member's seeds.
      const reads = await explain(memberRowsSql(withHistoryId, NOW));
      expect(reads.map((node) => node['Relation Name'])).toEqual(expect.arrayContaining(['orders', 'order_items']));
      for (const node of reads) {
        expect(node['Node Type']).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/);
        const condition = String(node['Index Cond'] ?? node['Recheck Cond'] ?? '');
        // Orders and events by this member; lines by the id of one of the member's orders.
        expect(condition).toMatch(node['Relation Name'] === 'order_items' ? /\(order_id = o\.id\)/ : /\(member_id = /);
      }
      const catalogueReads = await explain(
        catalogueRowsSql({
          seedIds: [catalog.products.puer],
          seedWeights: [1],
          categoryIds: [catalog.categories.coffee],
          brandIds: [],
          excluded: [catalog.products.puer],
          bestSellers: 20,
        }),
      );
      expect(catalogueReads).toEqual([]);
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
