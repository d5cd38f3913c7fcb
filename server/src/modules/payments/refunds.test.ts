import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, withTransaction } from '../../db';
import { staffAccounts, stores } from '../../db/schema';
import { createStaffSession } from '../../http/auth';
import { hashPassword } from '../../security/password';
import { insertSku } from '../../testing/fixtures';
import { creditPoints, lockMember } from '../points/points.repo';
import { startTestServer, type TestServer } from '../../testing/server';
import { call, memberWithSession, payThroughSandbox, placeOrder, registerMoneyRoutes } from './checkout.fixtures';

interface OrderState {
  status: string;
  refundedFen: number;
  refunds: { status: string; pointsClawedBack: number }[];
  items: { refundedFen: number; refundedQuantity: number }[];
}

async function staffHeaders(test: TestServer, role: 'operator' | 'sales_rep' | 'store_staff'): Promise<Record<string, string>> {
  const db = test.testDatabase.database.db;
  const [store] =
    role === 'store_staff'
      ? await db
          .insert(stores)
          .values({ code: `S${randomUUID().slice(0, 8)}`, name: '测试门店' })
          .returning({ id: stores.id })
      : [];
  const [staff] = await db
    .insert(staffAccounts)
    .values({
      username: `${role}-${Date.now()}-${Math.random()}`,
      displayName: role,
      passwordHash: await hashPassword('s3cret-pass'),
      role,
      storeId: store?.id ?? null,
    })
    .returning({ id: staffAccounts.id });
  const { token } = await createStaffSession(db, staff?.id ?? 0, test.server.clock());
  return { authorization: `Bearer ${token}` };
}

/** The refund result comes by notification about a second after the request. */
async function waitForRefunds(
  test: TestServer,
  headers: Record<string, string>,
  orderId: number,
  count: number,
): Promise<OrderState> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { body } = await call<OrderState>(test, 'GET', `/api/orders/${orderId}`, { headers });
    if (body.refunds.filter((refund) => refund.status === 'succeeded').length === count) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('refund notification did not arrive');
}

for (const kind of DATABASE_KINDS) {
  describe(`staff refunds [${kind}]`, () => {
    let test: TestServer;
    beforeAll(async () => {
      test = await startTestServer(kind, { registerRoutes: registerMoneyRoutes });
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    /** An order of two new SKUs at ¥300 and ¥270, one each. */
    async function placeTwoLineOrder(headers: Record<string, string>, options: { pointsToUse?: number } = {}) {
      const db = test.testDatabase.database.db;
      const a = await insertSku(db, { priceFen: 30_000 });
      const b = await insertSku(db, { priceFen: 27_000 });
      return placeOrder(test, headers, {
        items: [
          { skuId: a.skuId, quantity: 1 },
          { skuId: b.skuId, quantity: 1 },
        ],
        ...options,
      });
    }

    async function paidOrder(): Promise<{
      memberId: number;
      headers: Record<string, string>;
      orderId: number;
      itemIds: number[];
    }> {
      const { memberId, headers } = await memberWithSession(test);
      const order = await placeTwoLineOrder(headers);
      await payThroughSandbox(test, headers, order);
      const { body } = await call<{ items: { id: number }[] }>(test, 'GET', `/api/orders/${order.id}`, { headers });
      return { memberId, headers, orderId: order.id, itemIds: body.items.map((item) => item.id) };
    }

    const balance = async (memberId: number) => {
      const [row] = await execute<{ balance: number; ledger: number; growth: number }>(
        test.testDatabase.database.db,
        sql`select points_balance as balance, growth_value_fen as growth,
                   (select coalesce(sum(points), 0) from points_ledger where member_id = ${memberId})::int8 as ledger
            from member_metrics where member_id = ${memberId}`,
      );
      return row;
    };

    it('claws back points proportionally; two partial refunds claw back what one full refund does', async () => {
      const staff = await staffHeaders(test, 'operator');
      const partial = await paidOrder();
      expect(await balance(partial.memberId)).toEqual({ balance: 570, ledger: 570, growth: 57_000 });

      const first = await call(test, 'POST', `/api/staff/orders/${partial.orderId}/refunds`, {
        headers: staff,
        body: { amountFen: 20_000, reason: '部分退货', items: [{ orderItemId: partial.itemIds[0], quantity: 1 }] },
      });
      expect(first.status).toBe(201);
      const afterFirst = await waitForRefunds(test, partial.headers, partial.orderId, 1);
      expect(afterFirst).toMatchObject({ status: 'partially_refunded', refundedFen: 20_000 });
      expect(afterFirst.items[0]).toEqual(expect.objectContaining({ refundedFen: 20_000, refundedQuantity: 1 }));
      expect(await balance(partial.memberId)).toEqual({ balance: 370, ledger: 370, growth: 37_000 });

      const tooMuch = await call(test, 'POST', `/api/staff/orders/${partial.orderId}/refunds`, {
        headers: staff,
        body: { amountFen: 37_001, reason: '超额' },
      });
      expect(tooMuch.status).toBe(422);
      const second = await call(test, 'POST', `/api/staff/orders/${partial.orderId}/refunds`, {
        headers: staff,
        body: { amountFen: 37_000, reason: '全部退货' },
      });
      expect(second.status).toBe(201);
      const afterSecond = await waitForRefunds(test, partial.headers, partial.orderId, 2);
      expect(afterSecond).toMatchObject({ status: 'refunded', refundedFen: 57_000 });

      const full = await paidOrder();
      await call(test, 'POST', `/api/staff/orders/${full.orderId}/refunds`, {
        headers: staff,
        body: { amountFen: 57_000, reason: '整单退款' },
      });
      const afterFull = await waitForRefunds(test, full.headers, full.orderId, 1);
      const clawedPartial = afterSecond.refunds.reduce((sum, refund) => sum + refund.pointsClawedBack, 0);
      expect(clawedPartial).toBe(afterFull.refunds[0]?.pointsClawedBack);
      expect(clawedPartial).toBe(570);
      expect(await balance(full.memberId)).toEqual({ balance: 0, ledger: 0, growth: 0 });
      // Downgrades wait for the review; a refund never lowers the tier on the spot.
      const audits = await execute<{ n: number }>(
        test.testDatabase.database.db,
        sql`select count(*)::int8 as n from audit_log where action = 'order.refund_requested' and target_id = ${String(full.orderId)}`,
      );
      expect(audits[0]?.n).toBe(1);
    });

    it('gives back the points spent: each partial refund its share rounded down, all of them once fully refunded', async () => {
      const db = test.testDatabase.database.db;
      const staff = await staffHeaders(test, 'operator');
      const { memberId, headers } = await memberWithSession(test, { points: 1_000 });
      const [opening] = await execute<{ expires_at: Date }>(
        db,
        sql`select expires_at from points_batches where member_id = ${memberId}`,
      );
      const order = await placeTwoLineOrder(headers, { pointsToUse: 500 });
      expect(order.payableFen).toBe(56_500);
      await payThroughSandbox(test, headers, order);
      expect(await balance(memberId)).toMatchObject({ balance: 1_065, ledger: 1_065 });

      await call(test, 'POST', `/api/staff/orders/${order.id}/refunds`, {
        headers: staff,
        body: { amountFen: 20_000, reason: '部分退货' },
      });
      await waitForRefunds(test, headers, order.id, 1);
      // 500 × 20000 / 56500 = 176.99 → 176 back; 565 × 20000 / 56500 = 200 earned points clawed back.
      expect(await balance(memberId)).toMatchObject({ balance: 1_041, ledger: 1_041 });

      await call(test, 'POST', `/api/staff/orders/${order.id}/refunds`, {
        headers: staff,
        body: { amountFen: 36_500, reason: '全部退货' },
      });
      await waitForRefunds(test, headers, order.id, 2);
      expect(await balance(memberId)).toMatchObject({ balance: 1_000, ledger: 1_000 });
      const returned = await execute<{ points: number; expires_at: Date; batch_left: number }>(
        db,
        sql`select l.points, b.expires_at, b.remaining_points as batch_left from points_ledger l
            join points_batches b on b.id = l.batch_id
            where l.member_id = ${memberId} and l.kind = 'refund_return' order by l.id`,
      );
      expect(returned.map((row) => row.points)).toEqual([176, 324]);
      // The points keep the expiry of the batch they were spent from.
      expect(returned.map((row) => row.expires_at.getTime())).toEqual([
        opening?.expires_at.getTime(),
        opening?.expires_at.getTime(),
      ]);
      const [live] = await execute<{ live: number }>(
        db,
        sql`select coalesce(sum(remaining_points), 0)::int8 as live from points_batches where member_id = ${memberId}`,
      );
      expect(live?.live).toBe(1_000);
    });

    it('gives points spent from a batch about to expire 30 days from the refund', async () => {
      const db = test.testDatabase.database.db;
      const staff = await staffHeaders(test, 'operator');
      const { memberId, headers } = await memberWithSession(test);
      const soon = new Date(Date.now() + 5 * 86_400_000);
      await withTransaction(test.testDatabase.database, async (tx) => {
        await lockMember(tx, memberId);
        await creditPoints(tx, {
          memberId,
          kind: 'bonus',
          points: 300,
          idempotencyKey: 'test:expiring-soon',
          earnedAt: new Date(),
          expiresAt: soon,
        });
      });
      const { skuId } = await insertSku(db, { priceFen: 20_000 });
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }], pointsToUse: 300 });
      await payThroughSandbox(test, headers, order);
      const before = Date.now();
      await call(test, 'POST', `/api/staff/orders/${order.id}/refunds`, {
        headers: staff,
        body: { amountFen: order.payableFen, reason: '整单退款' },
      });
      await waitForRefunds(test, headers, order.id, 1);
      const [returned] = await execute<{ points: number; expires_at: Date }>(
        db,
        sql`select l.points, b.expires_at from points_ledger l join points_batches b on b.id = l.batch_id
            where l.member_id = ${memberId} and l.kind = 'refund_return'`,
      );
      expect(returned?.points).toBe(300);
      const thirtyDays = 30 * 86_400_000;
      expect(returned?.expires_at.getTime()).toBeGreaterThanOrEqual(before + thirtyDays);
      expect(returned?.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + thirtyDays);
      expect(await balance(memberId)).toMatchObject({ balance: 300, ledger: 300 });
    });

    it('keeps the tier on a refund and settles a redelivered refund notification once', async () => {
      const db = test.testDatabase.database.db;
      const staff = await staffHeaders(test, 'operator');
      const { memberId, headers } = await memberWithSession(test);
      const { skuId } = await insertSku(db, { priceFen: 120_000 });
      const order = await placeOrder(test, headers, { items: [{ skuId, quantity: 1 }] });
      await payThroughSandbox(test, headers, order);
      await call(test, 'POST', `/api/staff/orders/${order.id}/refunds`, {
        headers: staff,
        body: { amountFen: 120_000, reason: '整单退款' },
      });
      await waitForRefunds(test, headers, order.id, 1);

      const { body } = await call<{ notifications: { id: string; eventType: string; delivered: boolean }[] }>(
        test,
        'GET',
        '/sandbox/_inspect/notifications',
      );
      const refundNotice = body.notifications.filter((n) => n.eventType === 'REFUND.SUCCESS').at(-1);
      expect(refundNotice?.delivered).toBe(true);
      const again = await Promise.all(
        [1, 2, 3].map(() =>
          call<{ delivered: boolean }>(test, 'POST', `/sandbox/_notifications/${refundNotice?.id ?? ''}/redeliver`),
        ),
      );
      expect(again.every((answer) => answer.body.delivered)).toBe(true);

      const [state] = await execute(
        db,
        sql`select m.tier, o.refunded_fen, o.status, mm.points_balance, mm.growth_value_fen,
                   (select count(*) from points_ledger l where l.member_id = m.id and l.kind = 'clawback')::int8 as clawbacks
            from members m join orders o on o.member_id = m.id join member_metrics mm on mm.member_id = m.id
            where m.id = ${memberId}`,
      );
      expect(state).toEqual({
        tier: 'silver',
        refunded_fen: 120_000,
        status: 'refunded',
        points_balance: 0,
        growth_value_fen: 0,
        clawbacks: 1,
      });
    });

    it('refuses refunds to roles without the right and bad input with 400, writing nothing', async () => {
      const order = await paidOrder();
      const rep = await staffHeaders(test, 'sales_rep');
      const forbidden = await call(test, 'POST', `/api/staff/orders/${order.orderId}/refunds`, {
        headers: rep,
        body: { amountFen: 100, reason: 'x' },
      });
      expect(forbidden.status).toBe(403);
      // Store staff refund only their own store's in-store orders; this one was placed in the mini-program.
      const storeStaff = await staffHeaders(test, 'store_staff');
      const notTheirs = await call<{ error: { code: string } }>(test, 'POST', `/api/staff/orders/${order.orderId}/refunds`, {
        headers: storeStaff,
        body: { amountFen: 100, reason: '质量问题' },
      });
      expect(notTheirs.status).toBe(403);
      expect(notTheirs.body.error.code).toBe('FORBIDDEN');
      const staff = await staffHeaders(test, 'operator');
      const bad = await call<{ error: { fields: { field: string }[] } }>(
        test,
        'POST',
        `/api/staff/orders/${order.orderId}/refunds`,
        {
          headers: staff,
          body: { amountFen: 0, reason: '' },
        },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['body.amountFen', 'body.reason']));
      const [row] = await execute<{ n: number }>(
        test.testDatabase.database.db,
        sql`select count(*)::int8 as n from refunds where order_id = ${order.orderId}`,
      );
      expect(row?.n).toBe(0);
    });
  });
}
