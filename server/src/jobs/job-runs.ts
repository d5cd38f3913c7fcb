import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { shanghaiParts } from '@member-ops/shared';
import type { Database } from '../db';
import { jobRuns } from '../db/schema';

/** One id per process, recorded on the runs it claims (which instance ran what). */
export const INSTANCE_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;

export type JobPeriod = 'second' | 'minute' | 'hour' | 'day' | 'month';

/**
 * The key of the period a scheduled time falls in, in Shanghai: a job runs once per (name, period key), however many
 * instances fire it. e.g. minute → "2026-11-23T10:05", day → "2026-11-23".
 */
export function periodKey(at: Date, period: JobPeriod): string {
  const p = shanghaiParts(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  switch (period) {
    case 'month':
      return `${p.year}-${pad(p.month)}`;
    case 'day':
      return day;
    case 'hour':
      return `${day}T${pad(p.hour)}`;
    case 'minute':
      return `${day}T${pad(p.hour)}:${pad(p.minute)}`;
    case 'second':
      return `${day}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  }
}

export type ClaimedRun<T> = { ran: true; runId: number; result: T } | { ran: false; reason: 'already_claimed' };

/**
 * Claims (job, period) with a unique row and runs `work` only if this call won the claim; the row then records
 * success with the result, or failure with the error (and the error is rethrown). A second instance — or a retry of
 * the same period — gets `already_claimed` and does nothing.
 */
export async function runClaimed<T extends Record<string, unknown>>(
  database: Database,
  claim: { jobName: string; periodKey: string; now: Date; instanceId?: string },
  work: (progress: (update: Record<string, unknown>) => Promise<void>, runId: number) => Promise<T>,
): Promise<ClaimedRun<T>> {
  const [row] = await database.db
    .insert(jobRuns)
    .values({
      jobName: claim.jobName,
      periodKey: claim.periodKey,
      instanceId: claim.instanceId ?? INSTANCE_ID,
      startedAt: claim.now,
      heartbeatAt: claim.now,
    })
    .onConflictDoNothing({ target: [jobRuns.jobName, jobRuns.periodKey] })
    .returning({ id: jobRuns.id });
  if (!row) return { ran: false, reason: 'already_claimed' };
  const progress = async (update: Record<string, unknown>) => {
    await database.db.update(jobRuns).set({ progress: update, heartbeatAt: new Date() }).where(eq(jobRuns.id, row.id));
  };
  try {
    const result = await work(progress, row.id);
    await database.db
      .update(jobRuns)
      .set({ status: 'succeeded', progress: result, finishedAt: new Date(), heartbeatAt: new Date() })
      .where(eq(jobRuns.id, row.id));
    return { ran: true, runId: row.id, result };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await database.db
      .update(jobRuns)
      .set({ status: 'failed', error: message.slice(0, 2000), finishedAt: new Date() })
      .where(eq(jobRuns.id, row.id));
    throw err;
  }
}

/** The latest runs of a job, newest first (job history). */
export async function recentJobRuns(database: Database, jobName: string, limit = 20) {
  return database.db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName)))
    .orderBy(desc(jobRuns.id))
    .limit(limit);
}
