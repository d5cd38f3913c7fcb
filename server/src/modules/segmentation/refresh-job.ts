import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { JobRunsQuery, JobRunView, RefreshSegmentsResponse } from '@member-ops/shared';
import { execute, pgErrorOf, type Database } from '../../db';
import type { RunStatus } from '../../db/schema';
import { AppError } from '../../errors';
import { runClaimed } from '../../jobs/job-runs';
import type { ClaimedRunHandle } from '../../jobs/scheduler';
import type { ServerContext } from '../../server';
import { refreshSegments, type RefreshResult } from './segmentation.service';
import { LAST_REFRESH_AS_OF_SQL, type RefreshSource } from './segmentation.sql';

export const SEGMENT_REFRESH_JOB = 'segments.refresh';

/**
 * A run still marked running whose heartbeat is older than this is taken for dead (its process crashed or was
 * killed): the history shows it as 'stale' and it no longer blocks a new refresh. Every stage of a refresh beats,
 * so this must stay above the longest stage.
 */
export const STALE_RUN_AFTER_MS = 10 * 60_000;

/**
 * The nightly refresh: classify the shop as of the scheduled instant — from the orders and the kept activity
 * scores on weekdays; rebuilt from the whole history on Sundays (Shanghai), after a gap of more than two days,
 * or when the last refresh replayed a past instant, so nothing the fast path keeps can drift for long.
 */
export async function runNightlySegmentRefresh(
  context: ServerContext,
  scheduledAt: Date,
  run?: ClaimedRunHandle,
): Promise<RefreshResult> {
  const source = await nightlySource(context.database, scheduledAt);
  return refreshSegments(context, {
    asOf: scheduledAt,
    source,
    ...(run
      ? {
          // segment_stats and segment_changes name the run; each stage beats, so a crash shows as stale.
          runId: run.runId,
          onProgress: (stage, done, total) => {
            run.progress({ asOf: scheduledAt.toISOString(), source, stage, done, total }).catch(() => undefined);
          },
        }
      : {}),
  });
}

const TWO_DAYS_MS = 2 * 86_400_000;

export async function nightlySource(database: Database, scheduledAt: Date): Promise<RefreshSource> {
  const [last] = await execute<{ as_of: string | null }>(database.db, sql.raw(LAST_REFRESH_AS_OF_SQL));
  const lastAsOf = last?.as_of ? new Date(last.as_of) : null;
  const sunday = new Date(scheduledAt.getTime() + 8 * 3_600_000).getUTCDay() === 0;
  if (sunday || !lastAsOf || lastAsOf > scheduledAt || scheduledAt.getTime() - lastAsOf.getTime() > TWO_DAYS_MS) return 'history';
  return 'orders';
}

/**
 * Claims a manual refresh run and starts it in the background; resolves with the run id once claimed. A refresh
 * that is running (with a live heartbeat) makes this a 409. Two requests racing past that check both run, one
 * after the other (the refresh takes a transaction-scoped advisory lock), which is harmless: a refresh as of the
 * same data gives the same result.
 */
export async function startSegmentRefresh(
  context: ServerContext,
  asOf: Date | undefined,
  requestedSource?: RefreshSource,
): Promise<RefreshSegmentsResponse> {
  const now = context.clock();
  const at = asOf ?? now;
  const [running] = await execute<{ id: number }>(
    context.database.db,
    sql`select id from job_runs where job_name = ${SEGMENT_REFRESH_JOB} and status = 'running'
          and heartbeat_at > ${new Date(now.getTime() - STALE_RUN_AFTER_MS)} limit 1`,
  );
  if (running) throw new AppError('CONFLICT', `a segment refresh is already running (run ${running.id})`);

  const key = `manual:${at.toISOString()}:${randomUUID().slice(0, 8)}`;
  let markClaimed: (runId: number) => void = () => undefined;
  const claimed = new Promise<number>((resolve) => {
    markClaimed = resolve;
  });
  // The refresh runs on the jobs' pool and limits, like the nightly one: the request only starts it.
  const jobContext: ServerContext = { ...context, database: context.database.forJobs };
  const execution = runClaimed(
    jobContext.database,
    { jobName: SEGMENT_REFRESH_JOB, periodKey: key, now },
    async (progress, runId) => {
      markClaimed(runId);
      const source = requestedSource ?? (asOf ? 'history' : await nightlySource(jobContext.database, at));
      return refreshSegments(jobContext, {
        asOf: at,
        source,
        runId,
        // Not awaited: on PGlite's single connection the write waits for the refresh transaction to end, on
        // PostgreSQL it lands at once; either way the refresh must not wait for it.
        onProgress: (stage, done, total) => {
          progress({ asOf: at.toISOString(), stage, done, total }).catch(() => undefined);
        },
      });
    },
  );
  // The outcome is recorded on the run; here it is only logged (never the driver's message: it holds parameters).
  execution.catch((err: unknown) => {
    const pg = pgErrorOf(err);
    context.logger.error({ job: SEGMENT_REFRESH_JOB, code: pg?.code, constraint: pg?.constraint }, 'segment refresh failed');
  });
  const first = await Promise.race([claimed, execution.then(() => null)]);
  if (first === null) throw new AppError('CONFLICT', 'the refresh run could not be claimed');
  return { runId: first, asOf: at.toISOString() };
}

/** Job history, newest first; a running run without a recent heartbeat is reported as 'stale'. */
export async function listJobRuns(database: Database, query: JobRunsQuery, now: Date): Promise<JobRunView[]> {
  const rows = await execute<{
    id: number;
    job_name: string;
    period_key: string;
    status: RunStatus;
    instance_id: string;
    started_at: Date;
    heartbeat_at: Date;
    finished_at: Date | null;
    progress: Record<string, unknown>;
    error: string | null;
  }>(
    database.db,
    sql`select id, job_name, period_key, status, instance_id, started_at, heartbeat_at, finished_at, progress, error
        from job_runs ${query.job === undefined ? sql`` : sql`where job_name = ${query.job}`}
        order by id desc limit ${query.limit}`,
  );
  const staleBefore = now.getTime() - STALE_RUN_AFTER_MS;
  return rows.map((row) => ({
    id: row.id,
    job: row.job_name,
    periodKey: row.period_key,
    status: row.status === 'running' && row.heartbeat_at.getTime() < staleBefore ? 'stale' : row.status,
    instanceId: row.instance_id,
    startedAt: row.started_at.toISOString(),
    heartbeatAt: row.heartbeat_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
    progress: row.progress,
    error: row.error,
  }));
}
