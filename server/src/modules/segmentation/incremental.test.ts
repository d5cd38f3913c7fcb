import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { addDays, DAY_MS } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../scripts/src/seed';
import { DATABASE_KINDS, execute, withTransaction, type Database, type Executor, type Tx } from '../../db';
import { createTestDatabase, type TestDatabase } from '../../testing/database';
import { expectedMetrics, loadHistories, storedStats } from './expected-from-shared';
import { recordEvents } from '../events/events.service';
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

/** Inserts the order and its line; returns the order id. */
async function insertPaidOrder(tx: Tx, memberId: number, order: NewOrder, paidAt: Date, key: string): Promise<number> {
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
  if (!row) throw new Error('the order was not inserted');
  return row.id;
}

async function metricsRow(tx: Executor, memberId: number): Promise<Record<string, unknown>> {
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

    /** The member's row equals the shared functions over their whole history as of `at`, with the stored stats. */
    async function expectSharedDefinition(tx: Tx, memberId: number, at: Date): Promise<void> {
      const incremental = await metricsRow(tx, memberId);
      const config = await segmentationConfigAt(tx, at);
      const history = (await loadHistories(tx)).get(memberId);
      if (!history) throw new Error(`member ${memberId} has no history`);
      const expected = expectedMetrics(history, at, await storedLatestStats(tx), config);
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
    }

    it('after new orders and a later full refund, one member updated alone equals the batch and the shared functions', async () => {
      let run = 0;
      let folded = 0;
      let rebuilt = 0;
      let refundedLater = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(newOrderArb, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: 40 * DAY_MS }),
          fc.option(fc.integer({ min: 0, max: 10 * DAY_MS }), { nil: null }),
          fc.boolean(),
          async (orders, laterMs, refundAfterMs, forgetState) => {
            run += 1;
            const updateAt = new Date(REFRESHED_AT.getTime() + laterMs);
            const memberId = memberIds[(orders[0] as NewOrder).member % memberIds.length] as number;
            const outcome = withTransaction(
              database(),
              async (tx) => {
                // Without a stored preference state (data loaded before it existed) the update builds one from history.
                if (forgetState) await tx.execute(sql`delete from member_preferences where member_id = ${memberId}`);
                if ((await preferenceState(tx, memberId)) === null) rebuilt += 1;
                else folded += 1;
                const counted: number[] = [];
                for (const [i, order] of orders.entries()) {
                  // Every new order belongs to the updated member, the first one paid right at the update.
                  const paidAt = i === 0 ? updateAt : new Date(updateAt.getTime() - order.daysAgo * DAY_MS - 1000);
                  counted.push(await insertPaidOrder(tx, memberId, order, paidAt, `prop-${kind}-${run}-${i}`));
                }
                // All are named as newly paid: the update itself skips those that are fully refunded.
                await updateMemberDerived(tx, memberId, updateAt, { counted });
                await expectSharedDefinition(tx, memberId, updateAt);

                // Later the first order, if it still counts, is refunded in full.
                let checkAt = updateAt;
                if (refundAfterMs !== null) {
                  checkAt = new Date(updateAt.getTime() + refundAfterMs);
                  const refunded = await execute<{ id: number }>(
                    tx,
                    sql`update orders set refunded_fen = paid_fen, status = 'refunded'
                        where id = ${counted[0]} and paid_fen > 0 and refunded_fen < paid_fen returning id`,
                  );
                  refundedLater += refunded.length;
                  await updateMemberDerived(tx, memberId, checkAt, { fullyRefunded: refunded.map((r) => r.id) });
                  await expectSharedDefinition(tx, memberId, checkAt);
                }
                const incremental = await metricsRow(tx, memberId);
                const state = await preferenceState(tx, memberId);

                await refreshSegments(tx, { asOf: checkAt, reuseStoredStats: true });
                // A float sum depends on the order rows are added in, which differs between the two plans.
                const { activity_score: batchScore, ...batch } = await metricsRow(tx, memberId);
                const { activity_score: oneScore, ...one } = incremental;
                expect(batch).toEqual(one);
                expect(Math.abs(Number(batchScore) - Number(oneScore))).toBeLessThanOrEqual(
                  1e-12 * Math.max(1, Number(oneScore)),
                );
                expectSameScores(state, await preferenceState(tx, memberId));
                throw new RollBack();
              },
              { retries: 0 },
            );
            await expect(outcome).rejects.toBeInstanceOf(RollBack);
          },
        ),
        { numRuns: 30 },
      );
      // Both ways of the update ran: folding into a stored state, and building one from the history.
      expect(folded).toBeGreaterThan(0);
      expect(rebuilt).toBeGreaterThan(0);
      expect(refundedLater).toBeGreaterThan(0);
    }, 300_000);

    it('product events move the stored preference scores and the top lists as a rebuild from history would', async () => {
      const at = addDays(REFRESHED_AT, 3);
      // A member with a stored state, whose top category is about to be overtaken by another category's products.
      const [member] = await execute<{ member_id: number; top: string[] }>(
        database().db,
        sql`select p.member_id, mm.top_categories as top from member_preferences p join member_metrics mm using (member_id)
            where cardinality(mm.top_categories) > 0 order by p.member_id limit 1`,
      );
      if (!member) throw new Error('no member with preferences');
      const products = await execute<{ id: number }>(
        database().db,
        sql`select p.id from products p join categories c on c.id = p.category_id
            where c.code <> all(${`{${member.top.join(',')}}`}::text[]) order by p.id limit 3`,
      );
      const types = ['product_view', 'add_to_cart', 'favorite'] as const;
      const events = Array.from({ length: 45 }, (_, i) => ({
        type: types[i % 3] as (typeof types)[number],
        clientEventId: `pref-${kind}-${i}`,
        occurredAt: new Date(at.getTime() - (45 - i) * 60_000).toISOString(),
        productId: (products[i % products.length] as { id: number }).id,
      }));
      const before = await preferenceState(database().db, member.member_id);
      const response = await recordEvents(database(), member.member_id, events, at);
      expect(response.accepted).toBe(45);
      const after = await preferenceState(database().db, member.member_id);
      expect(new Date(after?.scores_at ?? 0).getTime()).toBe(at.getTime());
      expect(after?.category_codes).not.toEqual(before?.category_codes);
      const live = await metricsRow(database().db, member.member_id);
      expect(live.top_categories).not.toEqual(member.top);

      const outcome = withTransaction(
        database(),
        async (tx) => {
          await refreshSegments(tx, { asOf: at, reuseStoredStats: true });
          const rebuilt = await metricsRow(tx, member.member_id);
          expect(rebuilt).toMatchObject({
            top_categories: live.top_categories,
            top_brands: live.top_brands,
            price_band: live.price_band,
            behaviour: live.behaviour,
          });
          expectSameScores(after, await preferenceState(tx, member.member_id));
          throw new RollBack();
        },
        { retries: 0 },
      );
      await expect(outcome).rejects.toBeInstanceOf(RollBack);
    }, 120_000);

    it('event batches and paid orders of one member running at once both reach the stored scores, without deadlock', async () => {
      const at = addDays(REFRESHED_AT, 5);
      const [member] = await execute<{ member_id: number }>(
        database().db,
        sql`select member_id from member_preferences order by member_id desc limit 1`,
      );
      if (!member) throw new Error('no member with preferences');
      const [product] = await execute<{ id: number }>(database().db, sql`select id from products order by id limit 1`);
      const rounds = Array.from({ length: 12 }, (_, i) => i);
      const results = await Promise.allSettled(
        rounds.flatMap((i) => [
          recordEvents(
            database(),
            member.member_id,
            [
              {
                type: 'product_view' as const,
                clientEventId: `race-${kind}-${i}`,
                occurredAt: new Date(at.getTime() - i * 1000).toISOString(),
                productId: product?.id ?? 1,
              },
            ],
            at,
          ),
          withTransaction(database(), async (tx) => {
            const order: NewOrder = { member: 0, daysAgo: 0, amountFen: 1000 + i, refund: 'none', line: i * 7 };
            const id = await insertPaidOrder(tx, member.member_id, order, at, `race-${kind}-${i}`);
            // The paid-order flow writes the member's aggregates first, then updates the rest.
            await tx.execute(sql`update member_metrics set updated_at = ${at} where member_id = ${member.member_id}`);
            await updateMemberDerived(tx, member.member_id, at, { counted: [id] });
          }),
        ]),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const live = await preferenceState(database().db, member.member_id);
      const liveRow = await metricsRow(database().db, member.member_id);
      const outcome = withTransaction(
        database(),
        async (tx) => {
          await refreshSegments(tx, { asOf: at, reuseStoredStats: true });
          expectSameScores(live, await preferenceState(tx, member.member_id));
          expect(await metricsRow(tx, member.member_id)).toMatchObject({
            top_categories: liveRow.top_categories,
            top_brands: liveRow.top_brands,
            price_band: liveRow.price_band,
          });
          throw new RollBack();
        },
        { retries: 0 },
      );
      await expect(outcome).rejects.toBeInstanceOf(RollBack);
    }, 120_000);
  });
}

interface PreferenceState {
  scores_at: Date | null;
  category_codes: string[];
  category_scores: number[];
  brand_codes: string[];
  brand_scores: number[];
  band_scores: number[];
}

async function preferenceState(tx: Executor, memberId: number): Promise<PreferenceState | null> {
  const [row] = await execute<PreferenceState & Record<string, unknown>>(
    tx,
    sql`select scores_at, category_codes, category_scores, brand_codes, brand_scores, band_scores
        from member_preferences where member_id = ${memberId}`,
  );
  return row ?? null;
}

/**
 * The same codes with the same scores, up to the rounding of float sums added in another order. No row (a
 * rebuild drops members without any signal) is the same as a row without scores.
 */
function expectSameScores(actualRow: PreferenceState | null, expectedRow: PreferenceState | null): void {
  const none = { category_codes: [], category_scores: [], brand_codes: [], brand_scores: [], band_scores: [0, 0, 0] };
  const actual = actualRow ?? { ...none, scores_at: null };
  const expected = expectedRow ?? { ...none, scores_at: null };
  if (actual.scores_at && expected.scores_at) {
    expect(new Date(actual.scores_at).getTime()).toBe(new Date(expected.scores_at).getTime());
  }
  expect(actual.category_codes).toEqual(expected.category_codes);
  expect(actual.brand_codes).toEqual(expected.brand_codes);
  const close = (a: number[], b: number[]) => {
    expect(a.length).toBe(b.length);
    a.forEach((value, i) =>
      expect(Math.abs(Number(value) - Number(b[i]))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(b[i])))),
    );
  };
  close(actual.category_scores, expected.category_scores);
  close(actual.brand_scores, expected.brand_scores);
  close(actual.band_scores, expected.band_scores);
}

/** The cut points and means of the latest refresh, which the one-member path scores against. */
async function storedLatestStats(tx: Tx) {
  const [row] = await execute<{ as_of: Date }>(tx, sql`select as_of from segment_stats order by id desc limit 1`);
  if (!row) throw new Error('no stored stats');
  return storedStats(tx, row.as_of);
}
