/**
 * Campaign benchmark on a fresh database behind a real server with the sandbox WeChat: load `members` members with
 * one subscribe credit each, time the scheduler planning a broadcast to all of them (enrollment with the holdout
 * hash plus one outbox row each, set-based), then time the delivery worker draining `deliveries` of those rows
 * through the subscribe-message adapter to the sandbox over HTTP.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { type DatabaseKind, execute } from '../../../server/src/db';
import { createCampaign, transitionCampaign } from '../../../server/src/modules/campaigns/campaigns.service';
import { drainOutbox, planCampaigns } from '../../../server/src/modules/campaigns/index';
import { startTestServer } from '../../../server/src/testing/server';

export interface CampaignsBenchOptions {
  kind: DatabaseKind;
  members: number;
  deliveries: number;
  batchSize?: number;
}

export interface CampaignsBenchResult {
  database: DatabaseKind;
  members: number;
  loadMs: number;
  planMs: number;
  enrolled: number;
  holdout: number;
  outboxRows: number;
  drained: number;
  sent: number;
  drainMs: number;
  deliveriesPerSecond: number;
  batchSize: number;
}

export const CAMPAIGN_BENCH_SIZES: Record<DatabaseKind, { members: number; deliveries: number }> = {
  postgres: { members: 100_000, deliveries: 20_000 },
  pglite: { members: 20_000, deliveries: 5_000 },
};

const TEMPLATE = 'bench-tpl-activity';

export async function runCampaignsBench(options: CampaignsBenchOptions): Promise<CampaignsBenchResult> {
  const batchSize = options.batchSize ?? 1000;
  const test = await startTestServer(options.kind, { env: { CAMPAIGN_SENDS_PER_SECOND: '100000' } });
  try {
    const db = test.testDatabase.database.db;
    const t0 = performance.now();
    await db.execute(sql`insert into subscribe_templates (template_id, title, fields)
                         values (${TEMPLATE}, '活动提醒', ${JSON.stringify([
                           { key: 'thing1', type: 'thing', label: '活动名称' },
                           { key: 'date2', type: 'date', label: '活动时间' },
                         ])}::jsonb)`);
    await db.execute(
      sql`insert into members (openid) select 'obench-openid-' || g from generate_series(1, ${options.members}) g`,
    );
    await db.execute(
      sql`insert into subscription_credits (member_id, template_id, credits) select id, ${TEMPLATE}, 1 from members`,
    );
    await db.execute(sql`analyze`);
    const loadMs = performance.now() - t0;
    const campaign = await createCampaign(
      test.server,
      {
        name: '会员日',
        kind: 'broadcast',
        holdoutRatioBp: 1000,
        attributionDays: 7,
        excludeContactedDays: 0,
        steps: [
          {
            waitDays: 0,
            condition: 'always',
            action: {
              type: 'subscribe_message',
              templateId: TEMPLATE,
              data: { thing1: '会员日全场满100减20', date2: '{{today}}' },
            },
          },
        ],
      },
      null,
    );
    await transitionCampaign(test.server, campaign.id, 'start');
    const t1 = performance.now();
    const plan = await planCampaigns(test.server);
    const planMs = performance.now() - t1;
    const [counts] = await execute<{ holdout: number; outbox: number }>(
      db,
      sql`select (select count(*)::int from campaign_enrollments where holdout) as holdout,
                 (select count(*)::int from deliveries where status = 'pending') as outbox`,
    );
    const t2 = performance.now();
    const drained = await drainOutbox(test.server, { batchSize, maxBatches: Math.ceil(options.deliveries / batchSize) });
    const drainMs = performance.now() - t2;
    const done = drained.sent + drained.skipped + drained.failed + drained.deferred;
    return {
      database: options.kind,
      members: options.members,
      loadMs: Math.round(loadMs),
      planMs: Math.round(planMs),
      enrolled: plan.enrolled,
      holdout: counts?.holdout ?? 0,
      outboxRows: counts?.outbox ?? 0,
      drained: done,
      sent: drained.sent,
      drainMs: Math.round(drainMs),
      deliveriesPerSecond: Math.round((done / drainMs) * 1000),
      batchSize,
    };
  } finally {
    await test.stop();
  }
}
