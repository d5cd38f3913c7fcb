import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { insertSku } from '../../testing/fixtures';
import type { TestServer } from '../../testing/server';
import { WechatPayError } from '../../wechat';
import { expirePendingOrders } from '../orders';
import {
  call,
  memberWithSession,
  placeOrder,
  signedTransactionNotification,
  startServerLosingNotifications,
  type ServerLosingNotifications,
} from './checkout.fixtures';
import { reconcilePendingPayments } from './reconcile';
import { CLOSE_GRACE_MS, expireUnpaidOrders } from './unpaid-expiry';

const MINUTE = 60_000;

interface OrderFacts extends Record<string, unknown> {
  id: number;
  status: string;
  payable_fen: number;
  refunded_ok_fen: number;
  refunds_open: number;
  refund_audits: number;
  member_id: number;
}

for (const kind of DATABASE_KINDS) {
  describe(`payments racing the expiry of unpaid orders [${kind}]`, () => {
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

    async function prepaidOrder(options: { skuId: number; points?: number; pointsToUse?: number }) {
      const { memberId, headers } = await memberWithSession(test, { points: options.points ?? 0 });
      const order = await placeOrder(test, headers, {
        items: [{ skuId: options.skuId, quantity: 1 }],
        ...(options.pointsToUse ? { pointsToUse: options.pointsToUse } : {}),
      });
      const pay = await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers });
      expect(pay.status).toBe(200);
      return { ...order, memberId, headers };
    }

    async function facts(orderIds: number[]): Promise<OrderFacts[]> {
      return execute<OrderFacts>(
        test.testDatabase.database.db,
        sql`select o.id, o.status, o.payable_fen, o.member_id,
                   coalesce((select sum(r.amount_fen) from refunds r where r.order_id = o.id and r.status = 'succeeded'), 0)::int8
                     as refunded_ok_fen,
                   (select count(*) from refunds r where r.order_id = o.id and r.status in ('pending', 'processing'))::int8
                     as refunds_open,
                   (select count(*) from audit_log a where a.target_type = 'order' and a.target_id = o.id::text
                      and a.action = 'payment.refund_unfulfillable')::int8 as refund_audits
            from orders o where o.id = any(${`{${orderIds.join(',')}}`}::bigint[]) order by o.id`,
      );
    }

    /** Refund results arrive by notification about a second after WeChat accepts a refund. */
    async function refundsSettled(orderIds: number[]): Promise<OrderFacts[]> {
      for (let attempt = 0; attempt < 150; attempt++) {
        const rows = await facts(orderIds);
        if (rows.every((row) => row.refunds_open === 0)) return rows;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('refund notifications did not arrive');
    }

    async function pointsConsistent(memberIds: number[]): Promise<unknown[]> {
      return execute(
        test.testDatabase.database.db,
        sql`select m.member_id, m.points_balance,
                   (select coalesce(sum(points), 0) from points_ledger l where l.member_id = m.member_id)::int8 as ledger,
                   (select coalesce(sum(remaining_points), 0) from points_batches b where b.member_id = m.member_id)::int8 as batches
            from member_metrics m where m.member_id = any(${`{${memberIds.join(',')}}`}::bigint[])
              and not (m.points_balance = (select coalesce(sum(points), 0) from points_ledger l where l.member_id = m.member_id)
                       and m.points_balance = (select coalesce(sum(remaining_points), 0) from points_batches b
                                               where b.member_id = m.member_id))`,
      );
    }

    it('40 orders expire while 10 shoppers pay: every shopper charged for an order that ended expired is refunded', async () => {
      const db = test.testDatabase.database.db;
      const { skuId } = await insertSku(db, { priceFen: 8_800, stock: 40 });
      const orders = [];
      for (let i = 0; i < 40; i++) orders.push(await prepaidOrder({ skuId, points: 1_000, pointsToUse: 500 }));
      advance(16 * MINUTE);

      // Every fourth order is paid while the expiry job runs: half of the shoppers pay as the job starts, the other
      // half at the moment the job asks WeChat to close their order (the payment and the close race at WeChat:
      // paid first → ORDERPAID, closed first → the payment is refused).
      const paying = orders.filter((_, i) => i % 4 === 1);
      const atStart = paying.filter((_, i) => i % 2 === 0);
      const atClose = new Set(paying.filter((_, i) => i % 2 === 1).map((order) => order.orderNo));
      const complete = (orderNo: string) => call(test, 'POST', `/sandbox/pay/${orderNo}/complete`);
      const racingClose: ReturnType<typeof complete>[] = [];
      const pay = test.server.wechat.pay;
      const closeOrder = pay.closeOrder;
      pay.closeOrder = (orderNo) => {
        if (atClose.has(orderNo)) racingClose.push(complete(orderNo));
        return closeOrder(orderNo);
      };
      let expiry;
      let completions;
      try {
        const expiring = expireUnpaidOrders(test.server, server.now());
        const started = await Promise.all(atStart.map((order) => complete(order.orderNo)));
        expiry = await expiring;
        completions = [...started, ...(await Promise.all(racingClose))];
      } finally {
        pay.closeOrder = closeOrder;
      }
      expect(completions).toHaveLength(paying.length);
      expect(completions.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
      // A later run and the reconcile job sweep whatever the first run left.
      await expireUnpaidOrders(test.server, advance(MINUTE));
      await reconcilePendingPayments(test.server, advance(2 * MINUTE));

      const ids = orders.map((order) => order.id);
      const rows = await refundsSettled(ids);
      const wechat = await Promise.all(orders.map((order) => test.server.wechat.pay.queryOrderByOutTradeNo(order.orderNo)));
      const charged = rows.filter((_, i) => ['SUCCESS', 'REFUND'].includes(wechat[i]?.trade_state ?? ''));
      const paid = rows.filter((row) => row.status === 'paid');
      const refunded = charged.filter((row) => row.status === 'expired' && row.refunded_ok_fen === row.payable_fen);
      const chargedAndKept = charged.filter((row) => row.status !== 'paid' && row.refunded_ok_fen !== row.payable_fen);

      expect(charged.length).toBe(completions.filter((answer) => answer.status === 200).length);
      expect(chargedAndKept).toEqual([]);
      expect(paid.length + refunded.length).toBe(charged.length);
      // An order either ended paid (and kept its stock and points spend) or expired (and gave them back).
      expect(rows.every((row) => row.status === 'paid' || row.status === 'expired')).toBe(true);
      expect(paid.every((row) => wechat[rows.indexOf(row)]?.trade_state === 'SUCCESS')).toBe(true);
      for (const row of refunded) expect(row.refund_audits).toBe(1);
      // A refunded payment went through WeChat: the sandbox holds the refund and the trade is marked refunded.
      for (const row of refunded) expect(wechat[rows.indexOf(row)]?.trade_state).toBe('REFUND');
      const [stock] = await execute<{ stock: number }>(db, sql`select stock from skus where id = ${skuId}`);
      expect(stock?.stock).toBe(40 - paid.length);
      expect(await pointsConsistent(orders.map((order) => order.memberId))).toEqual([]);
      const balances = await execute<{ member_id: number; points_balance: number }>(
        db,
        sql`select member_id, points_balance from member_metrics
            where member_id = any(${`{${orders.map((order) => order.memberId).join(',')}}`}::bigint[])`,
      );
      for (const row of rows) {
        const balance = balances.find((candidate) => candidate.member_id === row.member_id)?.points_balance;
        // Paid: 500 spent, 1 point per yuan paid earned; expired: the 500 spent came back.
        expect(balance).toBe(row.status === 'paid' ? 500 + Math.floor(row.payable_fen / 100) : 1_000);
      }
      if (process.env.REPORT_FIGURES) {
        console.info(
          `[${kind}] expiry race: ${orders.length} orders, ${paying.length} payments tried, ${charged.length} charged, ` +
            `${paid.length} paid, ${refunded.length} refunded, ${chargedAndKept.length} charged-and-kept, ` +
            `first run ${JSON.stringify(expiry)}`,
        );
      }
    }, 120_000);

    it('while WeChat cannot be reached for the close, orders wait for the grace period; payments racing the expiry after it are refunded', async () => {
      const db = test.testDatabase.database.db;
      const { skuId } = await insertSku(db, { priceFen: 4_400, stock: 20 });
      const orders = [];
      for (let i = 0; i < 20; i++) orders.push(await prepaidOrder({ skuId, points: 600, pointsToUse: 300 }));
      const pay = test.server.wechat.pay;
      const closeOrder = pay.closeOrder;
      let closeFaults = 0;
      pay.closeOrder = () => {
        closeFaults += 1;
        return Promise.reject(new WechatPayError({ httpStatus: 0, code: 'NETWORK_ERROR', message: 'injected', retryable: true }));
      };
      let first;
      let racing;
      let completions;
      try {
        first = await expireUnpaidOrders(test.server, advance(16 * MINUTE));
        expect(first).toMatchObject({ expired: 0, wechatCloseFailed: 20 });
        // Past the grace the orders expire with their WeChat orders still open while 8 shoppers pay.
        racing = orders.filter((_, i) => i % 5 < 2);
        const expiring = expireUnpaidOrders(test.server, advance(CLOSE_GRACE_MS));
        completions = await Promise.all(racing.map((order) => call(test, 'POST', `/sandbox/pay/${order.orderNo}/complete`)));
        await expiring;
      } finally {
        pay.closeOrder = closeOrder;
      }
      expect(completions.every((answer) => answer.status === 200)).toBe(true);
      await expireUnpaidOrders(test.server, advance(MINUTE));
      await reconcilePendingPayments(test.server, advance(2 * MINUTE));

      const ids = orders.map((order) => order.id);
      const rows = await refundsSettled(ids);
      const wechat = await Promise.all(orders.map((order) => pay.queryOrderByOutTradeNo(order.orderNo)));
      const charged = rows.filter((_, i) => ['SUCCESS', 'REFUND'].includes(wechat[i]?.trade_state ?? ''));
      const paid = rows.filter((row) => row.status === 'paid');
      const refunded = charged.filter((row) => row.status === 'expired' && row.refunded_ok_fen === row.payable_fen);
      const chargedAndKept = charged.filter((row) => row.status !== 'paid' && row.refunded_ok_fen !== row.payable_fen);
      expect(charged).toHaveLength(racing.length);
      expect(chargedAndKept).toEqual([]);
      expect(paid.length + refunded.length).toBe(charged.length);
      for (const row of refunded) expect(row.refund_audits).toBe(1);
      expect(rows.filter((row) => row.status === 'expired')).toHaveLength(20 - paid.length);
      // Every order left unpaid is closed at WeChat in the end (the reconcile sweep closes what the expiry could not).
      const open = wechat.filter((transaction) => transaction.trade_state === 'NOTPAY');
      expect(open).toEqual([]);
      const [stock] = await execute<{ stock: number }>(db, sql`select stock from skus where id = ${skuId}`);
      expect(stock?.stock).toBe(20 - paid.length);
      expect(await pointsConsistent(orders.map((order) => order.memberId))).toEqual([]);
      if (process.env.REPORT_FIGURES) {
        console.info(
          `[${kind}] close unreachable: ${orders.length} orders, ${closeFaults} close faults injected, ${racing.length} payments ` +
            `racing the expiry past the grace, ${charged.length} charged, ${paid.length} paid, ${refunded.length} refunded, ` +
            `${chargedAndKept.length} charged-and-kept`,
        );
      }
    }, 120_000);

    it('treats an order whose WeChat close answers ORDERPAID as paid, not expired', async () => {
      const db = test.testDatabase.database.db;
      const { skuId } = await insertSku(db, { priceFen: 12_000, stock: 1 });
      const order = await prepaidOrder({ skuId });
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
      const result = await expireUnpaidOrders(test.server, advance(16 * MINUTE));
      expect(result).toMatchObject({ expired: 0, paidAtClose: 1 });
      const [row] = await facts([order.id]);
      expect(row).toMatchObject({ status: 'paid', refunded_ok_fen: 0, refunds_open: 0 });
      const [stock] = await execute<{ stock: number }>(db, sql`select stock from skus where id = ${skuId}`);
      expect(stock?.stock).toBe(0);
      expect(await expireUnpaidOrders(test.server, advance(MINUTE))).toMatchObject({ expired: 0, paidAtClose: 0 });
    }, 30_000);

    it('refunds once a payment that arrives for an expired order, by notification or by the reconcile sweep', async () => {
      const db = test.testDatabase.database.db;
      const { skuId } = await insertSku(db, { priceFen: 6_600, stock: 2 });
      const notified = await prepaidOrder({ skuId });
      const swept = await prepaidOrder({ skuId });
      // Both shoppers pay while the server cannot be reached; then the orders expire without a confirmed close
      // (what the expiry job does once WeChat has been unreachable for longer than the grace period).
      server.loseNotifications(true);
      try {
        for (const order of [notified, swept]) {
          expect((await call(test, 'POST', `/sandbox/pay/${order.orderNo}/complete`)).status).toBe(200);
        }
      } finally {
        server.loseNotifications(false);
      }
      advance(16 * MINUTE);
      expect(await expirePendingOrders(test.server, [notified.id, swept.id], [], server.now())).toEqual([notified.id, swept.id]);

      const transaction = await test.server.wechat.pay.queryOrderByOutTradeNo(notified.orderNo);
      const [member] = await execute<{ openid: string }>(db, sql`select openid from members where id = ${notified.memberId}`);
      const notification = await signedTransactionNotification(test, {
        outTradeNo: notified.orderNo,
        totalFen: notified.payableFen,
        openid: member?.openid ?? '',
        transactionId: transaction.transaction_id ?? '',
      });
      for (let delivery = 0; delivery < 3; delivery++) {
        const answer = await fetch(`${test.url}/api/pay/notify`, { method: 'POST', ...notification });
        expect(answer.status).toBe(204);
      }
      const sweep = await reconcilePendingPayments(test.server, advance(2 * MINUTE));
      // The notified payment is recorded; the other is found by asking WeChat about the unclosed order.
      expect(sweep).toMatchObject({ unclosedChecked: 1, refundsStarted: 1, refundsSent: 0, failed: 0 });
      const rows = await refundsSettled([notified.id, swept.id]);
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'expired', refunded_ok_fen: notified.payableFen, refunds_open: 0, refund_audits: 1 });
      }
      const refundRows = await execute<{ order_id: number; requested_by: number | null; amount_fen: number }>(
        db,
        sql`select order_id, requested_by, amount_fen from refunds where order_id in (${notified.id}, ${swept.id}) order by order_id`,
      );
      expect(refundRows).toEqual([
        { order_id: notified.id, requested_by: null, amount_fen: notified.payableFen },
        { order_id: swept.id, requested_by: null, amount_fen: swept.payableFen },
      ]);
      // Nothing is left for the sweep, and nothing counted the refunded payments as purchases.
      expect(await reconcilePendingPayments(test.server, advance(2 * MINUTE))).toMatchObject({
        unclosedChecked: 0,
        refundsStarted: 0,
        refundsSent: 0,
      });
      const [metrics] = await execute<{ orders: number }>(
        db,
        sql`select count(*)::int8 as orders from member_metrics where member_id in (${notified.memberId}, ${swept.memberId})
              and orders_total > 0`,
      );
      expect(metrics?.orders).toBe(0);
    }, 60_000);

    it('keeps a refund WeChat could not take pending and sends it again from the reconcile job', async () => {
      const db = test.testDatabase.database.db;
      const { skuId } = await insertSku(db, { priceFen: 5_500, stock: 1 });
      const order = await prepaidOrder({ skuId });
      server.loseNotifications(true);
      try {
        expect((await call(test, 'POST', `/sandbox/pay/${order.orderNo}/complete`)).status).toBe(200);
      } finally {
        server.loseNotifications(false);
      }
      advance(16 * MINUTE);
      await expirePendingOrders(test.server, [order.id], [], server.now());

      const pay = test.server.wechat.pay;
      const createRefund = pay.createRefund;
      let refused = 0;
      pay.createRefund = () => {
        refused += 1;
        return Promise.reject(new WechatPayError({ httpStatus: 0, code: 'NETWORK_ERROR', message: 'injected', retryable: true }));
      };
      try {
        const first = await reconcilePendingPayments(test.server, advance(2 * MINUTE));
        expect(first).toMatchObject({ unclosedChecked: 1, refundsStarted: 1, refundsSent: 0 });
        const again = await reconcilePendingPayments(test.server, advance(2 * MINUTE));
        expect(again).toMatchObject({ unclosedChecked: 0, refundsSent: 0 });
      } finally {
        pay.createRefund = createRefund;
      }
      expect(refused).toBe(2);
      const [waiting] = await execute<{ status: string; n: number }>(
        db,
        sql`select min(status) as status, count(*)::int8 as n from refunds where order_id = ${order.id}`,
      );
      expect(waiting).toEqual({ status: 'pending', n: 1 });

      expect(await reconcilePendingPayments(test.server, advance(2 * MINUTE))).toMatchObject({ refundsSent: 1 });
      const [row] = await refundsSettled([order.id]);
      expect(row).toMatchObject({ status: 'expired', refunded_ok_fen: order.payableFen, refunds_open: 0, refund_audits: 1 });
      const [count] = await execute<{ n: number }>(db, sql`select count(*)::int8 as n from refunds where order_id = ${order.id}`);
      expect(count?.n).toBe(1);
    }, 60_000);
  });
}
