import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';
import type { ServerContext } from '../server';
import { periodKey, runClaimed, type JobPeriod } from './job-runs';

export interface ScheduledJob {
  name: string;
  /** node-cron expression, evaluated in Asia/Shanghai (a leading seconds field is allowed). */
  cron: string;
  /** One run per such period across all instances. */
  period: JobPeriod;
  run: (context: ServerContext, scheduledAt: Date, run: ClaimedRunHandle) => Promise<Record<string, unknown>>;
}

/** The claimed run a job executes as: its id, and a heartbeat that records progress on it. */
export interface ClaimedRunHandle {
  runId: number;
  progress: (update: Record<string, unknown>) => Promise<void>;
}

export interface Scheduler {
  stop: () => Promise<void>;
}

/**
 * Starts the jobs on node-cron. Every firing claims (job, period) in job_runs first, so with two server instances
 * exactly one runs each period; a failure is recorded on the run and logged, and the next period runs as usual.
 * stop() stops firing and waits for runs in progress.
 */
export function startScheduler(
  context: ServerContext,
  jobs: readonly ScheduledJob[],
  logger: Logger = context.logger,
): Scheduler {
  const running = new Set<Promise<unknown>>();
  // Jobs run on their own pool with their own, longer limits: a request's statement timeout would cut them short.
  const jobContext: ServerContext = { ...context, database: context.database.forJobs };
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.cron,
      (taskContext) => {
        const scheduledAt = taskContext.triggeredAt;
        const execution = runClaimed(
          jobContext.database,
          { jobName: job.name, periodKey: periodKey(scheduledAt, job.period), now: context.clock() },
          (progress, runId) => job.run(jobContext, scheduledAt, { runId, progress }),
        ).then(
          (outcome) => {
            if (outcome.ran) logger.info({ job: job.name, result: outcome.result }, 'job finished');
          },
          (err: unknown) => logger.error({ job: job.name, err }, 'job failed'),
        );
        running.add(execution);
        void execution.finally(() => running.delete(execution));
        return execution;
      },
      { timezone: 'Asia/Shanghai', name: job.name, noOverlap: true },
    ),
  );
  return {
    stop: async () => {
      for (const task of tasks) await task.destroy();
      await Promise.allSettled([...running]);
    },
  };
}
