import { sql } from 'drizzle-orm';
import type { CampaignView, SegmentPreviewResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../scripts/src/seed';
import { DATABASE_KINDS, execute } from '../../db';
import { callApi, staffHeaders, type Headers } from '../../testing/http';
import { TEST_PHONE_KEYS } from '../../testing/seeded-server';
import { startTestServer, type TestServer } from '../../testing/server';
import { insertCouponMessageTemplate, plainMessage } from '../campaigns/campaigns.fixtures';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

type ErrorBody = { error: { code: string; message: string; fields?: { field: string; message: string }[] } };

const eventCondition = (days: number) => ({ event: 'page_view', window: { lastDays: days }, op: 'gte', value: 1 });
/** The rule of issue #13: valid in shape, 61 s on 5,000 members. */
const HUNDRED_DECADE_EVENT_CONDITIONS = { all: Array.from({ length: 100 }, () => eventCondition(3660)) };
/** Within the budget (10 event conditions × 366 days), yet not instant: it counts events for every member 10 times. */
const WITHIN_BUDGET = { all: Array.from({ length: 10 }, () => eventCondition(366)) };

for (const kind of DATABASE_KINDS) {
  describe(`segment rule budget and preview timeout [${kind}]`, () => {
    let test: TestServer;
    let operator: Headers;
    const count = async (table: 'segments' | 'campaigns') =>
      (await execute<{ n: number }>(test.testDatabase.database.db, sql`select count(*)::int as n from ${sql.raw(table)}`))[0]?.n;

    beforeAll(async () => {
      // A 1 ms preview limit: any real rule runs past it on PostgreSQL, so the cut is deterministic.
      test = await startTestServer(kind, {
        now: SEEDED_AT,
        env: {
          PHONE_ENCRYPTION_KEY: TEST_PHONE_KEYS.encryptionKey.toString('base64'),
          PHONE_HASH_KEY: TEST_PHONE_KEYS.hashKey.toString('base64'),
          SEGMENT_PREVIEW_TIMEOUT_MS: '1',
        },
      });
      await seedDemoShop(test.testDatabase.database, {
        phoneKeys: TEST_PHONE_KEYS,
        now: SEEDED_AT,
        seed: 'rule-limits',
        members: 150,
      });
      await insertCouponMessageTemplate(test.testDatabase.database.db);
      operator = await staffHeaders(test, 'operator', 'operator123456');
    }, 180_000);

    afterAll(async () => {
      await test?.stop();
    });

    it('refuses the 100 × 3,660-day event rule in preview, save and campaigns with 400 naming the parts, writing nothing', async () => {
      const expectedFields = [
        { field: 'body.rule.all.1.window', message: expect.stringContaining('时间窗口合计最多 3660 天') },
        { field: 'body.rule.all.10', message: expect.stringContaining('事件次数条件最多 10 个') },
      ];
      const preview = await callApi<ErrorBody>(test, 'POST', '/api/admin/segments/preview', operator, {
        rule: HUNDRED_DECADE_EVENT_CONDITIONS,
      });
      expect(preview.status).toBe(400);
      expect(preview.body.error.fields).toEqual(expectedFields);

      const segmentsBefore = await count('segments');
      const save = await callApi<ErrorBody>(test, 'POST', '/api/admin/segments', operator, {
        name: '太贵的规则',
        rule: HUNDRED_DECADE_EVENT_CONDITIONS,
      });
      expect(save.status).toBe(400);
      expect(save.body.error.fields).toEqual(expectedFields);
      expect(await count('segments')).toBe(segmentsBefore);

      const campaignsBefore = await count('campaigns');
      const campaign = await callApi<ErrorBody>(test, 'POST', '/api/admin/campaigns', operator, {
        name: '太贵的活动',
        kind: 'broadcast',
        rule: HUNDRED_DECADE_EVENT_CONDITIONS,
        steps: [{ action: plainMessage }],
      });
      expect(campaign.status).toBe(400);
      expect(campaign.body.error.fields?.map((f) => f.field)).toEqual(['body.rule.all.1.window', 'body.rule.all.10']);
      expect(await count('campaigns')).toBe(campaignsBefore);
    });

    it('cuts previews and saves of a rule within the budget that run past the timeout, writing nothing and freeing the connection (PostgreSQL)', async () => {
      const preview = await callApi<ErrorBody & SegmentPreviewResponse>(test, 'POST', '/api/admin/segments/preview', operator, {
        rule: WITHIN_BUDGET,
      });
      if (kind === 'pglite') {
        // PGlite has no statement timeout: in the embedded database the budget alone bounds a preview.
        expect(preview.status).toBe(200);
        return;
      }
      expect(preview.status).toBe(422);
      expect(preview.body.error).toEqual({
        code: 'RULE_TOO_COSTLY',
        message: '规则计算超过 1 毫秒被中止：请减少条件（尤其是事件次数条件）或缩短事件时间窗口后再试',
      });

      const segmentsBefore = await count('segments');
      const save = await callApi<ErrorBody>(test, 'POST', '/api/admin/segments', operator, {
        name: '超时的人群',
        rule: WITHIN_BUDGET,
      });
      expect(save.status).toBe(422);
      expect(save.body.error.code).toBe('RULE_TOO_COSTLY');
      expect(await count('segments')).toBe(segmentsBefore);

      const created = await callApi<CampaignView>(test, 'POST', '/api/admin/campaigns', operator, {
        name: '预览超时的活动',
        kind: 'broadcast',
        rule: WITHIN_BUDGET,
        steps: [{ action: plainMessage }],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const campaignPreview = await callApi<ErrorBody>(test, 'POST', `/api/admin/campaigns/${created.body.id}/preview`, operator);
      expect(campaignPreview.status).toBe(422);
      expect(campaignPreview.body.error.code).toBe('RULE_TOO_COSTLY');

      // Nothing left running, and the next request is served as usual.
      const [running] = await execute<{ n: number }>(
        test.testDatabase.database.db,
        sql`select count(*)::int as n from pg_stat_activity
             where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
      );
      expect(running?.n).toBe(0);
      expect((await callApi(test, 'GET', '/api/admin/segments', operator)).status).toBe(200);
    });
  });
}
