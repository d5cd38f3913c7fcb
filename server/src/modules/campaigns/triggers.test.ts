import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { addDays, DEFAULT_TIER_CONFIG, fromShanghai, type CampaignTrigger } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { creditPoints } from '../points';
import { startTestServer, type TestServer } from '../../testing/server';
import { campaignMember, createAndStart, staffToken } from './campaigns.fixtures';
import { planCampaigns } from './index';

const NOW = fromShanghai(2026, 3, 18, 12);

for (const kind of DATABASE_KINDS) {
  describe(`triggered campaigns enroll on each kind of fact [${kind}]`, () => {
    let test: TestServer;
    let token: string;
    const db = () => test.testDatabase.database.db;

    beforeAll(async () => {
      test = await startTestServer(kind, { now: addDays(NOW, -2) });
      token = await staffToken(test, 'operator');
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('fires for the members the fact names, once, and not for facts from before the campaign started', async () => {
      const tag = `trigger-${randomUUID().slice(0, 6)}`;
      const member = () => campaignMember(db(), { tags: [tag] });
      const birthday = await member();
      const notBirthday = await member();
      const cart = await member();
      const cartBought = await member();
      const expiring = await member();
      const lifecycle = await member();
      const downgraded = await member();
      const oldFact = await member();
      const fading = await member();
      const campaigns = new Map<string, number>();
      const triggers: CampaignTrigger[] = [
        { kind: 'birthday' },
        { kind: 'cart_abandoned', hours: 24 },
        { kind: 'points_expiring', days: 30 },
        { kind: 'entered_lifecycle', stage: 'sleeping' },
        { kind: 'tier_down' },
        { kind: 'p_alive_below', below: 0.3 },
      ];
      await db().execute(
        sql`insert into member_triggers (member_id, kind, dedupe_key, occurred_at) values (${oldFact}, 'tier_down', 'old', ${addDays(NOW, -3)})`,
      );
      for (const trigger of triggers) {
        const campaign = await createAndStart(test, token, {
          kind: 'triggered',
          trigger,
          rule: { field: 'tags', op: 'containsAny', value: [tag] } as never,
          holdoutRatioBp: 0,
          steps: [{ waitDays: 0, condition: 'always', action: { type: 'tag', tag: trigger.kind } }],
        });
        campaigns.set(trigger.kind, campaign.id);
      }
      test.setNow(NOW);
      await db().execute(sql`update members set birthday = '1990-03-18' where id = ${birthday}`);
      await db().execute(sql`update members set birthday = '1990-03-19' where id = ${notBirthday}`);
      await db().execute(
        sql`insert into member_activity (member_id, event_type, event_count, first_at, last_at)
            values (${cart}, 'add_to_cart', 1, ${addDays(NOW, -1.5)}, ${addDays(NOW, -1.5)}),
                   (${cartBought}, 'add_to_cart', 1, ${addDays(NOW, -1.5)}, ${addDays(NOW, -1.5)})`,
      );
      await db().execute(sql`update member_metrics set last_order_at = ${addDays(NOW, -1)} where member_id = ${cartBought}`);
      await db().transaction((tx) =>
        creditPoints(tx, {
          memberId: expiring,
          kind: 'bonus',
          points: 300,
          idempotencyKey: `test:${expiring}`,
          earnedAt: addDays(NOW, -300),
          expiresAt: addDays(NOW, 20),
        }),
      );
      await db().execute(
        sql`insert into segment_changes (member_id, dimension, from_value, to_value, as_of)
            values (${lifecycle}, 'lifecycle', 'silent', 'sleeping', ${addDays(NOW, -0.5)})`,
      );
      await db().execute(
        sql`insert into member_triggers (member_id, kind, dedupe_key, occurred_at) values (${downgraded}, 'tier_down', 'gold:review', ${NOW})`,
      );
      await db().execute(
        sql`update member_metrics set p_alive = 0.1, orders_total = 2, frequency_365 = 2 where member_id = ${fading}`,
      );
      await planCampaigns(test.server);
      await planCampaigns(test.server, addDays(NOW, 0.01));
      const enrolled = async (kindName: string) =>
        (
          await execute<{ member_id: number }>(
            db(),
            sql`select member_id from campaign_enrollments where campaign_id = ${campaigns.get(kindName) ?? 0} order by member_id`,
          )
        ).map((row) => row.member_id);
      expect(await enrolled('birthday')).toEqual([birthday]);
      expect(await enrolled('cart_abandoned')).toEqual([cart]);
      expect(await enrolled('points_expiring')).toEqual([expiring]);
      expect(await enrolled('entered_lifecycle')).toEqual([lifecycle]);
      expect(await enrolled('tier_down')).toEqual([downgraded]);
      expect(await enrolled('p_alive_below')).toEqual([fading]);
    });

    it('gives the birthday coupon by the tier benefits in force: only tiers whose benefits include it', async () => {
      test.setNow(NOW);
      const operator = await staffToken(test, 'operator');
      const tag = `birthday-tier-${randomUUID().slice(0, 6)}`;
      const byTier = {} as Record<'normal' | 'silver' | 'gold', number>;
      for (const tier of ['normal', 'silver', 'gold'] as const) {
        byTier[tier] = await campaignMember(db(), { tags: [tag] });
        await db().execute(sql`update members set tier = ${tier}, birthday = '1992-03-18' where id = ${byTier[tier]}`);
      }
      const birthdayCampaign = () =>
        createAndStart(test, operator, {
          kind: 'triggered',
          trigger: { kind: 'birthday', tierBenefitOnly: true },
          rule: { field: 'tags', op: 'containsAny', value: [tag] } as never,
          holdoutRatioBp: 0,
          steps: [{ waitDays: 0, condition: 'always', action: { type: 'tag', tag: 'birthday-coupon' } }],
        });
      const enrolledIn = async (campaignId: number) =>
        (
          await execute<{ member_id: number }>(
            db(),
            sql`select member_id from campaign_enrollments where campaign_id = ${campaignId} order by member_id`,
          )
        ).map((row) => row.member_id);

      const withDefaults = await birthdayCampaign();
      await planCampaigns(test.server, NOW);
      // Default tier rules: 普通 has no birthday coupon, 银卡 and 金卡 do.
      expect(await enrolledIn(withDefaults.id)).toEqual([byTier.silver, byTier.gold]);

      const tiers = DEFAULT_TIER_CONFIG.tiers;
      const edited = {
        ...DEFAULT_TIER_CONFIG,
        tiers: {
          ...tiers,
          normal: { ...tiers.normal, benefits: { ...tiers.normal.benefits, birthdayCoupon: true } },
          gold: { ...tiers.gold, benefits: { ...tiers.gold.benefits, birthdayCoupon: false } },
        },
      };
      await db().execute(
        sql`insert into rule_configs (kind, version, config, effective_from)
            values ('tier', 90, ${JSON.stringify(edited)}::jsonb, ${addDays(NOW, -1)})`,
      );
      const withEdited = await birthdayCampaign();
      await planCampaigns(test.server, addDays(NOW, 0.01));
      expect(await enrolledIn(withEdited.id)).toEqual([byTier.normal, byTier.silver]);
    });

    it('runs a recurring campaign at its Shanghai cron minute, once per firing', async () => {
      const tag = `weekly-${randomUUID().slice(0, 6)}`;
      const first = await campaignMember(db(), { tags: [tag] });
      const second = await campaignMember(db(), { tags: [tag] });
      test.setNow(fromShanghai(2026, 3, 18, 9, 30));
      const campaign = await createAndStart(test, await staffToken(test, 'operator'), {
        kind: 'recurring',
        cron: '0 10 * * *',
        rule: { field: 'tags', op: 'containsAny', value: [tag] } as never,
        holdoutRatioBp: 0,
        steps: [{ waitDays: 0, condition: 'always', action: { type: 'points', points: 10 } }],
      });
      const entries = async () =>
        (
          await execute<{ entry_key: string }>(
            db(),
            sql`select entry_key from campaign_enrollments where campaign_id = ${campaign.id} order by entry_key, member_id`,
          )
        ).map((row) => row.entry_key);
      await planCampaigns(test.server, fromShanghai(2026, 3, 18, 9, 59));
      expect(await entries()).toEqual([]);
      await planCampaigns(test.server, fromShanghai(2026, 3, 18, 10, 0));
      await planCampaigns(test.server, fromShanghai(2026, 3, 18, 10, 0, 30));
      expect(await entries()).toEqual(['run:2026-03-18T10:00', 'run:2026-03-18T10:00']);
      await planCampaigns(test.server, fromShanghai(2026, 3, 19, 10, 0));
      expect(await entries()).toHaveLength(4);
      const [points] = await execute<{ members: number[] }>(
        db(),
        sql`select array_agg(distinct member_id order by member_id) as members from deliveries where campaign_id = ${campaign.id}`,
      );
      expect(points?.members).toEqual([first, second]);
    });
  });
}
