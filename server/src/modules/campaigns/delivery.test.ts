import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { fromShanghai, type CampaignPreviewResponse, type CampaignReportResponse } from '@member-ops/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { insertCouponTemplate } from '../../testing/fixtures';
import type { TestServer } from '../../testing/server';
import {
  api,
  campaignMember,
  COUPON_TEMPLATE,
  couponMessage,
  createAndStart,
  deliveryRows,
  paidOrder,
  plainMessage,
  resetCampaignServer,
  sandboxMessages,
  startCampaignServer,
} from './campaigns.fixtures';
import { drainOutbox, planCampaigns } from './index';

const NOON = fromShanghai(2026, 3, 18, 12);

for (const kind of DATABASE_KINDS) {
  describe(`campaign delivery pipeline [${kind}]`, () => {
    let test: TestServer;
    let token: string;
    let couponTemplateId: number;
    const db = () => test.testDatabase.database.db;
    const tagged = (tag: string) => ({ rule: { field: 'tags', op: 'containsAny', value: [tag] } as never });
    const cycle = async () => {
      await planCampaigns(test.server);
      return drainOutbox(test.server, { sendsPerSecond: 500 });
    };
    const finish = (id: number) => api(test, 'POST', `/admin/campaigns/${id}/transition`, token, { action: 'finish' });
    const openidsOf = async (ids: number[]) =>
      (
        await execute<{ openid: string }>(db(), sql`select openid from members where id = any(${`{${ids.join(',')}}`}::int8[])`)
      ).map((m) => m.openid);
    const messagesTo = async (openids: string[]) =>
      (await sandboxMessages(test)).filter((message) => openids.includes(message.touser)).map((message) => message.touser);

    beforeAll(async () => {
      ({ test, token } = await startCampaignServer(kind, NOON));
      couponTemplateId = await insertCouponTemplate(db(), { name: '回归礼 满100减20' });
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });
    beforeEach(() => resetCampaignServer(test, NOON));

    it('fires a triggered campaign once per member across a crash before sending and two workers at once', async () => {
      const openids = Array.from({ length: 6 }, () => `openid-${randomUUID()}`);
      const members = [];
      for (const openid of openids) members.push(await campaignMember(db(), { credits: 2, openid }));
      const campaign = await createAndStart(test, token, {
        kind: 'triggered',
        trigger: { kind: 'first_purchase' },
        holdoutRatioBp: 0,
        steps: [
          { waitDays: 0, condition: 'always', action: { type: 'coupon', couponTemplateId } },
          { waitDays: 0, condition: 'always', action: couponMessage },
        ],
      });
      for (const member of members) {
        await db().execute(
          sql`insert into member_triggers (member_id, kind, dedupe_key, occurred_at) values (${member}, 'first_purchase', 'order:1', ${NOON})`,
        );
      }
      const planned = await planCampaigns(test.server);
      expect(planned.deliveries).toBeGreaterThanOrEqual(12);
      // The process dies here, after the outbox commit and before any send; the restarted scheduler plans again.
      const replanned = await planCampaigns(test.server);
      expect(replanned.enrolled).toBe(0);
      expect(replanned.deliveries).toBe(0);
      expect(await deliveryRows(db(), campaign.id)).toHaveLength(12);
      const [first, second] = await Promise.all([
        drainOutbox(test.server, { batchSize: 3 }),
        drainOutbox(test.server, { batchSize: 3 }),
      ]);
      const rest = await cycle();
      expect((first?.sent ?? 0) + (second?.sent ?? 0) + rest.sent).toBe(12);
      expect((first?.failed ?? 0) + (second?.failed ?? 0) + rest.failed).toBe(0);
      expect(await cycle()).toMatchObject({ sent: 0, batches: 0 });
      expect((await messagesTo(openids)).sort()).toEqual([...openids].sort());
      const [coupons] = await execute<{ n: number; members: number }>(
        db(),
        sql`select count(*)::int as n, count(distinct member_id)::int as members from coupons where campaign_id = ${campaign.id}`,
      );
      expect(coupons).toEqual({ n: 6, members: 6 });
      const [credits] = await execute<{ total: number }>(
        db(),
        sql`select sum(credits)::int as total from subscription_credits where member_id = any(${`{${members.join(',')}}`}::bigint[])`,
      );
      expect(credits?.total).toBe(6);
      await finish(campaign.id);
    });

    it('holds messages in quiet hours and sends them at 09:00', async () => {
      const tag = `quiet-${randomUUID().slice(0, 8)}`;
      const openids = [`openid-${randomUUID()}`, `openid-${randomUUID()}`];
      for (const openid of openids) await campaignMember(db(), { credits: 1, openid, tags: [tag] });
      test.setNow(fromShanghai(2026, 3, 18, 22, 30));
      const campaign = await createAndStart(test, token, {
        ...tagged(tag),
        holdoutRatioBp: 0,
        steps: [{ waitDays: 0, condition: 'always', action: plainMessage }],
      });
      const night = await cycle();
      expect(night.deferred).toBe(2);
      const rows = await deliveryRows(db(), campaign.id);
      expect(rows.map((row) => [row.status, row.skip_reason, row.not_before.toISOString()])).toEqual([
        ['deferred', 'quiet_hours', fromShanghai(2026, 3, 19, 9).toISOString()],
        ['deferred', 'quiet_hours', fromShanghai(2026, 3, 19, 9).toISOString()],
      ]);
      expect(await messagesTo(openids)).toEqual([]);
      test.setNow(fromShanghai(2026, 3, 19, 8, 59));
      expect((await cycle()).sent).toBe(0);
      test.setNow(fromShanghai(2026, 3, 19, 9));
      expect((await cycle()).sent).toBe(2);
      expect((await messagesTo(openids)).sort()).toEqual([...openids].sort());
      await finish(campaign.id);
    });

    it('keeps the frequency cap across campaigns: a second message the same day waits for tomorrow', async () => {
      const tag = `cap-${randomUUID().slice(0, 8)}`;
      const openid = `openid-${randomUUID()}`;
      await campaignMember(db(), { credits: 5, openid, tags: [tag] });
      const step = { waitDays: 0, condition: 'always' as const, action: plainMessage };
      const first = await createAndStart(test, token, { ...tagged(tag), holdoutRatioBp: 0, steps: [step] });
      const second = await createAndStart(test, token, { ...tagged(tag), holdoutRatioBp: 0, steps: [step] });
      await cycle();
      expect(await messagesTo([openid])).toHaveLength(1);
      const [secondRow] = await deliveryRows(db(), second.id);
      expect(secondRow).toMatchObject({ status: 'deferred', skip_reason: 'frequency_cap' });
      expect(secondRow?.not_before.toISOString()).toBe(fromShanghai(2026, 3, 19, 9).toISOString());
      const third = await createAndStart(test, token, { ...tagged(tag), holdoutRatioBp: 0, steps: [step] });
      await cycle();
      expect(await messagesTo([openid])).toHaveLength(1);
      test.setNow(fromShanghai(2026, 3, 19, 9));
      await cycle();
      // One a day: the second goes out on the 19th; the third waits again (and the weekly cap of two then holds it).
      expect(await messagesTo([openid])).toHaveLength(2);
      const [thirdRow] = await deliveryRows(db(), third.id);
      expect(thirdRow?.status === 'deferred' || thirdRow?.status === 'skipped').toBe(true);
      expect(thirdRow?.skip_reason).toBe('frequency_cap');
      for (const campaign of [first, second, third]) await finish(campaign.id);
    });

    it('retries a transient WeChat error with backoff and sends once when WeChat recovers', async () => {
      const tag = `retry-${randomUUID().slice(0, 8)}`;
      const openid = `openid-${randomUUID()}`;
      const member = await campaignMember(db(), { credits: 1, openid, tags: [tag] });
      const fault = { path: '/cgi-bin/message/subscribe/send', errcode: 45009, times: 3 };
      expect(
        (
          await fetch(`${test.url}/sandbox/_control/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(fault),
          })
        ).status,
      ).toBe(201);
      const campaign = await createAndStart(test, token, {
        ...tagged(tag),
        holdoutRatioBp: 0,
        steps: [{ waitDays: 0, condition: 'always', action: plainMessage }],
      });
      expect(await cycle()).toMatchObject({ sent: 0, retried: 1 });
      const [row] = await execute<{ status: string; attempts: number; last_error: string; not_before: Date }>(
        db(),
        sql`select status, attempts, last_error, not_before from deliveries where campaign_id = ${campaign.id}`,
      );
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row?.last_error).toContain('45009');
      expect(row?.not_before.getTime()).toBe(NOON.getTime() + 120_000);
      expect(await messagesTo([openid])).toEqual([]);
      test.setNow(new Date(NOON.getTime() + 60_000));
      expect((await cycle()).sent).toBe(0);
      test.setNow(new Date(NOON.getTime() + 120_000));
      expect((await cycle()).sent).toBe(1);
      expect(await messagesTo([openid])).toEqual([openid]);
      const [credit] = await execute<{ credits: number }>(
        db(),
        sql`select credits from subscription_credits where member_id = ${member}`,
      );
      expect(credit?.credits).toBe(0);
      await finish(campaign.id);
    });

    it('gives a member without consent credit the coupon but no message; a refusal zeroes the credit', async () => {
      const tag = `consent-${randomUUID().slice(0, 8)}`;
      const withCredit = `openid-${randomUUID()}`;
      const withoutCredit = `openid-${randomUUID()}`;
      const refusing = `openid-refuse-${randomUUID()}`;
      const allowed = await campaignMember(db(), { credits: 1, openid: withCredit, tags: [tag] });
      const silent = await campaignMember(db(), { credits: 0, openid: withoutCredit, tags: [tag] });
      const refuser = await campaignMember(db(), { credits: 3, openid: refusing, tags: [tag] });
      const campaign = await createAndStart(test, token, {
        ...tagged(tag),
        holdoutRatioBp: 0,
        steps: [
          { waitDays: 0, condition: 'always', action: { type: 'coupon', couponTemplateId } },
          { waitDays: 0, condition: 'always', action: couponMessage },
        ],
      });
      await cycle();
      expect(await messagesTo([withCredit, withoutCredit, refusing])).toEqual([withCredit]);
      const [coupons] = await execute<{ members: number[] }>(
        db(),
        sql`select array_agg(member_id order by member_id) as members from coupons where campaign_id = ${campaign.id}`,
      );
      expect(coupons?.members).toEqual([allowed, silent, refuser].sort((a, b) => a - b));
      const rows = await deliveryRows(db(), campaign.id);
      expect(rows.find((row) => row.member_id === silent && row.channel === 'subscribe_message')).toMatchObject({
        status: 'skipped',
        skip_reason: 'no_consent',
      });
      expect(rows.find((row) => row.member_id === refuser && row.channel === 'subscribe_message')).toMatchObject({
        status: 'failed',
        skip_reason: 'user_refused',
      });
      const [credit] = await execute<{ credits: number }>(
        db(),
        sql`select credits from subscription_credits where member_id = ${refuser} and template_id = ${COUPON_TEMPLATE}`,
      );
      expect(credit?.credits).toBe(0);
      await finish(campaign.id);
    });

    it('stops issuing coupons when the budget is spent, and gives a do-not-contact member the coupon only', async () => {
      const tag = `budget-${randomUUID().slice(0, 8)}`;
      const reachable = await Promise.all(
        Array.from({ length: 3 }, () => campaignMember(db(), { credits: 1, openid: `openid-${randomUUID()}`, tags: [tag] })),
      );
      const dncOpenid = `openid-dnc-${randomUUID()}`;
      const dnc = await campaignMember(db(), { credits: 1, openid: dncOpenid, tags: [tag], doNotContact: true });
      // The coupon is worth ¥20: a ¥60 budget covers three of the four members.
      const campaign = await createAndStart(test, token, {
        ...tagged(tag),
        holdoutRatioBp: 0,
        budgetFen: 6_000,
        steps: [
          { waitDays: 0, condition: 'always', action: { type: 'coupon', couponTemplateId } },
          { waitDays: 0, condition: 'always', action: couponMessage },
          { waitDays: 0, condition: 'always', action: { type: 'followup_task', title: '回访', dueInDays: 2 } },
        ],
      });
      await cycle();
      await cycle();

      const [spent] = await execute<{ coupons: number; committed: number }>(
        db(),
        sql`select (select count(*)::int from coupons where campaign_id = ${campaign.id}) as coupons,
                   (select committed_fen::int from campaigns where id = ${campaign.id}) as committed`,
      );
      expect(spent).toEqual({ coupons: 3, committed: 6_000 });
      const rows = await deliveryRows(db(), campaign.id);
      const couponRows = rows.filter((row) => row.channel === 'coupon');
      expect(couponRows.filter((row) => row.status === 'sent')).toHaveLength(3);
      expect(couponRows.filter((row) => row.status !== 'sent')).toEqual([
        expect.objectContaining({ status: 'skipped', skip_reason: 'budget_exhausted' }),
      ]);

      // The do-not-contact member gets neither the message nor a rep's call, whatever their coupon did.
      expect(await messagesTo([dncOpenid])).toEqual([]);
      for (const channel of ['subscribe_message', 'followup_task']) {
        expect(rows.find((row) => row.member_id === dnc && row.channel === channel)).toMatchObject({
          status: 'skipped',
          skip_reason: 'do_not_contact',
        });
      }
      const [tasks] = await execute<{ n: number }>(
        db(),
        sql`select count(*)::int as n from followup_tasks where member_id = ${dnc}`,
      );
      expect(tasks?.n).toBe(0);
      // The others were not held back by the do-not-contact guard (their task waits for a rep or went to one).
      const others = rows.filter((row) => reachable.includes(row.member_id) && row.channel !== 'coupon');
      expect(others).toHaveLength(6);
      expect(others.filter((row) => row.skip_reason === 'do_not_contact')).toEqual([]);
      expect(await messagesTo(await openidsOf(reachable))).toHaveLength(3);
      await finish(campaign.id);
    });

    it('never sends anything to the holdout, and counts it in the preview and the report', async () => {
      const tag = `holdout-${randomUUID().slice(0, 8)}`;
      const openids = Array.from({ length: 40 }, () => `openid-${randomUUID()}`);
      const members: number[] = [];
      for (const openid of openids) members.push(await campaignMember(db(), { credits: 1, openid, tags: [tag] }));
      const created = await api<{ id: number }>(test, 'POST', '/admin/campaigns', token, {
        name: '春季回馈',
        kind: 'broadcast',
        ...tagged(tag),
        holdoutRatioBp: 5000,
        steps: [{ action: { type: 'coupon', couponTemplateId } }, { action: couponMessage }],
      });
      expect(created.status).toBe(201);
      const preview = await api<CampaignPreviewResponse>(test, 'POST', `/admin/campaigns/${created.body.id}/preview`, token);
      expect(preview.status).toBe(200);
      expect(preview.body.audience).toBe(40);
      expect(preview.body.holdout).toBeGreaterThan(5);
      expect(preview.body.holdout).toBeLessThan(35);
      expect(preview.body.treated).toBe(40 - preview.body.holdout);
      expect(preview.body.blocked).toMatchObject({ no_consent: 0, do_not_contact: 0, quiet_hours: 0 });
      expect(await execute(db(), sql`select 1 from deliveries where campaign_id = ${created.body.id}`)).toHaveLength(0);
      await api(test, 'POST', `/admin/campaigns/${created.body.id}/transition`, token, { action: 'start' });
      await cycle();
      const held = await execute<{ member_id: number }>(
        db(),
        sql`select member_id from campaign_enrollments where campaign_id = ${created.body.id} and holdout`,
      );
      expect(held).toHaveLength(preview.body.holdout);
      const heldIds = new Set(held.map((row) => row.member_id));
      const heldOpenids = openids.filter((_, index) => heldIds.has(members[index] ?? 0));
      expect(await messagesTo(heldOpenids)).toEqual([]);
      expect(await messagesTo(openids)).toHaveLength(40 - held.length);
      const [heldCoupons] = await execute<{ n: number }>(
        db(),
        sql`select count(*)::int as n from coupons where campaign_id = ${created.body.id}
            and member_id = any(${`{${[...heldIds].join(',')}}`}::bigint[])`,
      );
      expect(heldCoupons?.n).toBe(0);
      const buyer = members.find((id) => !heldIds.has(id)) ?? 0;
      await paidOrder(db(), buyer, new Date(NOON.getTime() + 3_600_000), 15_000);
      test.setNow(new Date(NOON.getTime() + 2 * 3_600_000));
      const report = await api<CampaignReportResponse>(test, 'GET', `/admin/campaigns/${created.body.id}/report`, token);
      expect(report.status).toBe(200);
      expect(report.body.audience).toBe(40);
      expect(report.body.holdout).toBe(held.length);
      expect(report.body.deliveries.skipped.holdout).toBe(held.length * 2);
      expect(report.body.deliveries.sent).toBe((40 - held.length) * 2);
      expect(report.body.treated).toMatchObject({ members: 40 - held.length, converted: 1, revenueFen: 15_000 });
      expect(report.body.control).toMatchObject({ members: held.length, converted: 0 });
      expect(report.body.coupons).toMatchObject({ issued: 40 - held.length, redeemed: 0 });
      expect(report.body.uplift.absolute).toBeCloseTo(1 / (40 - held.length), 10);
      await finish(created.body.id);
    });
  });
}
