import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { addDays, fromShanghai } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { startTestServer, type TestServer } from '../../testing/server';
import { api, campaignMember, createAndStart, staffToken } from './campaigns.fixtures';
import { drainOutbox, planCampaigns } from './index';

const ENTRY = fromShanghai(2026, 3, 18, 10);

for (const kind of DATABASE_KINDS) {
  describe(`journey branches and pausing [${kind}]`, () => {
    let test: TestServer;
    const db = () => test.testDatabase.database.db;

    beforeAll(async () => {
      test = await startTestServer(kind, { now: addDays(ENTRY, -0.01) });
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('branches on whether the member opened the mini-program, and a paused journey waits', async () => {
      const tag = `journey-${randomUUID().slice(0, 6)}`;
      const opener = await campaignMember(db(), { tags: [tag] });
      const idle = await campaignMember(db(), { tags: [tag] });
      const token = await staffToken(test, 'operator');
      const campaign = await createAndStart(test, token, {
        kind: 'journey',
        cron: '0 10 * * *',
        rule: { field: 'tags', op: 'containsAny', value: [tag] } as never,
        holdoutRatioBp: 0,
        steps: [
          { waitDays: 0, condition: 'always', action: { type: 'tag', tag: '已触达' } },
          { waitDays: 2, condition: 'opened', action: { type: 'tag', tag: '已回访' } },
          { waitDays: 0, condition: 'not_opened', action: { type: 'tag', tag: '未打开' } },
        ],
      });
      const run = async (at: Date) => {
        test.setNow(at);
        await planCampaigns(test.server, at);
        await drainOutbox(test.server);
      };
      const tagsOf = async (member: number) =>
        (await execute<{ tags: string[] }>(db(), sql`select tags from members where id = ${member}`))[0]?.tags.filter(
          (t) => t !== tag,
        );
      await run(ENTRY);
      expect(await tagsOf(opener)).toEqual(['已触达']);
      await db().execute(
        sql`insert into member_activity (member_id, event_type, event_count, first_at, last_at)
            values (${opener}, 'page_view', 1, ${addDays(ENTRY, 1)}, ${addDays(ENTRY, 1)})`,
      );
      await api(test, 'POST', `/admin/campaigns/${campaign.id}/transition`, token, { action: 'pause' });
      await run(addDays(ENTRY, 2));
      expect(await tagsOf(opener)).toEqual(['已触达']);
      expect(await tagsOf(idle)).toEqual(['已触达']);
      const resumeToken = await staffToken(test, 'operator');
      await api(test, 'POST', `/admin/campaigns/${campaign.id}/transition`, resumeToken, { action: 'resume' });
      await run(addDays(ENTRY, 2.01));
      expect(await tagsOf(opener)).toEqual(['已触达', '已回访']);
      expect(await tagsOf(idle)).toEqual(['已触达', '未打开']);
      const exits = await execute<{ exit_reason: string }>(
        db(),
        sql`select exit_reason from campaign_enrollments where campaign_id = ${campaign.id}`,
      );
      expect(exits.map((row) => row.exit_reason)).toEqual(['completed', 'completed']);
    });
  });
}
