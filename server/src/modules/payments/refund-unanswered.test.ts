import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { staffAccounts } from '../../db/schema';
import { createStaffSession } from '../../http/auth';
import { adaptersThrough, startFaultyWechat, type FaultyWechat, type WechatFault } from '../../testing/faulty-wechat';
import { insertSku } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { call, memberWithSession, payThroughSandbox, placeOrder, registerMoneyRoutes } from './checkout.fixtures';
import { resubmitPendingRefunds } from './index';

const REFUNDS_PATH = '/v3/refund/domestic/refunds';

for (const kind of DATABASE_KINDS) {
  describe(`refunds WeChat Pay does not answer [${kind}]`, () => {
    let test: TestServer;
    let faulty: FaultyWechat | undefined;
    let restore: (() => void) | undefined;
    const db = () => test.testDatabase.database.db;

    beforeAll(async () => {
      test = await startTestServer(kind, {
        env: { WECHAT_CONNECT_TIMEOUT_MS: '1500', WECHAT_TIMEOUT_MS: '3000' },
        registerRoutes: registerMoneyRoutes,
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

    /** The running server's WeChat adapters through a faulty stand-in that answers refunds with `fault`. */
    async function payThroughFaulty(fault: WechatFault): Promise<FaultyWechat> {
      const stand = await startFaultyWechat(test.url);
      stand.inject(REFUNDS_PATH, fault);
      restore = await adaptersThrough(test, stand.baseUrl);
      return stand;
    }

    async function operator(): Promise<Record<string, string>> {
      const [staff] = await db()
        .insert(staffAccounts)
        .values({ username: `operator-${randomUUID()}`, displayName: 'operator', passwordHash: 'x', role: 'operator' })
        .returning({ id: staffAccounts.id });
      const { token } = await createStaffSession(db(), staff?.id ?? 0, test.server.clock());
      return { authorization: `Bearer ${token}` };
    }

    async function paidOrder() {
      const { headers } = await memberWithSession(test);
      const sku = await insertSku(db(), { priceFen: 25_000 });
      const order = await placeOrder(test, headers, { items: [{ skuId: sku.skuId, quantity: 1 }] });
      await payThroughSandbox(test, headers, order);
      return order;
    }

    const wechatRefunds = async (orderNo: string) =>
      (
        (await (await fetch(`${test.url}/sandbox/_inspect/pay`)).json()) as {
          refunds: { out_trade_no: string; out_refund_no: string }[];
        }
      ).refunds.filter((refund) => refund.out_trade_no === orderNo);
    const ourRefunds = (orderId: number) =>
      execute<{ out_refund_no: string; status: string }>(
        db(),
        sql`select out_refund_no, status from refunds where order_id = ${orderId} order by id`,
      );
    const refundedFen = async (orderId: number) =>
      (await execute<{ refunded_fen: number }>(db(), sql`select refunded_fen from orders where id = ${orderId}`))[0]
        ?.refunded_fen;

    it.each<WechatFault>(['no-answer', 'silent'])(
      'a refund request WeChat Pay leaves unanswered (%s) stays pending, blocks a second refund and is asked again with its out_refund_no: refunded once',
      async (fault) => {
        const order = await paidOrder();
        const staff = await operator();
        faulty = await payThroughFaulty(fault);
        const first = await call<{ status: string; outRefundNo: string }>(test, 'POST', `/api/staff/orders/${order.id}/refunds`, {
          headers: staff,
          body: { amountFen: order.payableFen, reason: '顾客退货' },
        });
        expect(first.status).toBe(201);
        expect(first.body.status).toBe('pending');
        expect(faulty.received(REFUNDS_PATH)).toBe(1);
        expect(await wechatRefunds(order.orderNo)).toHaveLength(fault === 'silent' ? 0 : 1);
        // Asked again at the till, the money is still counted as on its way back: no second refund.
        const twice = await call(test, 'POST', `/api/staff/orders/${order.id}/refunds`, {
          headers: staff,
          body: { amountFen: order.payableFen, reason: '顾客退货' },
        });
        expect(twice.status).toBe(422);
        faulty.releaseHeld();
        restore?.();
        restore = undefined;

        // The job, a minute later, asks WeChat Pay again with the same out_refund_no (unless the notification settled it).
        const resubmitted = await resubmitPendingRefunds(test.server, new Date(Date.now() + 61_000));
        if (fault === 'silent') expect(resubmitted).toMatchObject({ accepted: 1, refused: 0, unanswered: 0 });
        await vi.waitFor(async () => expect((await ourRefunds(order.id)).map((r) => r.status)).toEqual(['succeeded']), {
          timeout: 20_000,
          interval: 100,
        });
        const refunds = await wechatRefunds(order.orderNo);
        expect(refunds.map((refund) => refund.out_refund_no)).toEqual([first.body.outRefundNo]);
        expect(await refundedFen(order.id)).toBe(order.payableFen);
        expect(await resubmitPendingRefunds(test.server, new Date(Date.now() + 120_000))).toMatchObject({ checked: 0 });
      },
      60_000,
    );
  });
}
