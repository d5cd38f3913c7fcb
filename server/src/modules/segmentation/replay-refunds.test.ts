import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { computeRfmBaseStats } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, type Database } from '../../db';
import { createTestDatabase, type TestDatabase } from '../../testing/database';
import { insertMember, insertSku } from '../../testing/fixtures';
import { expectedMetrics, loadHistories, rfmInputOf, storedMetrics, storedStats } from './expected-from-shared';
import { refreshSegments, segmentationConfigAt } from './index';

const MINUTE_MS = 60_000;
const START = new Date('2010-12-01T00:00:00Z');

interface RefundPlan {
  /** Share of what is still refundable, in percent (100: the rest of the order). */
  percent: number;
  /** Settled this many minutes after the payment. */
  afterMinutes: number;
}

interface OrderPlan {
  member: number;
  paidMinute: number;
  amountFen: number;
  sku: number;
  refunds: RefundPlan[];
  /** Part of the refunded amount recorded on the order without refund rows, in percent of what is left. */
  unrecordedPercent: number;
}

interface Shop {
  members: number;
  orders: OrderPlan[];
  asOfMinute: number;
  /** When set, the as-of instant is the settled time of this refund (modulo their count), to hit `<=` exactly. */
  asOfAtRefund: number | null;
  laterMinutes: number;
}

const refundPlan = fc.record({
  percent: fc.oneof(fc.constant(100), fc.integer({ min: 1, max: 100 })),
  afterMinutes: fc.integer({ min: 0, max: 200 * 1440 }),
});
const orderPlan = fc.record({
  member: fc.nat(),
  paidMinute: fc.integer({ min: 0, max: 500 * 1440 }),
  amountFen: fc.integer({ min: 1, max: 80_000 }),
  sku: fc.integer({ min: 0, max: 2 }),
  refunds: fc.array(refundPlan, { maxLength: 3 }),
  unrecordedPercent: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 100 })),
});
const shop = fc.record({
  members: fc.integer({ min: 1, max: 8 }),
  orders: fc.array(orderPlan, { maxLength: 30 }),
  asOfMinute: fc.integer({ min: 0, max: 720 * 1440 }),
  asOfAtRefund: fc.option(fc.nat(), { nil: null }),
  laterMinutes: fc.integer({ min: 0, max: 200 * 1440 }),
});

const at = (minute: number) => new Date(START.getTime() + minute * MINUTE_MS);

/** What a refresh derives from the orders alone (the order aggregates and the classifications built on them). */
function fromOrders(metrics: Record<string, unknown>) {
  const { topCategories: _c, topBrands: _b, priceBand: _p, ...rest } = metrics;
  return rest;
}

for (const kind of DATABASE_KINDS) {
  describe(`segment replay counts only the refunds settled by asOf [${kind}]`, () => {
    let test: TestDatabase | undefined;
    const skus: { skuId: number; productId: number; code: string; priceFen: number }[] = [];
    const database = (): Database => {
      if (!test) throw new Error('the database is not ready');
      return test.database;
    };

    beforeAll(async () => {
      test = await createTestDatabase(kind);
      for (const [index, priceFen] of [900, 4_500, 30_000].entries()) {
        const code = `replay-${index}-${randomUUID().slice(0, 6)}`;
        skus.push({ ...(await insertSku(test.database.db, { priceFen, categoryCode: code })), code, priceFen });
      }
    }, 120_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    /** Replaces every member and order with the shop's; returns the member ids. */
    async function load(plan: Shop): Promise<{ refundTimes: Date[]; paidAndRefunded: [Date, Date][] }> {
      const db = database().db;
      await db.execute(sql`truncate members restart identity cascade`);
      const members: number[] = [];
      for (let i = 0; i < plan.members; i++) {
        const id = await insertMember(db, {});
        await db.execute(sql`insert into member_metrics (member_id) values (${id}) on conflict do nothing`);
        members.push(id);
      }
      const refundTimes: Date[] = [];
      const paidAndRefunded: [Date, Date][] = [];
      for (const [index, order] of plan.orders.entries()) {
        const member = members[order.member % members.length] ?? 0;
        const sku = skus[order.sku] ?? skus[0];
        if (!sku) throw new Error('no sku');
        const paidAt = at(order.paidMinute);
        let left = order.amountFen;
        const refunds: { amountFen: number; settledAt: Date }[] = [];
        for (const refund of order.refunds) {
          if (left === 0) break;
          const amountFen = Math.max(1, Math.floor((left * refund.percent) / 100));
          refunds.push({ amountFen, settledAt: new Date(paidAt.getTime() + refund.afterMinutes * MINUTE_MS) });
          left -= amountFen;
        }
        const unrecorded = Math.floor((left * order.unrecordedPercent) / 100);
        const refundedFen = order.amountFen - left + unrecorded;
        const status = refundedFen === order.amountFen ? 'refunded' : refundedFen > 0 ? 'partially_refunded' : ('paid' as const);
        const [row] = await execute<{ id: number }>(
          db,
          sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, refunded_fen,
                                  paid_at, created_at, updated_at)
              values (${`R${index}-${randomUUID().slice(0, 8)}`}, ${member}, 'pos', ${status}, ${order.amountFen},
                      ${order.amountFen}, ${order.amountFen}, ${refundedFen}, ${paidAt}, ${paidAt}, ${paidAt})
              returning id`,
        );
        const orderId = row?.id ?? 0;
        await db.execute(
          sql`insert into order_items (order_id, member_id, sku_id, product_id, title, category, unit_price_fen, quantity,
                                       line_total_fen, refunded_quantity, refunded_fen)
              values (${orderId}, ${member}, ${sku.skuId}, ${sku.productId}, 'item', ${sku.code}, ${order.amountFen}, 1,
                      ${order.amountFen}, ${refundedFen === order.amountFen ? 1 : 0}, ${refundedFen})`,
        );
        for (const [n, refund] of refunds.entries()) {
          refundTimes.push(refund.settledAt);
          paidAndRefunded.push([paidAt, refund.settledAt]);
          await db.execute(
            sql`insert into refunds (out_refund_no, order_id, member_id, amount_fen, status, succeeded_at, created_at, updated_at)
                values (${`RF${orderId}-${n}`}, ${orderId}, ${member}, ${refund.amountFen}, 'succeeded', ${refund.settledAt},
                        ${refund.settledAt}, ${refund.settledAt})`,
          );
        }
      }
      return { refundTimes, paidAndRefunded };
    }

    /** Every member's row after a refresh as of `asOf`, against the shared functions over what was known then. */
    async function compare(asOf: Date, fields: 'all' | 'orders') {
      const db = database().db;
      const config = await segmentationConfigAt(db, asOf);
      const histories = await loadHistories(db, asOf);
      const jsStats = computeRfmBaseStats(
        [...histories.values()].map((h) => rfmInputOf(h, asOf, config)),
        asOf,
        config.rfm,
      );
      expect(await storedStats(db, asOf)).toEqual(jsStats);
      const rows = await execute<Record<string, unknown> & { member_id: number }>(
        db,
        sql`select mm.*, f.recency_days from member_metrics mm join member_facts f on f.member_id = mm.member_id
            order by mm.member_id`,
      );
      expect(rows).toHaveLength(histories.size);
      for (const row of rows) {
        const history = histories.get(row.member_id);
        if (!history) throw new Error(`member ${row.member_id} has no history`);
        const { activityScore: _a, behaviour: _b, ...expected } = expectedMetrics(history, asOf, jsStats, config);
        const actual = storedMetrics(row);
        if (fields === 'all') expect(actual, `member ${row.member_id} as of ${asOf.toISOString()}`).toEqual(expected);
        else expect(fromOrders(actual), `member ${row.member_id}`).toEqual(fromOrders(expected));
      }
    }

    it('a customer active with R = 1 on 2011-06-30 stays so although the order was refunded later', async () => {
      const db = database().db;
      await load({ members: 1, orders: [], asOfMinute: 0, asOfAtRefund: null, laterMinutes: 0 });
      const [member] = await execute<{ id: number }>(db, sql`select id from members`);
      const orderAt = async (paidAt: Date, refundedAt: Date | null) => {
        const [row] = await execute<{ id: number }>(
          db,
          sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, refunded_fen,
                                  paid_at, created_at, updated_at)
              values (${`E-${randomUUID().slice(0, 8)}`}, ${member?.id}, 'pos', ${refundedAt ? 'refunded' : 'paid'}, 5000, 5000,
                      5000, ${refundedAt ? 5000 : 0}, ${paidAt}, ${paidAt}, ${paidAt})
              returning id`,
        );
        if (refundedAt) {
          await db.execute(
            sql`insert into refunds (out_refund_no, order_id, member_id, amount_fen, status, succeeded_at)
                values (${`E-${row?.id}`}, ${row?.id}, ${member?.id}, 5000, 'succeeded', ${refundedAt})`,
          );
        }
      };
      await orderAt(new Date('2011-03-22T10:00:00Z'), null);
      await orderAt(new Date('2011-06-29T10:00:00Z'), new Date('2011-07-20T08:00:00Z'));
      const asOf = new Date('2011-06-30T12:00:00Z');
      await refreshSegments(database(), { asOf });
      const [row] = await execute<{ recency_days: number; frequency_365: number; lifecycle: string }>(
        db,
        sql`select f.recency_days, mm.frequency_365, mm.lifecycle from member_metrics mm join member_facts f using (member_id)`,
      );
      expect(row).toEqual({ recency_days: 1, frequency_365: 2, lifecycle: 'active' });
      await compare(asOf, 'all');
      // After the refund settled the order no longer counts.
      const later = new Date('2011-07-21T00:00:00Z');
      await refreshSegments(database(), { asOf: later });
      const [after] = await execute<{ recency_days: number; frequency_365: number }>(
        db,
        sql`select f.recency_days, mm.frequency_365 from member_metrics mm join member_facts f using (member_id)`,
      );
      expect(after).toEqual({ recency_days: 120, frequency_365: 1 });
    });

    it('replays from history, then from the orders later on, as the shared functions over the refunds known then', async () => {
      let runs = 0;
      // Runs where a refund of an order paid by asOf settled after it: what the replay must not count.
      let straddling = 0;
      await fc.assert(
        fc.asyncProperty(shop, async (plan) => {
          runs++;
          const { refundTimes, paidAndRefunded } = await load(plan);
          const settledAt = plan.asOfAtRefund === null ? undefined : refundTimes[plan.asOfAtRefund % refundTimes.length];
          const asOf = settledAt ?? at(plan.asOfMinute);
          if (paidAndRefunded.some(([paid, settled]) => paid <= asOf && settled > asOf)) straddling++;
          await refreshSegments(database(), { asOf, source: 'history' });
          await compare(asOf, 'all');
          // The nightly path, later: refunds settled in between change the aggregates of their members.
          const later = new Date(asOf.getTime() + plan.laterMinutes * MINUTE_MS);
          await refreshSegments(database(), { asOf: later, source: 'orders' });
          await compare(later, 'orders');
        }),
        { numRuns: 30, endOnFailure: true },
      );
      expect(runs).toBeGreaterThanOrEqual(30);
      expect(straddling).toBeGreaterThanOrEqual(3);
    }, 600_000);
  });
}
