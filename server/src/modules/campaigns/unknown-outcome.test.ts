import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { fromShanghai, type CampaignReportResponse } from '@member-ops/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS, execute, openDatabase, type Database } from '../../db';
import type { ServerContext } from '../../server';
import type { TestServer } from '../../testing/server';
import type { WechatClient } from '../../wechat';
import {
  api,
  couponMessageCredits,
  createAndStart,
  plainMessage,
  plannedBroadcast,
  resetCampaignServer,
  sandboxMessages,
  staffToken,
  startCampaignServer,
} from './campaigns.fixtures';
import { drainOutbox, planCampaigns } from './index';

const NOON = fromShanghai(2026, 3, 18, 12);
const LEASE_MS = 60_000;

/** What a worker process dying with kill -9 leaves behind: its sends never return an answer to record. */
class WorkerKilled extends Error {}

/**
 * The server's context with a WeChat client whose process "dies" mid-send: the first `reaching` messages reach
 * the sandbox WeChat, the rest never leave; no answer ever comes back, so no outcome is written.
 */
function dyingWorker(context: ServerContext, reaching: number): ServerContext {
  let handed = 0;
  const real = context.wechat.wechat;
  const wechat: WechatClient = {
    ...real,
    sendSubscribeMessage: async (message) => {
      if (handed >= reaching) throw new WorkerKilled('killed before this send');
      handed++;
      await real.sendSubscribeMessage(message);
      throw new WorkerKilled('killed before the answer was written');
    },
  };
  return { ...context, wechat: { ...context.wechat, wechat } };
}

/** The server's context with a WeChat client whose answers are held until `release` is called. */
function slowAnswers(context: ServerContext): { context: ServerContext; release: () => void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const real = context.wechat.wechat;
  const wechat: WechatClient = {
    ...real,
    sendSubscribeMessage: async (message) => {
      const answer = await real.sendSubscribeMessage(message);
      await gate;
      return answer;
    },
  };
  return { context: { ...context, wechat: { ...context.wechat, wechat } }, release };
}

for (const kind of DATABASE_KINDS) {
  describe(`campaign messages whose outcome is unknown [${kind}]`, () => {
    let test: TestServer;
    let token: string;
    const db = () => test.testDatabase.database.db;
    const tagged = (tag: string) => ({ rule: { field: 'tags', op: 'containsAny', value: [tag] } as never });

    const broadcast = (count: number, otherTags: string[] = []) => plannedBroadcast(test, token, count, otherTags);
    const received = async (openids: string[]) =>
      (await sandboxMessages(test)).filter((message) => openids.includes(message.touser)).map((message) => message.touser);
    const states = async (campaignId: number) =>
      execute<{ status: string; skip_reason: string | null; sent: boolean; last_error: string | null }>(
        db(),
        sql`select status, skip_reason, sent_at is not null as sent, last_error from deliveries where campaign_id = ${campaignId}`,
      );
    const report = async (id: number, bearer = token) => {
      const answer = await api<CampaignReportResponse>(test, 'GET', `/admin/campaigns/${id}/report`, bearer);
      expect(answer.status).toBe(200);
      return answer.body;
    };

    beforeAll(async () => {
      ({ test, token } = await startCampaignServer(kind, NOON));
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });
    beforeEach(() => resetCampaignServer(test, NOON));

    it('a worker killed between the send and its answer leaves unknown outcomes: never re-sent, each credit used once', async () => {
      const { campaign, openids, members } = await broadcast(12);
      // 7 of the 12 reserved messages reach WeChat before the worker dies; the other 5 never leave.
      await expect(drainOutbox(dyingWorker(test.server, 7), { leaseMs: LEASE_MS, sendsPerSecond: 1000 })).rejects.toThrow(
        WorkerKilled,
      );
      await vi.waitFor(async () => expect(await received(openids)).toHaveLength(7), { timeout: 10_000 });
      const reserved = await states(campaign.id);
      expect(reserved.map((row) => [row.status, row.last_error])).toEqual(Array(12).fill(['pending', 'in_flight']));
      expect(await couponMessageCredits(db(), members)).toEqual(Array(12).fill(2));

      // Within the lease another worker (or the restarted one) leaves them alone: the dead one may still hold them.
      expect(await drainOutbox(test.server, { leaseMs: LEASE_MS })).toMatchObject({ sent: 0, unknown: 0, batches: 0 });
      expect((await states(campaign.id)).map((row) => row.status)).toEqual(Array(12).fill('pending'));

      // After the lease, two workers recover at once: each message is settled once, as unknown.
      test.setNow(new Date(NOON.getTime() + LEASE_MS + 1));
      const [first, second] = await Promise.all([drainOutbox(test.server), drainOutbox(test.server)]);
      expect((first?.unknown ?? 0) + (second?.unknown ?? 0)).toBe(12);
      expect((first?.sent ?? 0) + (second?.sent ?? 0)).toBe(0);
      const settled = await states(campaign.id);
      expect(settled).toEqual(Array(12).fill({ status: 'unknown', skip_reason: 'interrupted', sent: true, last_error: null }));
      expect(await couponMessageCredits(db(), members)).toEqual(Array(12).fill(1));

      // Later runs, a day on (no frequency cap in the way), send nothing again and use no more credit.
      test.setNow(fromShanghai(2026, 3, 19, 12));
      expect(await drainOutbox(test.server)).toMatchObject({ sent: 0, unknown: 0, failed: 0 });
      const delivered = await received(openids);
      expect(delivered).toHaveLength(7);
      expect(new Set(delivered).size).toBe(7);
      expect(await couponMessageCredits(db(), members)).toEqual(Array(12).fill(1));

      const body = await report(campaign.id, await staffToken(test, 'operator'));
      expect(body.deliveries).toMatchObject({ total: 12, sent: 0, unknown: 12, failed: 0, pending: 0, skipped: {} });
      expect(body.steps[0]).toMatchObject({ unknown: 12, sent: 0 });
    });

    it('counts a recovered message as a contact for the frequency cap', async () => {
      const tag = `t-${randomUUID().slice(0, 8)}`;
      const { campaign, members } = await broadcast(1, [tag]);
      await expect(drainOutbox(dyingWorker(test.server, 1), { leaseMs: LEASE_MS })).rejects.toThrow(WorkerKilled);
      test.setNow(new Date(NOON.getTime() + LEASE_MS + 1));
      expect(await drainOutbox(test.server)).toMatchObject({ unknown: 1 });
      // A second campaign the same day waits for tomorrow, as after a confirmed send.
      const [member] = members;
      const next = await createAndStart(test, token, {
        ...tagged(tag),
        holdoutRatioBp: 0,
        steps: [{ waitDays: 0, condition: 'always', action: plainMessage }],
      });
      await planCampaigns(test.server);
      await drainOutbox(test.server);
      expect((await states(next.id)).map((row) => [row.status, row.skip_reason])).toEqual([['deferred', 'frequency_cap']]);
      const [contacted] = await execute<{ at: Date | null }>(
        db(),
        sql`select last_contacted_at as at from member_metrics where member_id = ${member}`,
      );
      expect(contacted?.at?.toISOString()).toBe(NOON.toISOString());
      expect((await report(campaign.id)).deliveries.unknown).toBe(1);
    });

    it('a late answer proving the send turns unknown into sent without using the credit twice', async () => {
      const { campaign, openids, members } = await broadcast(4);
      const slow = slowAnswers(test.server);
      const running = drainOutbox(slow.context, { leaseMs: LEASE_MS });
      await vi.waitFor(async () => expect(await received(openids)).toHaveLength(4), { timeout: 10_000 });
      test.setNow(new Date(NOON.getTime() + LEASE_MS + 1));
      expect(await drainOutbox(test.server)).toMatchObject({ unknown: 4, sent: 0 });
      expect(await couponMessageCredits(db(), members)).toEqual(Array(4).fill(1));
      slow.release();
      expect(await running).toMatchObject({ sent: 4 });
      expect((await states(campaign.id)).map((row) => row.status)).toEqual(Array(4).fill('sent'));
      expect(await couponMessageCredits(db(), members)).toEqual(Array(4).fill(1));
      expect(await received(openids)).toHaveLength(4);
      expect((await report(campaign.id)).deliveries).toMatchObject({ sent: 4, unknown: 0 });
    });

    it('finishing a campaign leaves its messages in flight to their answer', async () => {
      const { campaign, openids, members } = await broadcast(3);
      const slow = slowAnswers(test.server);
      const running = drainOutbox(slow.context, { leaseMs: LEASE_MS });
      await vi.waitFor(async () => expect(await received(openids)).toHaveLength(3), { timeout: 10_000 });
      const finished = await api(test, 'POST', `/admin/campaigns/${campaign.id}/transition`, token, { action: 'finish' });
      expect(finished.status).toBe(200);
      slow.release();
      await running;
      expect((await states(campaign.id)).map((row) => row.status)).toEqual(Array(3).fill('sent'));
      expect(await couponMessageCredits(db(), members)).toEqual(Array(3).fill(1));
    });

    it('two worker instances draining one outbox send every message once', async () => {
      const { campaign, openids, members } = await broadcast(40);
      // On PostgreSQL the second instance has its own connection pool, as a second server would.
      const other: Database =
        kind === 'postgres' && test.testDatabase.url
          ? await openDatabase({ url: test.testDatabase.url, poolSize: 4 })
          : test.testDatabase.database;
      try {
        const [a, b] = await Promise.all([
          drainOutbox(test.server, { batchSize: 3, lanes: 2, sendsPerSecond: 1000 }),
          drainOutbox({ ...test.server, database: other }, { batchSize: 3, lanes: 2, sendsPerSecond: 1000 }),
        ]);
        expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(40);
        expect(a?.sent).toBeGreaterThan(0);
        expect(b?.sent).toBeGreaterThan(0);
      } finally {
        if (other !== test.testDatabase.database) await other.close();
      }
      const delivered = await received(openids);
      expect(delivered.sort()).toEqual([...openids].sort());
      expect(await couponMessageCredits(db(), members)).toEqual(Array(40).fill(1));
      expect((await report(campaign.id)).deliveries).toMatchObject({ total: 40, sent: 40, unknown: 0 });
    });
  });
}
