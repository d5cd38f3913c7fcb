import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from './db';
import { registerAuthRoutes } from './modules/auth';
import { call, signIn } from './modules/auth/auth.testing';
import { registerMeRoutes } from './modules/me/me.routes';
import { memberWithSession, placeOrder, registerMoneyRoutes } from './modules/payments/checkout.fixtures';
import { adaptersThrough, startFaultyWechat, type FaultyWechat } from './testing/faulty-wechat';
import { insertSku } from './testing/fixtures';
import { startTestServer, type TestServer } from './testing/server';

for (const kind of DATABASE_KINDS) {
  describe(`shopper requests while WeChat does not answer [${kind}]`, () => {
    let test: TestServer;
    let faulty: FaultyWechat | undefined;
    let restore: (() => void) | undefined;
    const db = () => test.testDatabase.database.db;
    const unavailable = (message: string) => ({
      status: 503,
      retryAfter: '5',
      body: { error: { code: 'UNAVAILABLE', message } },
    });
    const answer = (r: { status: number; body: { error?: { code: string; message: string } }; headers: Headers }) => ({
      status: r.status,
      retryAfter: r.headers.get('retry-after'),
      body: { error: { code: r.body.error?.code, message: r.body.error?.message } },
    });

    beforeAll(async () => {
      test = await startTestServer(kind, {
        env: { WECHAT_CONNECT_TIMEOUT_MS: '1500', WECHAT_TIMEOUT_MS: '3000' },
        registerRoutes: (api, context) => {
          registerAuthRoutes(api, context);
          registerMeRoutes(api, context);
          registerMoneyRoutes(api, context);
        },
      });
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });
    afterEach(async () => {
      restore?.();
      restore = undefined;
      await faulty?.close();
    });

    it('takes its WeChat limits from the configuration', () => {
      expect(test.server.config.wechat.timeouts).toEqual({ connectMs: 1500, totalMs: 3000 });
    });

    it('sign-in answers 503 with Retry-After and a Chinese message when jscode2session never answers; nothing is written', async () => {
      faulty = await startFaultyWechat(test.url);
      faulty.inject('/sns/jscode2session', 'silent');
      restore = await adaptersThrough(test, faulty.baseUrl);
      const login = await call<{ error?: { code: string; message: string } }>(test.url, 'POST', '/api/auth/wechat', undefined, {
        code: 'sandbox-hanging',
      });
      expect(answer(login)).toEqual(unavailable('微信登录暂时不可用，请稍后重试'));
      const [members] = await execute<{ n: number }>(
        db(),
        sql`select count(*)::int as n from members where openid = 'o_sandbox_hanging'`,
      );
      expect(members?.n).toBe(0);
      // The code never reached WeChat, so it still works once WeChat answers.
      faulty.releaseHeld();
      restore();
      restore = undefined;
      expect((await signIn(test.url, 'sandbox-hanging')).member.isNew).toBe(true);
    });

    it('binding a phone answers 503 when WeChat got the code and answers only after the limit; no phone is stored', async () => {
      const { token, member } = await signIn(test.url, 'sandbox-phoneless');
      faulty = await startFaultyWechat(test.url);
      faulty.inject('/wxa/business/getuserphonenumber', 'no-answer');
      restore = await adaptersThrough(test, faulty.baseUrl);
      const bind = await call<{ error?: { code: string; message: string } }>(test.url, 'POST', '/api/me/phone', token, {
        code: 'phone-13900139000',
      });
      expect(answer(bind)).toEqual(unavailable('微信手机号服务暂时不可用，请稍后重试'));
      expect(faulty.forwarded('/wxa/business/getuserphonenumber')).toBe(1);
      faulty.releaseHeld();
      const [row] = await execute<{ phone_tail: string | null }>(
        db(),
        sql`select phone_tail from members where id = ${member.id}`,
      );
      expect(row?.phone_tail).toBeNull();
    });

    it('paying answers 503 when the prepay timed out after reaching WeChat Pay; asked again, it reuses the out_trade_no and gets the same prepay', async () => {
      const { headers } = await memberWithSession(test);
      const sku = await insertSku(db(), { priceFen: 12_300 });
      const order = await placeOrder(test, headers, { items: [{ skuId: sku.skuId, quantity: 1 }] });
      faulty = await startFaultyWechat(test.url);
      faulty.inject('/v3/pay/transactions/jsapi', 'no-answer');
      restore = await adaptersThrough(test, faulty.baseUrl);
      const token = headers.authorization?.replace('Bearer ', '');
      const first = await call<{ error?: { code: string; message: string } }>(
        test.url,
        'POST',
        `/api/orders/${order.id}/pay`,
        token,
      );
      expect(answer(first)).toEqual(unavailable('微信支付暂时不可用，请稍后重试'));
      expect(faulty.forwarded('/v3/pay/transactions/jsapi')).toBe(1);
      const [payments] = await execute<{ n: number }>(
        db(),
        sql`select count(*)::int as n from payments where order_id = ${order.id}`,
      );
      expect(payments?.n).toBe(0);

      faulty.releaseHeld();
      const again = await call<{ requestPayment: { package: string } }>(test.url, 'POST', `/api/orders/${order.id}/pay`, token);
      expect(again.status).toBe(200);
      expect(faulty.forwarded('/v3/pay/transactions/jsapi')).toBe(2);
      const inspected = (await (await fetch(`${test.url}/sandbox/_inspect/pay`)).json()) as {
        orders: { out_trade_no: string }[];
      };
      expect(inspected.orders.filter((o) => o.out_trade_no === order.orderNo)).toHaveLength(1);
      const [stored] = await execute<{ prepay_id: string }>(
        db(),
        sql`select prepay_id from payments where order_id = ${order.id}`,
      );
      expect(again.body.requestPayment.package).toBe(`prepay_id=${stored?.prepay_id}`);
    });
  });
}
