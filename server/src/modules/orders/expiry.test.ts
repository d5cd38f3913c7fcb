import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { insertCouponTemplate, insertSku } from '../../testing/fixtures';
import type { TestServer } from '../../testing/server';
import { expireUnpaidOrders, reconcilePendingPayments } from '../payments';
import { decryptPhone } from '../../security/phone-crypto';
import {
  ADDRESS,
  call,
  couponFor,
  memberWithSession,
  placeOrder,
  startServerLosingNotifications,
  type ServerLosingNotifications,
} from '../payments/checkout.fixtures';

const MINUTE = 60_000;

for (const kind of DATABASE_KINDS) {
  describe(`unpaid orders and lost notifications [${kind}]`, () => {
    let test: TestServer;
    let server: ServerLosingNotifications;
    beforeAll(async () => {
      server = await startServerLosingNotifications(kind);
      test = server.test;
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });
    const advance = (ms: number) => server.advance(ms);

    it('expires an unpaid order after 15 minutes and gives back its stock, coupon and points', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test, { points: 3_000 });
      const { skuId } = await insertSku(db, { priceFen: 25_000, stock: 4 });
      const couponId = await couponFor(db, memberId, server.now());
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 3 }], couponId, pointsToUse: 2_000 });
      expect((await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers })).status).toBe(200);
      const state = async () => {
        const [row] = await execute(
          db,
          sql`select (select stock from skus where id = ${skuId}) as stock, (select status from coupons where id = ${couponId}) as coupon,
                     (select status from orders where id = ${order.id}) as status,
                     (select points_balance from member_metrics where member_id = ${memberId}) as balance,
                     (select coalesce(sum(remaining_points), 0) from points_batches where member_id = ${memberId})::int8 as remaining`,
        );
        return row;
      };
      expect(await state()).toEqual({ stock: 1, coupon: 'locked', status: 'pending', balance: 1_000, remaining: 1_000 });

      expect(await expireUnpaidOrders(test.server, advance(14 * MINUTE))).toMatchObject({ expired: 0 });
      const result = await expireUnpaidOrders(test.server, advance(2 * MINUTE));
      expect(result).toEqual({ expired: 1, wechatClosed: 1, wechatCloseFailed: 0, paidAtClose: 0 });
      expect(await state()).toEqual({ stock: 4, coupon: 'available', status: 'expired', balance: 3_000, remaining: 3_000 });
      expect(await expireUnpaidOrders(test.server, advance(MINUTE))).toMatchObject({ expired: 0 });
      expect(await state()).toMatchObject({ balance: 3_000 });
      expect((await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers })).status).toBe(409);
    });

    it('pays an order whose notification was lost when reconciling with WeChat', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test);
      const { skuId } = await insertSku(db, { priceFen: 12_000 });
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      expect((await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers })).status).toBe(200);
      server.loseNotifications(true);
      try {
        const complete = await call<{ notification: { delivered: boolean } }>(
          test,
          'POST',
          `/sandbox/pay/${order.orderNo}/complete`,
        );
        expect(complete.body.notification.delivered).toBe(false);
      } finally {
        server.loseNotifications(false);
      }
      expect((await call<{ status: string }>(test, 'GET', `/api/orders/${order.id}`, { headers })).body.status).toBe('pending');

      expect(await reconcilePendingPayments(test.server, server.now())).toMatchObject({ paid: 0 });
      const result = await reconcilePendingPayments(test.server, advance(2 * MINUTE));
      expect(result).toMatchObject({ paid: 1, failed: 0 });
      expect((await call<{ status: string }>(test, 'GET', `/api/orders/${order.id}`, { headers })).body.status).toBe('paid');
      const [points] = await execute(db, sql`select points_balance from member_metrics where member_id = ${memberId}`);
      expect(points).toEqual({ points_balance: 120 });
      expect(await reconcilePendingPayments(test.server, advance(2 * MINUTE))).toMatchObject({ paid: 0 });
    }, 20_000);

    it('marks an order with nothing left to pay as paid without WeChat', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test);
      const { skuId } = await insertSku(db, { priceFen: 10_000 });
      const template = await insertCouponTemplate(db, { type: 'no_threshold', thresholdFen: 0, amountOffFen: 10_000 });
      const couponId = await couponFor(db, memberId, server.now(), template);
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }], couponId });
      expect(order.payableFen).toBe(0);
      const pay = await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers });
      expect(pay.body).toEqual({ orderId: order.id, status: 'paid', paid: true, requestPayment: null });
      const [row] = await execute(
        db,
        sql`select (select status from coupons where id = ${couponId}) as coupon,
                   (select orders_total from member_metrics where member_id = ${memberId}) as orders`,
      );
      expect(row).toEqual({ coupon: 'used', orders: 1 });
    });

    it('keeps the recipient phone encrypted in the order and shows it masked', async () => {
      const { headers } = await memberWithSession(test, { points: 0 });
      const { skuId } = await insertSku(test.testDatabase.database.db, { priceFen: 1_000, stock: 2 });
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      const [stored] = await execute<{ address: string }>(
        test.testDatabase.database.db,
        sql`select address::text as address from orders where id = ${order.id}`,
      );
      expect(stored?.address).not.toContain(ADDRESS.phone);
      const sealed = JSON.parse(stored?.address ?? '{}') as { phoneCipher: string; phoneMasked: string };
      expect(decryptPhone(sealed.phoneCipher, test.server.wechat.phoneKeys)).toBe(ADDRESS.phone);
      const view = await call<{ address: Record<string, unknown> }>(test, 'GET', `/api/orders/${order.id}`, { headers });
      expect(view.body.address).toMatchObject({ name: ADDRESS.name, phoneMasked: '138****8000' });
      expect(JSON.stringify(view.body)).not.toContain(ADDRESS.phone);
      expect(view.body.address).not.toHaveProperty('phoneCipher');
    });
  });
}
