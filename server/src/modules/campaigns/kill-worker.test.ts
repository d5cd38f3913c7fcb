import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { fromShanghai, type CampaignReportResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../db';
import type { TestServer } from '../../testing/server';
import { api, couponMessageCredits, plannedBroadcast, sandboxMessages, startCampaignServer } from './campaigns.fixtures';
import { WORKER_LEASE_MS } from './drain-worker.testing';
import { drainOutbox } from './index';

const NOON = fromShanghai(2026, 3, 18, 12);
const MESSAGES = 20;
/** Of the reserved messages, this many reach WeChat before the kill; the rest are still on their way. */
const REACHING = 12;
const SEND_PATH = '/cgi-bin/message/subscribe/send';

/**
 * WeChat as the worker sees it, in front of the sandbox: sends up to `reaching` are passed on and answered by
 * the sandbox, but the answer is held back; later sends are held without reaching it. `allHeld` resolves once
 * `expected` sends are held, which is the moment to kill the worker: between the send and its recorded outcome.
 */
function holdingWechat(sandboxUrl: string, reaching: number, expected: number) {
  const held: http.ServerResponse[] = [];
  let forwarded = 0;
  let resolveAllHeld: () => void = () => {};
  const allHeld = new Promise<void>((resolve) => {
    resolveAllHeld = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const isSend = (req.url ?? '').startsWith(SEND_PATH);
        if (!isSend || forwarded < reaching) {
          if (isSend) forwarded++;
          const answer = await fetch(`${sandboxUrl}${req.url ?? ''}`, {
            method: req.method ?? 'GET',
            headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
            ...(req.method === 'POST' ? { body } : {}),
          });
          const text = await answer.text();
          if (!isSend) {
            res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
            return;
          }
        }
        held.push(res);
        if (held.length === expected) resolveAllHeld();
      })();
    });
  });
  return {
    allHeld,
    forwarded: () => forwarded,
    listen: () =>
      new Promise<string>((resolve) => {
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

// A worker in another process needs a database both processes reach: the PostgreSQL server (PGlite lives inside
// one process; unknown-outcome.test.ts covers it with a worker that dies in-process).
describe('a delivery worker killed with SIGKILL mid-send [postgres]', () => {
  let test: TestServer;
  let token: string;
  const db = () => test.testDatabase.database.db;

  beforeAll(async () => {
    ({ test, token } = await startCampaignServer('postgres', NOON));
  }, 120_000);
  afterAll(async () => {
    await test?.stop();
  });

  it('leaves its reserved messages unknown after recovery: each reached WeChat at most once, each credit used once', async () => {
    const { campaign, openids, members } = await plannedBroadcast(test, token, MESSAGES);

    const wechat = holdingWechat(`${test.url}/sandbox`, REACHING, MESSAGES);
    const wechatUrl = await wechat.listen();
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'drain-worker.testing.ts'),
        test.testDatabase.url ?? '',
        test.server.config.dataDir,
        wechatUrl,
        NOON.toISOString(),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const early = exited(worker).then(({ code }) => {
        throw new Error(`the worker exited (${code}) before its sends were held: ${stderr}`);
      });
      await Promise.race([wechat.allHeld, early]);
      worker.kill('SIGKILL');
      expect(await exited(worker)).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      await wechat.close();
    }

    const received = async () =>
      (await sandboxMessages(test)).filter((message) => openids.includes(message.touser)).map((message) => message.touser);
    const rows = async () =>
      execute<{ status: string; last_error: string | null }>(
        db(),
        sql`select status, last_error from deliveries where campaign_id = ${campaign.id}`,
      );

    // What kill -9 left: every message reserved and in flight, 12 of them delivered by WeChat, no credit used.
    expect(wechat.forwarded()).toBe(REACHING);
    expect(await received()).toHaveLength(REACHING);
    expect((await rows()).map((row) => [row.status, row.last_error])).toEqual(Array(MESSAGES).fill(['pending', 'in_flight']));
    expect(await couponMessageCredits(db(), members)).toEqual(Array(MESSAGES).fill(2));

    // The restarted worker after the lease: all unknown (WeChat cannot be asked), each credit used once.
    test.setNow(new Date(NOON.getTime() + WORKER_LEASE_MS + 1));
    expect(await drainOutbox(test.server)).toMatchObject({ unknown: MESSAGES, sent: 0, failed: 0 });
    expect((await rows()).map((row) => row.status)).toEqual(Array(MESSAGES).fill('unknown'));
    expect(await couponMessageCredits(db(), members)).toEqual(Array(MESSAGES).fill(1));
    test.setNow(new Date(NOON.getTime() + 2 * WORKER_LEASE_MS));
    expect(await drainOutbox(test.server)).toMatchObject({ unknown: 0, sent: 0, batches: 0 });
    const delivered = await received();
    expect(delivered).toHaveLength(REACHING);
    expect(new Set(delivered).size).toBe(REACHING);
    expect(await couponMessageCredits(db(), members)).toEqual(Array(MESSAGES).fill(1));

    const report = await api<CampaignReportResponse>(test, 'GET', `/admin/campaigns/${campaign.id}/report`, token);
    expect(report.body.deliveries).toMatchObject({ total: MESSAGES, sent: 0, unknown: MESSAGES, failed: 0, pending: 0 });
  }, 120_000);
});
