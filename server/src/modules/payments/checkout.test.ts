import { sql } from 'drizzle-orm';
import type { WechatLoginResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { insertCouponTemplate, insertSku } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerAuthRoutes } from '../auth';
import {
  ADDRESS,
  call,
  creditOpeningPoints,
  couponFor,
  memberWithSession,
  payThroughSandbox,
  placeOrder,
  registerMoneyRoutes,
  signedTransactionNotification,
} from './checkout.fixtures';

async function one<T extends Record<string, unknown>>(test: TestServer, query: ReturnType<typeof sql>): Promise<T> {
  const [row] = await execute<T>(test.testDatabase.database.db, query);
  if (!row) throw new Error('no row');
  return row;
}

const balanceAndLedger = (test: TestServer, memberId: number) =>
  one<{ balance: number; ledger: number }>(
    test,
    sql`select (select points_balance from member_metrics where member_id = ${memberId})::int8 as balance,
               (select coalesce(sum(points), 0) from points_ledger where member_id = ${memberId})::int8 as ledger`,
  );

for (const kind of DATABASE_KINDS) {
  describe(`checkout and WeChat Pay [${kind}]`, () => {
    let test: TestServer;
    beforeAll(async () => {
      test = await startTestServer(kind, {
        registerRoutes: (api, context) => {
          registerAuthRoutes(api, context);
          registerMoneyRoutes(api, context);
        },
      });
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('orders with a coupon and points, pays through the sandbox, earns points at the tier multiplier and upgrades the tier', async () => {
      const db = test.testDatabase.database.db;
      const login = await call<WechatLoginResponse>(test, 'POST', '/api/auth/wechat', { body: { code: 'sandbox-shopper' } });
      expect(login.status).toBe(200);
      const memberId = login.body.member.id;
      const headers = { authorization: `Bearer ${login.body.token}` };
      await creditOpeningPoints(test, memberId, 5_000);
      const { skuId } = await insertSku(db, { priceFen: 60_000, stock: 10 });
      const couponId = await couponFor(db, memberId, test.server.clock());

      const first = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }], couponId, pointsToUse: 1_000 });
      expect(first.payableFen).toBe(60_000 - 2_000 - 1_000);
      const held = await one<{ stock: number; coupon: string }>(
        test,
        sql`select (select stock from skus where id = ${skuId}) as stock, (select status from coupons where id = ${couponId}) as coupon`,
      );
      expect(held).toEqual({ stock: 9, coupon: 'locked' });
      expect(await balanceAndLedger(test, memberId)).toEqual({ balance: 4_000, ledger: 4_000 });

      await payThroughSandbox(test, headers, first);
      const paid = await call<{ status: string; paidFen: number }>(test, 'GET', `/api/orders/${first.id}`, { headers });
      expect(paid.body).toMatchObject({ status: 'paid', paidFen: 57_000 });
      expect(await balanceAndLedger(test, memberId)).toEqual({ balance: 4_570, ledger: 4_570 });
      expect(await one(test, sql`select status from coupons where id = ${couponId}`)).toEqual({ status: 'used' });

      // ¥570 + ¥600 crosses ¥1,000: silver, but this order still earns at the normal multiplier.
      const second = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      await payThroughSandbox(test, headers, second);
      expect(await balanceAndLedger(test, memberId)).toEqual({ balance: 5_170, ledger: 5_170 });
      const tier = await one<{ tier: string; history: number; growth: number }>(
        test,
        sql`select m.tier, (select count(*) from tier_history h where h.member_id = m.id and h.to_tier = 'silver'
                              and h.from_tier = 'normal' and h.order_id = ${second.id})::int8 as history,
                   (select growth_value_fen from member_metrics where member_id = m.id) as growth
            from members m where m.id = ${memberId}`,
      );
      expect(tier).toEqual({ tier: 'silver', history: 1, growth: 117_000 });

      const third = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      await payThroughSandbox(test, headers, third);
      expect((await balanceAndLedger(test, memberId)).balance).toBe(5_170 + 720);
      const metrics = await one(
        test,
        sql`select orders_total, spend_total_fen,
                   (select array_agg(kind order by kind) from member_triggers where member_id = ${memberId}) as triggers
            from member_metrics where member_id = ${memberId}`,
      );
      expect(metrics).toEqual({ orders_total: 3, spend_total_fen: 177_000, triggers: ['first_purchase', 'tier_up'] });
    });

    it('credits points once when the same notification arrives five times at once', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test);
      const { skuId } = await insertSku(db, { priceFen: 20_000 });
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      expect((await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers })).status).toBe(200);
      const [openid] = await execute<{ openid: string }>(db, sql`select openid from members where id = ${memberId}`);
      const notice = await signedTransactionNotification(test, {
        outTradeNo: order.orderNo,
        totalFen: order.payableFen,
        openid: openid?.openid ?? '',
      });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${test.url}/api/pay/notify`, { method: 'POST', headers: notice.headers, body: notice.body }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204, 204, 204]);

      const { notificationId } = await (async () => {
        const again = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
        return payThroughSandbox(test, headers, again);
      })();
      const redelivered = await Promise.all(
        Array.from({ length: 5 }, () =>
          call<{ delivered: boolean }>(test, 'POST', `/sandbox/_notifications/${notificationId}/redeliver`),
        ),
      );
      expect(redelivered.every((answer) => answer.body.delivered)).toBe(true);

      const counts = await one(
        test,
        sql`select (select count(*) from points_ledger where member_id = ${memberId} and kind = 'earn')::int8 as earns,
                   (select count(*) from payments where member_id = ${memberId} and status = 'succeeded')::int8 as payments,
                   (select orders_total from member_metrics where member_id = ${memberId}) as orders`,
      );
      expect(counts).toEqual({ earns: 2, payments: 2, orders: 2 });
      expect(await balanceAndLedger(test, memberId)).toEqual({ balance: 400, ledger: 400 });
    });

    it('rejects a tampered notification with 401 and changes nothing; refuses a wrong amount', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test);
      const { skuId } = await insertSku(db, { priceFen: 15_000 });
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers });
      const notice = await signedTransactionNotification(test, {
        outTradeNo: order.orderNo,
        totalFen: order.payableFen,
        openid: 'x',
      });
      const flipped = notice.body.replace(/"ciphertext":"(.)/, (_m, c: string) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`);
      expect(flipped).not.toBe(notice.body);
      const tampered = await fetch(`${test.url}/api/pay/notify`, { method: 'POST', headers: notice.headers, body: flipped });
      expect(tampered.status).toBe(401);
      expect(await tampered.json()).toMatchObject({ code: 'FAIL' });

      const wrongAmount = await signedTransactionNotification(test, {
        outTradeNo: order.orderNo,
        totalFen: order.payableFen - 1,
        openid: 'x',
      });
      const refused = await fetch(`${test.url}/api/pay/notify`, {
        method: 'POST',
        headers: wrongAmount.headers,
        body: wrongAmount.body,
      });
      expect(refused.status).toBe(204);
      const state = await one(
        test,
        sql`select o.status, o.paid_fen,
                   (select count(*) from points_ledger l where l.member_id = o.member_id)::int8 as entries,
                   (select count(*) from audit_log a where a.action = 'payment.amount_mismatch' and a.target_id = ${String(order.id)})::int8 as audits
            from orders o where o.id = ${order.id} and o.member_id = ${memberId}`,
      );
      expect(state).toEqual({ status: 'pending', paid_fen: 0, entries: 0, audits: 1 });
    });

    it('refuses an order when one SKU is short, reserving nothing; the same clientOrderKey returns the same order', async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test, { points: 1_000 });
      const plenty = await insertSku(db, { priceFen: 5_000, stock: 5 });
      const scarce = await insertSku(db, { priceFen: 5_000, stock: 1 });
      const couponId = await couponFor(db, memberId, test.server.clock(), await insertCouponTemplate(db, { thresholdFen: 0 }));
      const refused = await call<{ error: { code: string; message: string; fields: unknown[] } }>(test, 'POST', '/api/orders', {
        headers,
        body: {
          items: [
            { skuId: plenty.skuId, quantity: 2 },
            { skuId: scarce.skuId, quantity: 2 },
          ],
          couponId,
          pointsToUse: 100,
          address: ADDRESS,
        },
      });
      expect(refused.status).toBe(409);
      const { title } = await one<{ title: string }>(
        test,
        sql`select p.title || ' ' || s.title as title from skus s join products p on p.id = s.product_id where s.id = ${scarce.skuId}`,
      );
      expect(refused.body.error).toEqual({
        code: 'SOLD_OUT',
        message: `「${title}」库存不足，仅剩 1 件`,
        fields: [{ field: 'body.items.1.skuId', message: '库存不足，仅剩 1 件' }],
      });
      const untouched = await one(
        test,
        sql`select (select stock from skus where id = ${plenty.skuId}) as plenty, (select stock from skus where id = ${scarce.skuId}) as scarce,
                   (select status from coupons where id = ${couponId}) as coupon,
                   (select count(*) from orders where member_id = ${memberId})::int8 as orders`,
      );
      expect(untouched).toEqual({ plenty: 5, scarce: 1, coupon: 'available', orders: 0 });
      expect(await balanceAndLedger(test, memberId)).toEqual({ balance: 1_000, ledger: 1_000 });

      const body = { items: [{ skuId: plenty.skuId, quantity: 1 }], clientOrderKey: 'tap-0001-retry' };
      const [a, b] = await Promise.all([placeOrder(test, headers, body), placeOrder(test, headers, body)]);
      expect(a.id).toBe(b.id);
      expect(await one(test, sql`select stock from skus where id = ${plenty.skuId}`)).toEqual({ stock: 4 });
    });

    it('answers 400 naming the field on every endpoint, writing nothing', async () => {
      const { memberId, headers } = await memberWithSession(test);
      const cases: [string, string, unknown, string][] = [
        ['POST', '/api/orders', { items: [{ skuId: 1, quantity: 0 }], address: {} }, 'body.items.0.quantity'],
        ['GET', '/api/orders?status=lost', undefined, 'query.status'],
        ['GET', '/api/orders/abc', undefined, 'params.id'],
        ['POST', '/api/orders/abc/pay', undefined, 'params.id'],
      ];
      for (const [method, path, body, field] of cases) {
        const answer = await call<{ error: { fields: { field: string }[] } }>(test, method as 'GET' | 'POST', path, {
          headers,
          body,
        });
        expect(answer.status, path).toBe(400);
        expect(answer.body.error.fields.map((f) => f.field)).toContain(field);
      }
      expect(await one(test, sql`select count(*)::int8 as n from orders where member_id = ${memberId}`)).toEqual({ n: 0 });
    });

    it('documents every money route in the OpenAPI document', async () => {
      const { body } = await call<{ paths: Record<string, unknown> }>(test, 'GET', '/api/openapi.json');
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/api/orders',
          '/api/orders/{id}',
          '/api/orders/{id}/pay',
          '/api/pay/notify',
          '/api/staff/orders/{id}/refunds',
          '/api/me/points',
          '/api/me/sign-in',
          '/api/me/points/redeem',
        ]),
      );
    });
  });
}
