import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { withTransaction, type Database, type Tx } from '../../db';
import { couponTemplates, coupons, orders } from '../../db/schema';
import { describeEachDatabase } from '../../testing/database';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { couponForCheckout, issueCoupon, lockCouponForOrder, markCouponUsed, releaseCoupon } from './index';

const NOW = new Date('2026-11-20T04:00:00Z');

async function issuedCount(database: Database, templateId: number): Promise<number | undefined> {
  const [row] = await database.db.select().from(couponTemplates).where(eq(couponTemplates.id, templateId));
  return row?.issuedCount;
}

async function pendingOrder(database: Database, memberId: number): Promise<number> {
  const [row] = await database.db
    .insert(orders)
    .values({
      orderNo: `P${memberId}-${Math.random().toString(36).slice(2)}`,
      memberId,
      channel: 'mini_program',
      itemsTotalFen: 20_000,
      payableFen: 20_000,
    })
    .returning({ id: orders.id });
  if (!row) throw new Error('order insert returned nothing');
  return row.id;
}

describeEachDatabase('issuing coupons', ({ database }) => {
  const issue = (templateId: number, memberId: number, sourceKey: string) =>
    withTransaction(database(), (tx) => issueCoupon(tx, { templateId, memberId, source: 'campaign', sourceKey, now: NOW }));

  it('issues once per source key, also when the same key is issued concurrently', async () => {
    const memberId = await insertMember(database().db);
    const templateId = await insertCouponTemplate(database().db, { totalStock: 5 });
    const first = await issue(templateId, memberId, 'step:1:2026-11-20');
    expect(first).toMatchObject({ kind: 'issued', alreadyIssued: false });
    const again = await issue(templateId, memberId, 'step:1:2026-11-20');
    expect(again).toMatchObject({ kind: 'issued', alreadyIssued: true });
    expect(again.kind === 'issued' && first.kind === 'issued' && again.coupon.id === first.coupon.id).toBe(true);

    const racing = await Promise.all(Array.from({ length: 5 }, () => issue(templateId, memberId, 'step:2:2026-11-20')));
    const couponIds = new Set(racing.map((decision) => (decision.kind === 'issued' ? decision.coupon.id : -1)));
    expect(couponIds.size).toBe(1);
    expect(racing.filter((decision) => decision.kind === 'issued' && !decision.alreadyIssued)).toHaveLength(1);
    expect(await issuedCount(database(), templateId)).toBe(2);
  });

  it('returns decisions for no stock, unknown, inactive and ended templates', async () => {
    const memberId = await insertMember(database().db);
    const single = await insertCouponTemplate(database().db, { totalStock: 1 });
    expect(await issue(single, memberId, 'a')).toMatchObject({ kind: 'issued' });
    expect(await issue(single, memberId, 'b')).toEqual({ kind: 'out_of_stock' });
    expect(await issue(single, memberId, 'a')).toMatchObject({ kind: 'issued', alreadyIssued: true });
    expect(await issue(987_654, memberId, 'a')).toEqual({ kind: 'unavailable', reason: 'unknown_template' });
    const paused = await insertCouponTemplate(database().db, { status: 'paused' });
    expect(await issue(paused, memberId, 'a')).toEqual({ kind: 'unavailable', reason: 'template_not_active' });
    const ended = await insertCouponTemplate(database().db, {
      validityKind: 'fixed',
      validFrom: new Date('2026-10-01T00:00:00Z'),
      validTo: new Date('2026-11-01T00:00:00Z'),
      validDays: null,
    });
    expect(await issue(ended, memberId, 'a')).toEqual({ kind: 'unavailable', reason: 'template_ended' });
    expect(await issuedCount(database(), single)).toBe(1);
    expect(await issuedCount(database(), paused)).toBe(0);
  });
});

describeEachDatabase('a coupon through checkout', ({ database }) => {
  const setup = async () => {
    const memberId = await insertMember(database().db);
    const templateId = await insertCouponTemplate(database().db);
    const decision = await withTransaction(database(), (tx) =>
      issueCoupon(tx, { templateId, memberId, source: 'claim', sourceKey: 'claim:1', now: NOW }),
    );
    if (decision.kind !== 'issued') throw new Error('not issued');
    return { memberId, couponId: decision.coupon.id };
  };
  const inTx = <T>(work: (tx: Tx) => Promise<T>) => withTransaction(database(), work);
  const statusOf = async (couponId: number) => (await database().db.select().from(coupons).where(eq(coupons.id, couponId)))[0];

  it('locks for one order, releases, is used once, and refuses everything else', async () => {
    const { memberId, couponId } = await setup();
    const [orderA, orderB] = [await pendingOrder(database(), memberId), await pendingOrder(database(), memberId)];
    const checkout = await inTx((tx) => couponForCheckout(tx, { couponId, memberId, now: NOW }));
    expect(checkout.terms).toMatchObject({ type: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000 });

    await inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId: orderA, now: NOW }));
    expect(await statusOf(couponId)).toMatchObject({ status: 'locked', lockedOrderId: orderA });
    await inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId: orderA, now: NOW }));
    await expect(inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId: orderB, now: NOW }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(inTx((tx) => couponForCheckout(tx, { couponId, memberId, now: NOW }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    expect(await inTx((tx) => releaseCoupon(tx, { couponId, orderId: orderB, now: NOW }))).toBe(false);
    expect(await inTx((tx) => releaseCoupon(tx, { couponId, orderId: orderA, now: NOW }))).toBe(true);
    expect(await inTx((tx) => releaseCoupon(tx, { couponId, orderId: orderA, now: NOW }))).toBe(false);
    expect(await statusOf(couponId)).toMatchObject({ status: 'available', lockedOrderId: null });

    await inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId: orderB, now: NOW }));
    expect(await inTx((tx) => markCouponUsed(tx, { couponId, memberId, orderId: orderB, now: NOW }))).toBe('used');
    expect(await inTx((tx) => markCouponUsed(tx, { couponId, memberId, orderId: orderB, now: NOW }))).toBe('already_used');
    expect(await inTx((tx) => markCouponUsed(tx, { couponId, memberId, orderId: orderA, now: NOW }))).toBe('unavailable');
    expect(await statusOf(couponId)).toMatchObject({ status: 'used', usedOrderId: orderB, lockedOrderId: null, usedAt: NOW });
    await expect(inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId: orderA, now: NOW }))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already been used'),
    });
  });

  it('lets only one of two concurrent orders lock the coupon', async () => {
    const { memberId, couponId } = await setup();
    const orderIds = [await pendingOrder(database(), memberId), await pendingOrder(database(), memberId)];
    const results = await Promise.allSettled(
      orderIds.map((orderId) => inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId, now: NOW }))),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
  });

  it("refuses another member's coupon (404) and an expired one (409)", async () => {
    const { memberId, couponId } = await setup();
    const stranger = await insertMember(database().db);
    await expect(inTx((tx) => couponForCheckout(tx, { couponId, memberId: stranger, now: NOW }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const later = new Date(NOW.getTime() + 40 * 86_400_000);
    const orderId = await pendingOrder(database(), memberId);
    await expect(inTx((tx) => lockCouponForOrder(tx, { couponId, memberId, orderId, now: later }))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('expired'),
    });
  });
});
