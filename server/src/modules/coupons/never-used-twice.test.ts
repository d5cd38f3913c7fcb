import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { withTransaction } from '../../db';
import { coupons, orders, staffAccounts } from '../../db/schema';
import { AppError } from '../../errors';
import type { AuthStaff } from '../../http/auth';
import { describeEachDatabase } from '../../testing/database';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { issueCoupon, lockCouponForOrder, markCouponUsed, releaseCoupon } from './index';
import { redeemCouponInStore } from './redeem';

const NOW = new Date('2026-11-20T04:00:00Z');

const operation = fc.record({ kind: fc.constantFrom('lock', 'release', 'pay', 'redeem'), order: fc.constantFrom(0, 1) });

/**
 * Property: whatever mix of checkout locks, releases, payments and in-store redemptions hits one coupon at the
 * same time, at most one of them turns it into `used`, and the stored row agrees with who won.
 */
describeEachDatabase('a coupon is never used twice', ({ database }) => {
  it('under any concurrent mix of lock, release, pay and redeem', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const templateId = await insertCouponTemplate(db);
    const [staffRow] = await db
      .insert(staffAccounts)
      .values({ username: 'cashier', displayName: 'cashier', passwordHash: 'not-a-login', role: 'admin' })
      .returning({ id: staffAccounts.id });
    const staff: AuthStaff = { id: staffRow?.id ?? 0, username: 'cashier', role: 'admin', storeId: null, sessionId: 0 };
    let run = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (operations) => {
        run += 1;
        const issued = await withTransaction(database(), (tx) =>
          issueCoupon(tx, { templateId, memberId, source: 'manual', sourceKey: `run:${run}`, now: NOW }),
        );
        if (issued.kind !== 'issued') throw new Error('not issued');
        const { id: couponId, code } = issued.coupon;
        const orderIds = await db
          .insert(orders)
          .values(
            [0, 1].map((i) => ({
              orderNo: `R${run}-${i}`,
              memberId,
              channel: 'mini_program' as const,
              itemsTotalFen: 20_000,
              payableFen: 20_000,
            })),
          )
          .returning({ id: orders.id });
        const orderOf = (i: number) => orderIds[i]?.id ?? 0;

        const outcomes = await Promise.all(
          operations.map(async ({ kind, order }): Promise<'used' | 'other'> => {
            const orderId = orderOf(order);
            try {
              if (kind === 'redeem') {
                await redeemCouponInStore(database(), {
                  code,
                  staff,
                  storeId: undefined,
                  now: NOW,
                  requestId: 'prop',
                  ip: '127.0.0.1',
                });
                return 'used';
              }
              return await withTransaction(database(), async (tx) => {
                if (kind === 'lock') await lockCouponForOrder(tx, { couponId, memberId, orderId, now: NOW });
                if (kind === 'release') await releaseCoupon(tx, { couponId, orderId, now: NOW });
                if (kind === 'pay')
                  return (await markCouponUsed(tx, { couponId, memberId, orderId, now: NOW })) === 'used' ? 'used' : 'other';
                return 'other';
              });
            } catch (error) {
              if (error instanceof AppError && error.code === 'CONFLICT') return 'other';
              throw error;
            }
          }),
        );
        const winners = outcomes.filter((outcome) => outcome === 'used').length;
        const [row] = await db.select().from(coupons).where(eq(coupons.id, couponId));
        expect(winners).toBeLessThanOrEqual(1);
        expect(row?.status === 'used').toBe(winners === 1);
        if (row?.status === 'used') expect(row.usedAt).toEqual(NOW);
      }),
      { numRuns: 25 },
    );
  });
});
