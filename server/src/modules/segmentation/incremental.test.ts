import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { addDays, DAY_MS } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../scripts/src/seed';
import { DATABASE_KINDS, execute, withTransaction, type Database, type Tx } from '../../db';
import { createTestDatabase, type TestDatabase } from '../../testing/database';
import { expectedMetrics, loadHistories, storedStats } from './expected-from-shared';
import { refreshSegments, segmentationConfigAt, updateMemberDerived } from './index';
import { TEST_PHONE_KEYS as phoneKeys } from '../../testing/seeded-server';

const NOW = new Date('2026-03-15T04:00:00Z');
const REFRESHED_AT = addDays(NOW, -20);

/** Undoes a property run's writes: the transaction throws this after its checks passed. */
class RollBack extends Error {}

interface NewOrder {
  member: number;
  /** Days before the update time the order was paid (0 = the order that triggers the update). */
  daysAgo: number;
  amountFen: number;
  refund: 'none' | 'partial' | 'full';
  line: number;
}

const newOrderArb = fc.record({
  member: fc.nat({ max: 199 }),
  daysAgo: fc.integer({ min: 0, max: 500 }),
  amountFen: fc.integer({ min: 0, max: 300_000 }),
  refund: fc.constantFrom('none', 'partial', 'full'),
  line: fc.nat({ max: 1000 }),
}) as fc.Arbitrary<NewOrder>;

async function insertPaidOrder(tx: Tx, memberId: number, order: NewOrder, paidAt: Date, key: string): Promise<void> {
  const refunded = order.refund === 'none' ? 0 : order.refund === 'full' ? order.amountFen : Math.floor(order.amountFen / 3);
  const status = refunded === 0 ? 'paid' : refunded === order.amountFen ? 'refunded' : 'partially_refunded';
  const [row] = await execute<{ id: number }>(
    tx,
    sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, refunded_fen, paid_at)
        values (${key}, ${memberId}, 'mini_program', ${status}, ${order.amountFen}, ${order.amountFen}, ${order.amountFen},
                ${refunded}, ${paidAt})
        returning id`,
  );
  await tx.execute(
    sql`insert into order_items (order_id, member_id, sku_id, product_id, title, category, brand, unit_price_fen, quantity, line_total_fen)
        select ${row?.id}, ${memberId}, s.id, p.id, p.title, c.code, b.code, ${order.amountFen}, 1, ${order.amountFen}
        from skus s join products p on p.id = s.product_id join categories c on c.id = p.category_id
          left join brands b on b.id = p.brand_id
        order by s.id offset ${order.line} % (select count(*) from skus) limit 1`,
  );
}

async function metricsRow(tx: Tx, memberId: number): Promise<Record<string, unknown>> {
  const [row] = await execute(tx, sql`select * from member_metrics where member_id = ${memberId}`);
  const { updated_at: _ignored, ...rest } = row ?? {};
  return rest;
}

for (const kind of DATABASE_KINDS) {
  describe(`incremental member update [${kind}]`, () => {
    let test: TestDatabase | undefined;
    let memberIds: number[] = [];
    const database = (): Database => {
      if (!test) throw new Error('the seeded database is not ready');
      return test.database;
    };
    beforeAll(async () => {
      test = await createTestDatabase(kind);
      await seedDemoShop(test.database, { phoneKeys, now: REFRESHED_AT, seed: 'incremental-test', members: 200 });
      await refreshSegments(test.database, { asOf: REFRESHED_AT });
      const rows = await execute<{ id: number }>(test.database.db, sql`select id from members order by id`);
      memberIds = rows.map((r) => r.id);
    }, 180_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    it('after new orders, one member updated alone equals the batch with the stored cut points and the shared functions', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(newOrderArb, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: 40 * DAY_MS }),
          async (orders, laterMs) => {
            run += 1;
            const updateAt = new Date(REFRESHED_AT.getTime() + laterMs);
            const memberId = memberIds[(orders[0] as NewOrder).member % memberIds.length] as number;
            const outcome = withTransaction(
              database(),
              async (tx) => {
                for (const [i, order] of orders.entries()) {
                  // Every new order belongs to the updated member, the first one paid right at the update.
                  const paidAt = i === 0 ? updateAt : new Date(updateAt.getTime() - order.daysAgo * DAY_MS - 1000);
                  await insertPaidOrder(tx, memberId, order, paidAt, `prop-${kind}-${run}-${i}`);
                }
                await updateMemberDerived(tx, memberId, updateAt);
                const incremental = await metricsRow(tx, memberId);

                const config = await segmentationConfigAt(tx, updateAt);
                const history = (await loadHistories(tx)).get(memberId);
                if (!history) throw new Error(`member ${memberId} has no history`);
                const stats = await storedLatestStats(tx);
                const expected = expectedMetrics(history, updateAt, stats, config);
                expect(Math.abs(Number(incremental.activity_score) - expected.activityScore)).toBeLessThanOrEqual(
                  1e-9 * Math.max(1, expected.activityScore),
                );
                expect(incremental.behaviour).toBe(expected.behaviour);
                expect(incremental).toMatchObject({
                  orders_total: expected.ordersTotal,
                  frequency_365: expected.frequency365,
                  monetary_365_fen: expected.monetary365Fen,
                  growth_value_fen: expected.growthValueFen,
                  recency_days: expected.recencyDays,
                  rfm_r: expected.rfmR,
                  rfm_f: expected.rfmF,
                  rfm_m: expected.rfmM,
                  rfm_segment: expected.rfmSegment,
                  value_layer: expected.valueLayer,
                  lifecycle: expected.lifecycle,
                  top_categories: expected.topCategories,
                  top_brands: expected.topBrands,
                  price_band: expected.priceBand,
                });

                await refreshSegments(tx, { asOf: updateAt, reuseStoredStats: true });
                // A float sum depends on the order rows are added in, which differs between the two plans.
                const { activity_score: batchScore, ...batch } = await metricsRow(tx, memberId);
                const { activity_score: oneScore, ...one } = incremental;
                expect(batch).toEqual(one);
                expect(Math.abs(Number(batchScore) - Number(oneScore))).toBeLessThanOrEqual(
                  1e-12 * Math.max(1, Number(oneScore)),
                );
                throw new RollBack();
              },
              { retries: 0 },
            );
            await expect(outcome).rejects.toBeInstanceOf(RollBack);
          },
        ),
        { numRuns: 25 },
      );
    }, 240_000);
  });
}

/** The cut points and means of the latest refresh, which the one-member path scores against. */
async function storedLatestStats(tx: Tx) {
  const [row] = await execute<{ as_of: Date }>(tx, sql`select as_of from segment_stats order by id desc limit 1`);
  if (!row) throw new Error('no stored stats');
  return storedStats(tx, row.as_of);
}
