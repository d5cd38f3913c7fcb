import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Executor } from '../../db';
import { events } from '../../db/schema';
import { describeEachDatabase } from '../../testing/database';
import { insertMember } from '../../testing/fixtures';
import { insertPaidOrder, seedCatalog, type SeededCatalog } from './catalog.fixtures';
import { rebuildRecommendationModel } from './recommendation-model';
import { expectedModel, storedModel, type ModelRows } from './recommendation-model.reference';

const NOW = new Date('2026-11-20T04:00:00Z');
const daysAgo = (days: number, hours = 0) => new Date(NOW.getTime() - days * 86_400_000 - hours * 3_600_000);

/** Scores to 12 significant digits: the same double whichever driver parsed it. */
const comparable = (rows: ModelRows) => ({
  ...rows,
  neighbours: rows.neighbours.map((n) => ({ ...n, score: Number(n.score.toPrecision(12)) })),
});

async function expectModelFromScratch(executor: Executor, now: Date): Promise<ModelRows> {
  const stored = await storedModel(executor);
  expect(comparable(stored)).toEqual(comparable(await expectedModel(executor, now)));
  return stored;
}

let eventNo = 0;
async function view(
  executor: Executor,
  memberId: number,
  productId: number,
  at: Date,
  type: 'product_view' | 'add_to_cart' | 'favorite' = 'product_view',
) {
  eventNo += 1;
  await executor.insert(events).values({ memberId, type, clientEventId: `model-${eventNo}`, occurredAt: at, productId });
}

describeEachDatabase('recommendation model', ({ database }) => {
  let catalog: SeededCatalog;
  let buyers: number[];

  it('is empty but complete for a shop without orders or browsing: every product a best seller with 0 units', async () => {
    const db = database().db;
    catalog = await seedCatalog(db);
    buyers = [];
    for (let i = 0; i < 6; i++) buyers.push(await insertMember(db));
    const summary = await rebuildRecommendationModel(db, NOW);
    expect(summary).toEqual({ asOf: NOW.toISOString(), coPurchaseNeighbours: 0, coViewNeighbours: 0, bestSellers: 7 });
    const stored = await expectModelFromScratch(db, NOW);
    expect(stored.bestSellers.map((b) => b.units90)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('pairs products bought together in paid orders, corrected for popularity, and ranks best sellers by net units', async () => {
    const db = database().db;
    const { skus, products } = catalog;
    const [a, b, c, d, e] = buyers as [number, number, number, number, number];
    // Pu-erh goes with longjing in three baskets, with cold brew in two; cold brew is also bought alone, often.
    await insertPaidOrder(
      db,
      a,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.longjingSmall, quantity: 2 },
      ],
      daysAgo(5),
    );
    await insertPaidOrder(
      db,
      b,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.longjingLarge, quantity: 1 },
        { skuId: skus.longjingSmall, quantity: 1 },
      ],
      daysAgo(45),
    );
    await insertPaidOrder(
      db,
      c,
      [
        { skuId: skus.puer, quantity: 2 },
        { skuId: skus.longjingSmall, quantity: 1 },
      ],
      daysAgo(200),
    );
    await insertPaidOrder(
      db,
      d,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.coldBrew, quantity: 1 },
      ],
      daysAgo(10),
    );
    await insertPaidOrder(
      db,
      e,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.coldBrew, quantity: 3 },
      ],
      daysAgo(100),
    );
    for (const buyer of [a, b, c]) await insertPaidOrder(db, buyer, [{ skuId: skus.coldBrew, quantity: 1 }], daysAgo(3));
    // Too old for co-purchase; and a pair seen only once is noise.
    await insertPaidOrder(
      db,
      a,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.dripCoffee, quantity: 1 },
      ],
      daysAgo(400),
    );
    await insertPaidOrder(
      db,
      b,
      [
        { skuId: skus.longjingSmall, quantity: 1 },
        { skuId: skus.dripCoffee, quantity: 1 },
      ],
      daysAgo(20),
    );
    // Paid after `now`: not yet part of the model.
    await insertPaidOrder(
      db,
      c,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.dripCoffee, quantity: 1 },
      ],
      new Date(NOW.getTime() + 60_000),
    );
    await rebuildRecommendationModel(db, NOW);
    const stored = await expectModelFromScratch(db, NOW);
    const puerNeighbours = stored.neighbours.filter((n) => n.productId === products.puer && n.kind === 'co_purchase');
    expect(puerNeighbours.map((n) => [n.neighbourId, n.coCount, n.rank])).toEqual([
      [products.longjing, 3, 1],
      [products.coldBrew, 2, 2],
    ]);
    // cosine 3 / sqrt(5 · 4) shrunk by 3 / (3 + 5)
    expect(puerNeighbours[0]?.score).toBeCloseTo((3 / Math.sqrt(5 * 4)) * (3 / 8), 12);
    expect(stored.neighbours.some((n) => n.productId === products.dripCoffee || n.neighbourId === products.dripCoffee)).toBe(
      false,
    );
    expect(stored.bestSellers.slice(0, 3)).toEqual([
      { productId: products.coldBrew, units30: 4, units90: 4, rank: 1 },
      { productId: products.longjing, units30: 3, units90: 5, rank: 2 },
      { productId: products.puer, units30: 2, units90: 3, rank: 3 },
    ]);
  });

  it('follows partial and full refunds: refunded lines leave baskets and best sellers at the next rebuild', async () => {
    const db = database().db;
    const { skus, products } = catalog;
    const [a, b] = buyers as [number, number];
    const partly = await insertPaidOrder(
      db,
      a,
      [
        { skuId: skus.puer, quantity: 2 },
        { skuId: skus.coldBrew, quantity: 2 },
      ],
      daysAgo(2),
    );
    const fully = await insertPaidOrder(
      db,
      b,
      [
        { skuId: skus.puer, quantity: 1 },
        { skuId: skus.coldBrew, quantity: 1 },
      ],
      daysAgo(2),
    );
    await rebuildRecommendationModel(db, NOW);
    const before = await expectModelFromScratch(db, NOW);
    const pairOf = (rows: ModelRows) =>
      rows.neighbours.find(
        (n) => n.productId === products.puer && n.neighbourId === products.coldBrew && n.kind === 'co_purchase',
      );
    expect(pairOf(before)?.coCount).toBe(4);

    // Cold brew refunded from one order, pu-erh partly (one of two); the other order refunded in full.
    await db.execute(sql`update order_items set refunded_quantity = quantity, refunded_fen = line_total_fen
      where order_id = ${partly} and product_id = ${products.coldBrew}`);
    await db.execute(sql`update order_items set refunded_quantity = 1, refunded_fen = unit_price_fen
      where order_id = ${partly} and product_id = ${products.puer}`);
    await db.execute(sql`update orders set status = 'partially_refunded', refunded_fen =
      (select sum(refunded_fen) from order_items where order_id = ${partly}) where id = ${partly}`);
    await db.execute(
      sql`update order_items set refunded_quantity = quantity, refunded_fen = line_total_fen where order_id = ${fully}`,
    );
    await db.execute(sql`update orders set status = 'refunded', refunded_fen = paid_fen where id = ${fully}`);
    await rebuildRecommendationModel(db, NOW);
    const after = await expectModelFromScratch(db, NOW);
    expect(pairOf(after)?.coCount).toBe(2);
    const units = (rows: ModelRows, productId: number) => rows.bestSellers.find((s) => s.productId === productId);
    expect(units(after, products.coldBrew)).toMatchObject({ units30: 4, units90: 4 });
    expect(units(before, products.coldBrew)).toMatchObject({ units30: 7, units90: 7 });
    expect(units(after, products.puer)).toMatchObject({ units30: 3, units90: 4 });
  });

  it('pairs products viewed, carted or favourited by one member on one Shanghai day', async () => {
    const db = database().db;
    const { products } = catalog;
    const [a, b, c] = buyers as [number, number, number];
    // 2026-11-18 23:30 Shanghai and 2026-11-19 00:30 Shanghai are two days though one hour apart.
    await view(db, a, products.longjing, new Date('2026-11-18T15:30:00Z'));
    await view(db, a, products.dripCoffee, new Date('2026-11-18T16:30:00Z'));
    await view(db, b, products.longjing, daysAgo(3));
    await view(db, b, products.dripCoffee, daysAgo(3, 2), 'add_to_cart');
    await view(db, c, products.longjing, daysAgo(60));
    await view(db, c, products.dripCoffee, daysAgo(60), 'favorite');
    await view(db, c, products.longjing, daysAgo(95));
    await view(db, c, products.dripCoffee, daysAgo(95));
    await db.insert(events).values({
      memberId: c,
      type: 'share',
      clientEventId: 'model-share',
      occurredAt: daysAgo(60),
      productId: products.coldBrew,
    });
    await db
      .insert(events)
      .values({ memberId: c, type: 'product_view', clientEventId: 'model-unknown', occurredAt: daysAgo(60), productId: 999_999 });
    await rebuildRecommendationModel(db, NOW);
    const stored = await expectModelFromScratch(db, NOW);
    const coView = stored.neighbours.filter((n) => n.kind === 'co_view');
    expect(coView.map((n) => [n.productId, n.neighbourId, n.coCount])).toEqual(
      [
        [products.longjing, products.dripCoffee, 2],
        [products.dripCoffee, products.longjing, 2],
      ].sort((x, y) => (x[0] as number) - (y[0] as number)),
    );
  });

  it('replaces the model atomically: a rebuild that fails changes nothing, and readers see the old model until commit', async () => {
    const test = database();
    const before = await storedModel(test.db);
    const later = daysAgo(-400);
    await expect(
      test.db.transaction(async (tx) => {
        await rebuildRecommendationModel(tx, later);
        expect((await storedModel(tx)).neighbours).toEqual([]);
        // On a server a second connection reads meanwhile; PGlite has only this one.
        if (test.kind === 'postgres') expect(await storedModel(test.db)).toEqual(before);
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(await storedModel(test.db)).toEqual(before);
    await rebuildRecommendationModel(test.db, later);
    expect((await expectModelFromScratch(test.db, later)).neighbours).toEqual([]);
  });
});
