import { sql } from 'drizzle-orm';
import type { OrderListResponse as OrderListSchema } from '@member-ops/shared';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, type Executor } from '../../db';
import { insertSku } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { call, memberWithSession, registerMoneyRoutes } from '../payments/checkout.fixtures';

type OrderListResponse = z.infer<typeof OrderListSchema>;

const NOW = new Date('2026-11-20T04:00:00Z');

/** Writes `count` paid orders of one member, three to a created_at (so ties are ordered by id), one line each. */
async function insertOrders(db: Executor, memberId: number, count: number): Promise<number[]> {
  const { skuId, productId } = await insertSku(db);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(NOW.getTime() - (count - Math.floor(i / 3)) * 60_000);
    const [order] = await execute<{ id: number }>(
      db,
      sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, created_at, paid_at)
          values (${`T${memberId}N${i}`}, ${memberId}, 'mini_program', 'paid', 1000, 1000, 1000, ${createdAt}, ${createdAt})
          returning id`,
    );
    if (!order) throw new Error('order insert returned nothing');
    await execute(
      db,
      sql`insert into order_items (order_id, member_id, sku_id, product_id, title, category, unit_price_fen, quantity, line_total_fen)
          values (${order.id}, ${memberId}, ${skuId}, ${productId}, 'T', 'tea', 1000, 1, 1000)`,
    );
    ids.push(Number(order.id));
  }
  return ids;
}

for (const kind of DATABASE_KINDS) {
  describe(`the member's order list [${kind}]`, () => {
    let test: TestServer;
    beforeAll(async () => {
      test = await startTestServer(kind, { registerRoutes: registerMoneyRoutes, now: NOW });
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    const list = (headers: Record<string, string>, query: string) =>
      call<OrderListResponse & { error?: { fields?: { field: string }[] } }>(test, 'GET', `/api/orders?${query}`, { headers });

    it('pages by cursor through every order newest first, the same as by page number, and says when it is the last page', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test);
      const other = await memberWithSession(test);
      const ids = await insertOrders(db, memberId, 25);
      await insertOrders(db, other.memberId, 4);
      // Newest first; orders made in the same minute newest id first.
      const expected = [...ids].reverse();

      const byCursor: number[] = [];
      let cursor: string | null = null;
      const pages: OrderListResponse[] = [];
      do {
        const page = await list(headers, `pageSize=10${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        pages.push(page.body);
        byCursor.push(...page.body.orders.map((order) => order.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null && pages.length < 10);
      expect(pages.map((page) => page.orders.length)).toEqual([10, 10, 5]);
      expect(pages.every((page) => page.total === 25)).toBe(true);
      expect(byCursor).toEqual(expected);

      const byNumber: number[] = [];
      for (const page of [1, 2, 3]) {
        const answer = await list(headers, `pageSize=10&page=${page}`);
        byNumber.push(...answer.body.orders.map((order) => order.id));
        expect(answer.body.nextCursor === null).toBe(page === 3);
      }
      expect(byNumber).toEqual(expected);
      expect(pages[0]?.orders[0]).toMatchObject({ itemCount: 1, refundedOrRefunding: false, status: 'paid' });
    });

    it('a cursor from another member’s list shows none of their orders; a malformed one is a 400 naming the field', async () => {
      const db = test.testDatabase.database.db;
      const { headers } = await memberWithSession(test);
      const other = await memberWithSession(test);
      await insertOrders(db, other.memberId, 3);
      const [theirs] = await execute<{ id: number }>(
        db,
        sql`select id from orders where member_id = ${other.memberId} order by id desc limit 1`,
      );
      const foreign = await list(headers, `cursor=${theirs?.id}`);
      expect(foreign.status).toBe(200);
      expect(foreign.body).toMatchObject({ orders: [], nextCursor: null, total: 0 });

      for (const bad of ['abc', '0', '-1', '1.5', '12345678901234567']) {
        const answer = await list(headers, `cursor=${bad}`);
        expect(answer.status).toBe(400);
        expect(answer.body.error?.fields?.map((detail) => detail.field)).toContain('query.cursor');
      }
    });
  });
}
