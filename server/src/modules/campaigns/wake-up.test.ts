import { sql } from 'drizzle-orm';
import { addDays, fromShanghai, type CampaignReportResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { type TestServer } from '../../testing/server';
import { startSeededTestServer } from '../../testing/seeded-server';
import { api, paidOrder, sandboxMessages, staffToken } from './campaigns.fixtures';
import { drainOutbox, planCampaigns } from './index';

const SEEDED_AT = fromShanghai(2026, 3, 15, 12);
const FIRST_DAY = fromShanghai(2026, 3, 16, 10);

type EnrollmentRow = {
  member_id: number;
  holdout: boolean;
  exit_reason: string | null;
  current_step: number;
};

for (const kind of DATABASE_KINDS) {
  describe(`built-in wake-up journey replayed over 21 days [${kind}]`, () => {
    let test: TestServer;
    const db = () => test.testDatabase.database.db;

    beforeAll(async () => {
      test = await startSeededTestServer(kind, { now: SEEDED_AT, seed: 'wake-up-test', members: 150 });
    }, 300_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('moves sleeping members through its three steps and stops for those who bought', async () => {
      const [campaign] = await execute<{ id: number; status: string }>(
        db(),
        sql`select id, status from campaigns where builtin_code = 'wake_up'`,
      );
      expect(campaign?.status).toBe('running');
      const id = campaign?.id ?? 0;
      const steps = await execute<{ id: number; position: number }>(
        db(),
        sql`select id, position from campaign_steps where campaign_id = ${id} order by position`,
      );
      expect(steps).toHaveLength(4);
      const stepId = (position: number) => steps[position]?.id ?? 0;
      const enrollments = () =>
        execute<EnrollmentRow>(
          db(),
          sql`select member_id, holdout, exit_reason, current_step from campaign_enrollments where campaign_id = ${id}
              order by member_id`,
        );
      const sentTo = async (position: number) =>
        (
          await execute<{ member_id: number }>(
            db(),
            sql`select member_id from deliveries where step_id = ${stepId(position)} and status = 'sent' order by member_id`,
          )
        ).map((row) => row.member_id);

      let buyers: number[] = [];
      for (let day = 0; day <= 21; day++) {
        const at = addDays(FIRST_DAY, day);
        test.setNow(at);
        if (day === 3) {
          const treated = (await enrollments()).filter((row) => !row.holdout);
          buyers = treated.filter((_, index) => index % 2 === 0).map((row) => row.member_id);
          for (const member of buyers) {
            await paidOrder(db(), member, addDays(at, -0.1), 18_800);
            await db().execute(
              sql`update member_metrics set lifecycle = 'active', last_order_at = ${addDays(at, -0.1)} where member_id = ${member}`,
            );
          }
        }
        await planCampaigns(test.server, at);
        await drainOutbox(test.server);
        if (day === 0) {
          const entered = await enrollments();
          expect(entered.length).toBeGreaterThan(10);
          expect(entered.every((row) => row.current_step === 2)).toBe(true);
          const treated = entered.filter((row) => !row.holdout).map((row) => row.member_id);
          expect(await sentTo(0)).toEqual(treated);
          expect(await sentTo(2)).toEqual([]);
          const messaged = await sentTo(1);
          expect(messaged.length).toBeGreaterThan(0);
          expect(messaged.every((member) => treated.includes(member))).toBe(true);
          const openids = await execute<{ openid: string }>(
            db(),
            sql`select openid from members where id = any(${`{${messaged.join(',')}}`}::bigint[])`,
          );
          const inbox = (await sandboxMessages(test)).filter((message) => message.template_id === 'demo-tpl-coupon-arrived');
          expect(inbox.map((message) => message.touser).sort()).toEqual(openids.map((row) => row.openid).sort());
          expect(inbox[0]?.data.thing1?.value).toBe('老友回归 无门槛15元');
        }
        if (day === 6) expect(await sentTo(2)).toEqual([]);
        if (day === 7) {
          const all = await enrollments();
          const stillSleeping = all.filter((row) => !row.holdout && !buyers.includes(row.member_id)).map((row) => row.member_id);
          expect(stillSleeping.length).toBeGreaterThan(0);
          expect(await sentTo(2)).toEqual(stillSleeping);
          expect(all.filter((row) => buyers.includes(row.member_id)).every((row) => row.exit_reason === 'converted')).toBe(true);
          expect(await sentTo(3)).toEqual([]);
        }
      }
      const final = await enrollments();
      const treated = final.filter((row) => !row.holdout);
      const finishers = treated.filter((row) => !buyers.includes(row.member_id)).map((row) => row.member_id);
      expect(final.filter((row) => !buyers.includes(row.member_id)).every((row) => row.exit_reason === 'completed')).toBe(true);
      const tasks = await execute<{ member_id: number; title: string; rep_id: number }>(
        db(),
        sql`select member_id, title, rep_id from followup_tasks where campaign_id = ${id} order by member_id`,
      );
      expect(tasks.map((task) => task.member_id)).toEqual(finishers);
      expect(tasks.every((task) => task.title.startsWith('沉睡会员回访（话术：'))).toBe(true);
      const [held] = await execute<{ coupons: number; tasks: number; sent: number }>(
        db(),
        sql`select (select count(*)::int from coupons c join campaign_enrollments e on e.member_id = c.member_id
                    where c.campaign_id = ${id} and e.campaign_id = ${id} and e.holdout) as coupons,
                   (select count(*)::int from followup_tasks t join campaign_enrollments e on e.member_id = t.member_id
                    where t.campaign_id = ${id} and e.campaign_id = ${id} and e.holdout) as tasks,
                   (select count(*)::int from deliveries where campaign_id = ${id} and holdout and status <> 'skipped') as sent`,
      );
      expect(held).toEqual({ coupons: 0, tasks: 0, sent: 0 });
      const [repeat] = await execute<{ n: number }>(
        db(),
        sql`select count(*)::int as n from (select member_id, step_id from deliveries where campaign_id = ${id}
                                             group by member_id, step_id having count(*) > 1) twice`,
      );
      expect(repeat?.n).toBe(0);
      const token = await staffToken(test, 'operator');
      const report = await api<CampaignReportResponse>(test, 'GET', `/admin/campaigns/${id}/report`, token);
      expect(report.body.audience).toBe(final.length);
      expect(report.body.treated.converted).toBe(buyers.length);
      expect(report.body.coupons.issued).toBe(treated.length + finishers.length);
    }, 300_000);
  });
}
