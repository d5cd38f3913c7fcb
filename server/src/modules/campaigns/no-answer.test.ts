import { sql } from 'drizzle-orm';
import { fromShanghai, type CampaignReportResponse } from '@member-ops/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { loadOrCreateSandboxKeys, sandboxAdapterOptions } from '../../sandbox';
import type { ServerContext } from '../../server';
import { refusedPort, startFaultyWechat, type FaultyWechat, type WechatFault } from '../../testing/faulty-wechat';
import type { TestServer } from '../../testing/server';
import { createWechatClient, type WechatTimeouts } from '../../wechat';
import {
  api,
  couponMessageCredits,
  plannedBroadcast,
  resetCampaignServer,
  sandboxMessages,
  staffToken,
  startCampaignServer,
} from './campaigns.fixtures';
import { drainOutbox } from './index';

const NOON = fromShanghai(2026, 3, 18, 12);
const SEND_PATH = '/cgi-bin/message/subscribe/send';
const LIMITS: WechatTimeouts = { connectMs: 1500, totalMs: 3000 };

for (const kind of DATABASE_KINDS) {
  describe(`campaign messages that reach WeChat without an answer [${kind}]`, () => {
    let test: TestServer;
    let token: string;
    let faulty: FaultyWechat | undefined;
    const db = () => test.testDatabase.database.db;

    /** The server's context with its WeChat client talking to `baseUrl` instead of the sandbox itself. */
    async function throughWechatAt(baseUrl: string): Promise<ServerContext> {
      const keys = await loadOrCreateSandboxKeys(test.server.config.dataDir);
      const wechat = createWechatClient({ ...sandboxAdapterOptions(keys, baseUrl).wechat, timeouts: LIMITS });
      return { ...test.server, wechat: { ...test.server.wechat, wechat } };
    }

    const broadcast = (count: number) => plannedBroadcast(test, token, count);
    const received = async (openids: string[]) =>
      (await sandboxMessages(test)).filter((message) => openids.includes(message.touser)).map((message) => message.touser);
    const rows = async (campaignId: number) =>
      execute<{ status: string; skip_reason: string | null; sent: boolean; attempts: number; in_flight: boolean }>(
        db(),
        sql`select status, skip_reason, sent_at is not null as sent, attempts, last_error = 'in_flight' as in_flight
            from deliveries where campaign_id = ${campaignId} order by id`,
      );

    beforeAll(async () => {
      ({ test, token } = await startCampaignServer(kind, NOON));
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });
    beforeEach(async () => {
      await resetCampaignServer(test, NOON);
      faulty = await startFaultyWechat(test.url);
    });
    afterEach(async () => {
      await faulty?.close();
    });

    it.each<WechatFault>(['reset', 'bad-gateway', 'no-answer'])(
      'a send answered by %s after WeChat got it ends unknown: delivered once, never re-sent, its credit used once',
      async (fault) => {
        const { campaign, openids, members } = await broadcast(3);
        faulty?.inject(SEND_PATH, fault, 3);
        const through = await throughWechatAt(faulty?.baseUrl ?? '');
        expect(await drainOutbox(through, { sendsPerSecond: 1000 })).toMatchObject({ unknown: 3, sent: 0, retried: 0 });
        expect(faulty?.received(SEND_PATH)).toBe(3);
        expect(await rows(campaign.id)).toEqual(
          Array(3).fill({ status: 'unknown', skip_reason: 'no_answer', sent: true, attempts: 1, in_flight: false }),
        );
        expect(await couponMessageCredits(db(), members)).toEqual([1, 1, 1]);
        // WeChat answers late; a day later (past any frequency cap) the workers find nothing to send again.
        faulty?.releaseHeld();
        test.setNow(fromShanghai(2026, 3, 19, 12));
        expect(await drainOutbox(through)).toMatchObject({ sent: 0, unknown: 0, retried: 0, batches: 0 });
        expect(await drainOutbox(test.server)).toMatchObject({ sent: 0, unknown: 0, retried: 0, batches: 0 });
        expect(faulty?.received(SEND_PATH)).toBe(3);
        expect((await received(openids)).sort()).toEqual([...openids].sort());
        expect(await couponMessageCredits(db(), members)).toEqual([1, 1, 1]);
        const operator = await staffToken(test, 'operator');
        const report = await api<CampaignReportResponse>(test, 'GET', `/admin/campaigns/${campaign.id}/report`, operator);
        expect(report.body.deliveries).toMatchObject({ total: 3, sent: 0, unknown: 3, failed: 0, pending: 0 });
      },
      60_000,
    );

    it('two workers draining 24 sends while 18 of them get faults after reaching WeChat: 18 unknown, 6 sent, each delivered once', async () => {
      const { campaign, openids, members } = await broadcast(24);
      for (const fault of ['reset', 'bad-gateway', 'no-answer'] as const) faulty?.inject(SEND_PATH, fault, 6);
      const through = await throughWechatAt(faulty?.baseUrl ?? '');
      const options = { batchSize: 4, lanes: 2, sendsPerSecond: 1000 };
      const [a, b] = await Promise.all([drainOutbox(through, options), drainOutbox(through, options)]);
      expect({ unknown: (a?.unknown ?? 0) + (b?.unknown ?? 0), sent: (a?.sent ?? 0) + (b?.sent ?? 0) }).toEqual({
        unknown: 18,
        sent: 6,
      });
      expect((a?.retried ?? 0) + (b?.retried ?? 0)).toBe(0);
      expect(faulty?.received(SEND_PATH)).toBe(24);
      const statuses = (await rows(campaign.id)).map((row) => row.status);
      expect([statuses.filter((s) => s === 'unknown').length, statuses.filter((s) => s === 'sent').length]).toEqual([18, 6]);
      faulty?.releaseHeld();
      test.setNow(fromShanghai(2026, 3, 19, 12));
      expect(await drainOutbox(through)).toMatchObject({ sent: 0, unknown: 0, batches: 0 });
      const delivered = await received(openids);
      expect(delivered.sort()).toEqual([...openids].sort());
      expect(await couponMessageCredits(db(), members)).toEqual(Array(24).fill(1));
    }, 60_000);

    it('a send whose connection was refused is retried later and then sent once', async () => {
      const { campaign, openids, members } = await broadcast(2);
      const offline = await throughWechatAt(`http://127.0.0.1:${await refusedPort()}/sandbox`);
      expect(await drainOutbox(offline, { sendsPerSecond: 1000 })).toMatchObject({ retried: 2, unknown: 0, sent: 0 });
      expect((await rows(campaign.id)).map((row) => [row.status, row.attempts, row.in_flight])).toEqual([
        ['pending', 1, false],
        ['pending', 1, false],
      ]);
      expect(await received(openids)).toEqual([]);
      expect(await couponMessageCredits(db(), members)).toEqual([2, 2]);

      // After the backoff, through a WeChat that answers (the stand-in passing everything on).
      test.setNow(new Date(NOON.getTime() + 120_000));
      expect(await drainOutbox(await throughWechatAt(faulty?.baseUrl ?? ''))).toMatchObject({ sent: 2, unknown: 0 });
      expect(faulty?.received(SEND_PATH)).toBe(2);
      expect((await received(openids)).sort()).toEqual([...openids].sort());
      expect(await couponMessageCredits(db(), members)).toEqual([1, 1]);
      expect((await rows(campaign.id)).map((row) => row.status)).toEqual(['sent', 'sent']);
    });
  });
}
