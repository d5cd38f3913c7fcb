import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { execute } from '../db';
import { describeEachDatabase } from '../testing/database';
import { startTestServer } from '../testing/server';
import { periodKey, runClaimed } from './job-runs';
import { startScheduler } from './scheduler';

describe('periodKey', () => {
  it('cuts Shanghai time into periods', () => {
    const at = new Date('2026-11-23T16:05:09Z'); // 2026-11-24 00:05:09 in Shanghai
    expect(periodKey(at, 'second')).toBe('2026-11-24T00:05:09');
    expect(periodKey(at, 'minute')).toBe('2026-11-24T00:05');
    expect(periodKey(at, 'hour')).toBe('2026-11-24T00');
    expect(periodKey(at, 'day')).toBe('2026-11-24');
    expect(periodKey(at, 'month')).toBe('2026-11');
  });
});

describeEachDatabase('claimed job runs', ({ database }) => {
  it('runs a period once however many instances fire it at the same time', async () => {
    let runs = 0;
    const claim = { jobName: 'test.once', periodKey: '2026-11-24T00:05', now: new Date() };
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((instanceId) =>
        runClaimed(database(), { ...claim, instanceId }, async () => {
          runs += 1;
          return { done: true };
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ran)).toEqual([
      { ran: false, reason: 'already_claimed' },
      { ran: false, reason: 'already_claimed' },
      { ran: false, reason: 'already_claimed' },
    ]);
    const [row] = await execute<{ status: string; progress: unknown; finished: boolean }>(
      database().db,
      sql`select status, progress, finished_at is not null as finished from job_runs where job_name = 'test.once'`,
    );
    expect(row).toEqual({ status: 'succeeded', progress: { done: true }, finished: true });
  });

  it('records a failure with its message and does not run the period again', async () => {
    const claim = { jobName: 'test.fail', periodKey: 'p1', now: new Date() };
    await expect(runClaimed(database(), claim, () => Promise.reject(new Error('upstream down')))).rejects.toThrow(
      'upstream down',
    );
    const again = await runClaimed(database(), claim, async () => ({}));
    expect(again).toEqual({ ran: false, reason: 'already_claimed' });
    const [row] = await execute<{ status: string; error: string }>(
      database().db,
      sql`select status, error from job_runs where job_name = 'test.fail'`,
    );
    expect(row).toEqual({ status: 'failed', error: 'upstream down' });
  });
});

describe('scheduler with two server instances on one database', () => {
  it('runs each period exactly once across both', async () => {
    const test = await startTestServer('postgres');
    try {
      const calls: string[] = [];
      const job = {
        name: 'test.every-second',
        cron: '* * * * * *',
        period: 'second' as const,
        run: async () => {
          calls.push('run');
          return {};
        },
      };
      // Two schedulers over the same database stand for two server processes.
      const first = startScheduler(test.server, [job]);
      const second = startScheduler(test.server, [job]);
      await new Promise((resolve) => setTimeout(resolve, 3_200));
      await first.stop();
      await second.stop();
      const rows = await execute<{ period_key: string }>(
        test.testDatabase.database.db,
        sql`select period_key from job_runs where job_name = 'test.every-second'`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(new Set(rows.map((r) => r.period_key)).size).toBe(rows.length);
      expect(calls).toHaveLength(rows.length);
    } finally {
      await test.stop();
    }
  });
});
