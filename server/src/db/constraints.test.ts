import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachDatabase, expectPgError } from '../testing/database';
import { insertCouponTemplate, insertMember, insertSku } from '../testing/fixtures';
import { execute } from './execute';
import { PG_CHECK_VIOLATION, PG_UNIQUE_VIOLATION } from './pg-error';
import {
  campaignSteps,
  campaigns,
  couponTemplates,
  coupons,
  deliveries,
  eventReceipts,
  events,
  jobRuns,
  members,
  orders,
  payments,
  skus,
  subscribeTemplates,
  subscriptionCredits,
} from './schema';

const DAY_MS = 86_400_000;

describeEachDatabase('schema constraints', ({ database }) => {
  it('records a client event once, however often it is retried', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    // The events endpoint's statement: the receipt decides whether the event is new.
    const record = (occurredAt: string) =>
      db.execute(sql`
        with receipt as (
          insert into ${eventReceipts} (member_id, client_event_id) values (${memberId}, 'evt-1')
          on conflict do nothing returning member_id, client_event_id
        )
        insert into ${events} (member_id, type, client_event_id, occurred_at)
        select member_id, 'product_view', client_event_id, ${occurredAt}::timestamptz from receipt`);
    await record('2025-03-01T10:00:00Z');
    // A retry whose clamped time differs still counts once.
    await record('2025-03-01T10:05:00Z');
    const stored = await db.select().from(events).where(eq(events.memberId, memberId));
    expect(stored).toHaveLength(1);
    await expectPgError(
      db.insert(eventReceipts).values({ memberId, clientEventId: 'evt-1' }),
      PG_UNIQUE_VIOLATION,
      'event_receipts_member_id_client_event_id_pk',
    );
  });

  it('refuses an event type outside the vocabulary', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await expectPgError(
      db.execute(
        sql`insert into events (member_id, type, client_event_id, occurred_at) values (${memberId}, 'teleport', 'x', now())`,
      ),
      PG_CHECK_VIOLATION,
      'events_type_check',
    );
  });

  it('refuses to sell stock that is not there', async () => {
    const { db } = database();
    const { skuId } = await insertSku(db, { stock: 3 });
    await db
      .update(skus)
      .set({ stock: sql`${skus.stock} - 3` })
      .where(eq(skus.id, skuId));
    await expectPgError(
      db
        .update(skus)
        .set({ stock: sql`${skus.stock} - 1` })
        .where(eq(skus.id, skuId)),
      PG_CHECK_VIOLATION,
      'skus_stock_check',
    );
  });

  it('refuses to issue more coupons than the template stock', async () => {
    const { db } = database();
    const templateId = await insertCouponTemplate(db, { totalStock: 2 });
    const issueOne = () =>
      db
        .update(couponTemplates)
        .set({ issuedCount: sql`${couponTemplates.issuedCount} + 1` })
        .where(eq(couponTemplates.id, templateId));
    await issueOne();
    await issueOne();
    await expectPgError(issueOne(), PG_CHECK_VIOLATION, 'coupon_templates_stock_check');
  });

  it('refuses a second coupon from the same campaign step for the same member', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const templateId = await insertCouponTemplate(db);
    const validFrom = new Date('2025-03-01T00:00:00Z');
    const coupon = (code: string) => ({
      code,
      templateId,
      memberId,
      source: 'campaign' as const,
      sourceKey: 'step:7:2025-03-01',
      validFrom,
      validTo: new Date(validFrom.getTime() + 30 * DAY_MS),
    });
    await db.insert(coupons).values(coupon(`C-${memberId}-1`));
    await expectPgError(db.insert(coupons).values(coupon(`C-${memberId}-2`)), PG_UNIQUE_VIOLATION, 'coupons_issue_once_key');
  });

  it('refuses a second delivery of one step occurrence to one member', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const [campaign] = await db.insert(campaigns).values({ name: 'wake-up', kind: 'journey' }).returning();
    const [step] = await db
      .insert(campaignSteps)
      .values({ campaignId: campaign!.id, position: 0, action: { type: 'message' } })
      .returning();
    const delivery = {
      campaignId: campaign!.id,
      stepId: step!.id,
      memberId,
      occurrenceKey: 'enrol:1',
      channel: 'subscribe_message' as const,
    };
    await db.insert(deliveries).values(delivery);
    await expectPgError(db.insert(deliveries).values(delivery), PG_UNIQUE_VIOLATION, 'deliveries_once_key');
  });

  it('refuses a second claim of the same job period', async () => {
    const { db } = database();
    await db.insert(jobRuns).values({ jobName: 'segment-refresh', periodKey: '2025-03-01', instanceId: 'a' });
    await expectPgError(
      db.insert(jobRuns).values({ jobName: 'segment-refresh', periodKey: '2025-03-01', instanceId: 'b' }),
      PG_UNIQUE_VIOLATION,
      'job_runs_claim_key',
    );
  });

  it('refuses an order whose amounts do not add up', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const order = {
      orderNo: `O-${memberId}`,
      memberId,
      channel: 'mini_program' as const,
      itemsTotalFen: 10_000,
      couponDiscountFen: 2_000,
      shippingFen: 500,
      payableFen: 8_000,
    };
    await expectPgError(db.insert(orders).values(order), PG_CHECK_VIOLATION, 'orders_payable_sum_check');
    await db.insert(orders).values({ ...order, payableFen: 8_500 });
  });

  it('lets an order succeed in payment only once', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const [order] = await db
      .insert(orders)
      .values({ orderNo: `P-${memberId}`, memberId, channel: 'mini_program', itemsTotalFen: 100, payableFen: 100 })
      .returning();
    const paid = (transactionId: string) => ({
      orderId: order!.id,
      memberId,
      outTradeNo: order!.orderNo,
      amountFen: 100,
      status: 'succeeded' as const,
      transactionId,
    });
    await db.insert(payments).values(paid('4200-1'));
    await expectPgError(db.insert(payments).values(paid('4200-2')), PG_UNIQUE_VIOLATION, 'payments_one_success_per_order_key');
  });

  it('keeps the phone cipher, hash and tail together', async () => {
    const { db } = database();
    await expectPgError(insertMember(db, { phoneHash: 'h-only' }), PG_CHECK_VIOLATION, 'members_phone_parts_check');
    const memberId = await insertMember(db, { phoneCipher: 'c', phoneHash: `h-${Math.random()}`, phoneTail: '1234' });
    const [facts] = await execute<{ phone_tail: string }>(db, sql`select phone_tail from ${members} where id = ${memberId}`);
    expect(facts?.phone_tail).toBe('1234');
  });

  it('never lets subscription credits go negative', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const templateId = `tmpl-${memberId}`;
    await db.insert(subscribeTemplates).values({ templateId, title: '优惠券到账提醒' });
    await db.insert(subscriptionCredits).values({ memberId, templateId, credits: 0 });
    await expectPgError(
      db
        .update(subscriptionCredits)
        .set({ credits: sql`${subscriptionCredits.credits} - 1` })
        .where(eq(subscriptionCredits.memberId, memberId)),
      PG_CHECK_VIOLATION,
      'subscription_credits_credits_check',
    );
  });
});
