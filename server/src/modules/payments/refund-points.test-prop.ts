import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, withTransaction } from '../../db';
import { staffAccounts } from '../../db/schema';
import { createMemberSession } from '../../http/auth';
import { insertSku } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { expirePoints } from '../periodic';
import { availablePointsOf, creditPoints, lockMember } from '../points';
import { call, memberWithSession, payThroughSandbox, registerMoneyRoutes } from './checkout.fixtures';
import { settleRefund } from './refund-settlement';
import { requestRefund } from './refunds.service';
import { expireUnpaidOrders } from './unpaid-expiry';

const DAY = 86_400_000;

/** One step of a shopper's history: buy (paying or walking away), a refund of part or all of a paid order, or time passing. */
type Step =
  | { kind: 'order'; priceFen: number; pointsShare: number; pay: boolean }
  | { kind: 'refund'; pick: number; share: number | 'rest'; repeatSettlement: boolean }
  | { kind: 'advance'; days: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      priceFen: fc.integer({ min: 100, max: 60_000 }),
      pointsShare: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      pay: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      pick: fc.nat(),
      share: fc.oneof(fc.constant('rest' as const), fc.double({ min: 0, max: 1, noNaN: true })),
      repeatSettlement: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 200 }) }) },
);

for (const kind of DATABASE_KINDS) {
  describe(`points through orders, refunds and expiry [${kind}]`, () => {
    let test: TestServer;
    let now = new Date();
    let staffId = 0;
    beforeAll(async () => {
      test = await startTestServer(kind, { now, registerRoutes: registerMoneyRoutes });
      const [staff] = await test.testDatabase.database.db
        .insert(staffAccounts)
        .values({ username: `op-${randomUUID()}`, displayName: 'operator', passwordHash: 'x', role: 'operator' })
        .returning({ id: staffAccounts.id });
      staffId = staff?.id ?? 0;
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    /** balance = Σ ledger = Σ batches still live, none negative. */
    async function invariantBroken(memberId: number): Promise<Record<string, unknown> | null> {
      const [row] = await execute<{ balance: number; ledger: number; live: number; negative: number }>(
        test.testDatabase.database.db,
        sql`select coalesce((select points_balance from member_metrics where member_id = ${memberId}), 0)::int8 as balance,
                   (select coalesce(sum(points), 0) from points_ledger where member_id = ${memberId})::int8 as ledger,
                   (select coalesce(sum(remaining_points), 0) from points_batches
                     where member_id = ${memberId} and expires_at > ${now})::int8 as live,
                   (select count(*) from points_batches where member_id = ${memberId}
                     and (remaining_points < 0 or (remaining_points > 0 and expires_at <= ${now})))::int8 as negative`,
      );
      if (!row) return { missing: true };
      const ok = row.balance === row.ledger && row.ledger === row.live && row.balance >= 0 && row.negative === 0;
      return ok ? null : row;
    }

    it('keeps balance = Σ ledger = Σ live batches, never negative, and returns every point spent on a fully refunded order', async () => {
      let runs = 0;
      let steps = 0;
      let refunds = 0;
      let fullyRefundedWithPoints = 0;
      let expiries = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 1, max: 360 }),
          fc.array(step, { minLength: 1, maxLength: 10 }),
          async (opening, openingDays, history) => {
            runs += 1;
            const db = test.testDatabase.database.db;
            // WeChat (the sandbox) dates payments by the real clock, so each history starts now and moves at most
            // 360 days on: the points earned on a payment (valid 12 months) are then never born expired.
            now = new Date();
            test.setNow(now);
            let elapsedDays = 0;
            const { memberId } = await memberWithSession(test);
            if (opening > 0) {
              await withTransaction(test.testDatabase.database, async (tx) => {
                await lockMember(tx, memberId);
                await creditPoints(tx, {
                  memberId,
                  kind: 'bonus',
                  points: opening * 100,
                  idempotencyKey: `test:opening:${memberId}`,
                  earnedAt: now,
                  expiresAt: new Date(now.getTime() + openingDays * DAY),
                });
              });
            }
            const paid: { id: number; orderNo: string; paidFen: number; pointsUsed: number; refundedFen: number }[] = [];
            for (const current of history) {
              steps += 1;
              if (current.kind === 'order') {
                const available = await availablePointsOf(db, memberId, now);
                const steps100 = Math.floor(Math.min(available, Math.floor(current.priceFen / 2)) / 100);
                const pointsToUse = Math.floor(steps100 * current.pointsShare) * 100;
                const { skuId } = await insertSku(db, { priceFen: current.priceFen, stock: 5 });
                const { token } = await createMemberSession(db, memberId, now);
                const headers = { authorization: `Bearer ${token}` };
                const placed = await call<{ id: number; orderNo: string; payableFen: number; pointsUsed: number }>(
                  test,
                  'POST',
                  '/api/orders',
                  {
                    headers,
                    body: {
                      items: [{ skuId, quantity: 1 }],
                      address: {
                        name: '张三',
                        phone: '13800138000',
                        province: '上海市',
                        city: '上海市',
                        district: '浦东新区',
                        detail: '1号',
                      },
                      ...(pointsToUse > 0 ? { pointsToUse } : {}),
                    },
                  },
                );
                expect(placed.status).toBe(201);
                if (current.pay && placed.body.payableFen > 0) {
                  await payThroughSandbox(test, headers, placed.body);
                  paid.push({
                    id: placed.body.id,
                    orderNo: placed.body.orderNo,
                    paidFen: placed.body.payableFen,
                    pointsUsed: pointsToUse,
                    refundedFen: 0,
                  });
                }
              } else if (current.kind === 'refund') {
                const open = paid.filter((order) => order.refundedFen < order.paidFen);
                const order = open[current.pick % Math.max(1, open.length)];
                if (!order) continue;
                const rest = order.paidFen - order.refundedFen;
                const amountFen = current.share === 'rest' ? rest : Math.max(1, Math.floor(rest * current.share));
                const refund = await requestRefund(
                  test.server,
                  { id: staffId, role: 'operator', storeId: null },
                  order.id,
                  { amountFen, reason: '退款' },
                  {},
                );
                const notice = {
                  mchid: 'sandbox',
                  out_trade_no: order.orderNo,
                  transaction_id: '4200000000000000000000000000',
                  out_refund_no: refund.outRefundNo,
                  refund_id: `5030${refund.id}`,
                  refund_status: 'SUCCESS' as const,
                  success_time: now.toISOString(),
                  amount: { total: order.paidFen, refund: amountFen },
                };
                expect(await settleRefund(test.server, notice)).toBe('refunded');
                if (current.repeatSettlement) expect(await settleRefund(test.server, notice)).toBe('already_settled');
                order.refundedFen += amountFen;
                refunds += 1;
              } else {
                if (elapsedDays + current.days > 360) continue;
                elapsedDays += current.days;
                now = new Date(now.getTime() + current.days * DAY);
                test.setNow(now);
                await expireUnpaidOrders(test.server, now);
                expiries += (await expirePoints(test.server, now)).batchesExpired;
              }
              const broken = await invariantBroken(memberId);
              if (broken) throw new Error(`after ${JSON.stringify(current)}: ${JSON.stringify(broken)}`);
            }
            // A fully refunded order returned every point spent on it.
            for (const order of paid.filter(
              (candidate) => candidate.refundedFen === candidate.paidFen && candidate.pointsUsed > 0,
            )) {
              const [row] = await execute<{ returned: number }>(
                db,
                sql`select coalesce(sum(points), 0)::int8 as returned from points_ledger
                  where member_id = ${memberId} and order_id = ${order.id} and kind = 'refund_return'`,
              );
              expect(row?.returned).toBe(order.pointsUsed);
              fullyRefundedWithPoints += 1;
            }
          },
        ),
        { numRuns: Number(process.env.PROP_RUNS ?? 30) },
      );
      expect(runs).toBeGreaterThanOrEqual(Number(process.env.PROP_RUNS ?? 30));
      if (process.env.REPORT_FIGURES)
        console.info(
          `[${kind}] points property: ${runs} histories, ${steps} steps, ${refunds} refunds, ` +
            `${fullyRefundedWithPoints} fully refunded orders that used points, ${expiries} batches expired`,
        );
    }, 300_000);
  });
}
