import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { FLASH_SALE_ADDRESS, newShoppersWithSessions, runFlashSale, type FlashSaleResult } from '../../testing/flash-sale';
import { insertSku } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { expireUnpaidOrders } from '../payments';
import { call, payThroughSandbox, registerMoneyRoutes } from '../payments/checkout.fixtures';

const SHOPPERS = 500;
const STOCK = 100;
const MINUTE = 60_000;

const figures = (result: FlashSaleResult) =>
  `${result.accepted} accepted, ${result.soldOut} sold out, other ${JSON.stringify(result.otherErrors)}, ` +
  `${result.seconds} s, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms`;

for (const kind of DATABASE_KINDS) {
  describe(`flash sale (秒杀): ${SHOPPERS} shoppers at once, one SKU with ${STOCK} in stock [${kind}]`, () => {
    let test: TestServer;
    let now = new Date();
    beforeAll(async () => {
      // The server's own pool with the production size and limits, so queueing and timeouts are the real ones.
      test = await startTestServer(kind, { now, ownPool: true, registerRoutes: registerMoneyRoutes });
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('sells exactly the stock, tells everyone else it is sold out, and sells expired orders’ stock again', async () => {
      const db = test.testDatabase.database.db;
      const { skuId } = await insertSku(db, { priceFen: 9_900, stock: STOCK });
      const shoppers = await newShoppersWithSessions(db, SHOPPERS, now);
      const keyOf = (shopper: number) => `flash-first-${shopper}`;

      const sale = await runFlashSale({ baseUrl: test.url, shoppers, skuId, db, clientOrderKey: keyOf });
      if (process.env.REPORT_FIGURES) console.info(`[${kind}] flash sale: ${figures(sale)}`);
      expect({
        accepted: sale.accepted,
        soldOut: sale.soldOut,
        otherErrors: sale.otherErrors,
        oversold: sale.oversold,
        stockAfter: sale.stockAfter,
        stockConsistent: sale.stockConsistent,
      }).toEqual({
        accepted: STOCK,
        soldOut: SHOPPERS - STOCK,
        otherErrors: {},
        oversold: 0,
        stockAfter: 0,
        stockConsistent: true,
      });
      const refused = sale.answers.filter((answer) => answer.status !== 201);
      expect(new Set(refused.map((answer) => `${answer.status} ${answer.code} ${answer.message}`))).toEqual(
        new Set(refused.map(() => `409 SOLD_OUT ${refused[0]?.message}`)),
      );
      expect(refused[0]?.message).toMatch(/已售罄/);

      const winners = sale.answers.filter((answer) => answer.status === 201);
      const placed = await execute<{ id: number; member_id: number; status: string; order_no: string; quantity: number }>(
        db,
        sql`select o.id, o.member_id, o.status, o.order_no, i.quantity from orders o join order_items i on i.order_id = o.id
            where i.sku_id = ${skuId} order by o.id`,
      );
      expect(placed).toHaveLength(STOCK);
      expect(placed.every((order) => order.status === 'pending' && order.quantity === 1)).toBe(true);
      expect(new Set(placed.map((order) => order.member_id)).size).toBe(STOCK);
      const memberOf = (shopper: number) => shoppers[shopper]?.memberId;
      expect(new Set(placed.map((order) => `${order.member_id}:${order.id}`))).toEqual(
        new Set(winners.map((answer) => `${memberOf(answer.shopper)}:${answer.orderId}`)),
      );

      // A retry with the same clientOrderKey returns the order placed (winner) or the same answer (sold out).
      const headersOf = (shopper: number) => ({ authorization: `Bearer ${shoppers[shopper]?.token}` });
      const retry = (shopper: number) =>
        call<{ id?: number; error?: { code: string } }>(test, 'POST', '/api/orders', {
          headers: headersOf(shopper),
          body: {
            items: [{ skuId, quantity: 1 }],
            address: FLASH_SALE_ADDRESS,
            clientOrderKey: keyOf(shopper),
          },
        });
      const [firstWinner, ...otherWinners] = winners;
      const [firstRefused] = refused;
      if (!firstWinner || !firstRefused) throw new Error('the sale had no winner or no refusal');
      expect(await retry(firstWinner.shopper)).toMatchObject({ status: 201, body: { id: firstWinner.orderId } });
      expect(await retry(firstRefused.shopper)).toMatchObject({ status: 409, body: { error: { code: 'SOLD_OUT' } } });

      // Three winners pay: nothing about the stock changes.
      const payers = otherWinners.slice(0, 3);
      for (const payer of payers) {
        const order = placed.find((row) => row.id === payer.orderId);
        if (!order) throw new Error('paid order not found');
        await payThroughSandbox(test, headersOf(payer.shopper), { id: order.id, orderNo: order.order_no });
      }
      // Two more open a WeChat order and leave it unpaid: the expiry closes it at WeChat first.
      for (const opener of otherWinners.slice(3, 5)) {
        expect(
          (await call(test, 'POST', `/api/orders/${opener.orderId}/pay`, { headers: headersOf(opener.shopper) })).status,
        ).toBe(200);
      }
      const stockAndStatuses = async () => {
        const [row] = await execute<{ stock: number; paid: number; pending: number; expired: number }>(
          db,
          sql`select (select stock from skus where id = ${skuId}) as stock,
                     count(*) filter (where o.status = 'paid')::int8 as paid,
                     count(*) filter (where o.status = 'pending')::int8 as pending,
                     count(*) filter (where o.status = 'expired')::int8 as expired
              from orders o join order_items i on i.order_id = o.id where i.sku_id = ${skuId}`,
        );
        return row;
      };
      expect(await stockAndStatuses()).toEqual({ stock: 0, paid: 3, pending: STOCK - 3, expired: 0 });

      // Past the 15 minutes the unpaid orders expire through the expiry job and their stock comes back.
      now = new Date(now.getTime() + 16 * MINUTE);
      test.setNow(now);
      const expiry = await expireUnpaidOrders(test.server, now);
      expect(expiry).toEqual({ expired: STOCK - 3, wechatClosed: 2, wechatCloseFailed: 0, paidAtClose: 0 });
      expect(await stockAndStatuses()).toEqual({ stock: STOCK - 3, paid: 3, pending: 0, expired: STOCK - 3 });

      // Everyone who was refused tries again at once: exactly the released stock is sold.
      const losers = refused.map((answer) => answer.shopper);
      const again = await runFlashSale({
        baseUrl: test.url,
        shoppers: losers.map((shopper) => shoppers[shopper] ?? { token: '' }),
        skuId,
        db,
      });
      if (process.env.REPORT_FIGURES) console.info(`[${kind}] flash sale, released stock: ${figures(again)}`);
      expect({
        accepted: again.accepted,
        soldOut: again.soldOut,
        otherErrors: again.otherErrors,
        oversold: again.oversold,
      }).toEqual({
        accepted: STOCK - 3,
        soldOut: losers.length - (STOCK - 3),
        otherErrors: {},
        oversold: 0,
      });
      expect(await stockAndStatuses()).toEqual({ stock: 0, paid: 3, pending: STOCK - 3, expired: STOCK - 3 });
      const [perMember] = await execute<{ most: number; negative: number }>(
        db,
        sql`select coalesce(max(n), 0)::int8 as most, (select count(*) from skus where stock < 0)::int8 as negative
            from (select count(*) as n from orders o join order_items i on i.order_id = o.id
                  where i.sku_id = ${skuId} and o.status in ('pending', 'paid') group by o.member_id) live`,
      );
      expect(perMember).toEqual({ most: 1, negative: 0 });
    }, 180_000);
  });
}
