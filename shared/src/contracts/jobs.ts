import { z } from 'zod';
import { text } from './common';

export const RefreshSegmentsRequest = z
  .object({
    asOf: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Classify the shop as of this instant (history replay); default now' }),
    source: z.enum(['history', 'orders', 'aggregates']).optional().meta({
      description:
        'history: rebuild from orders, order lines and events (any asOf); orders: order aggregates from the orders, activity and preferences as kept; aggregates: re-classify the stored aggregates. Default: history when asOf is given, else as the nightly run chooses',
    }),
  })
  .meta({ id: 'RefreshSegmentsRequest' });
export type RefreshSegmentsRequest = z.infer<typeof RefreshSegmentsRequest>;

export const RefreshSegmentsResponse = z
  .object({
    runId: z.int().meta({ description: 'The job run; follow it in GET /api/admin/jobs/runs' }),
    asOf: z.iso.datetime(),
  })
  .meta({ id: 'RefreshSegmentsResponse' });
export type RefreshSegmentsResponse = z.infer<typeof RefreshSegmentsResponse>;

export const JOB_RUN_VIEW_STATUSES = ['running', 'succeeded', 'failed', 'stale'] as const;

export const JobRunsQuery = z.object({
  job: text(100, { trim: false }).optional().meta({ description: 'Only this job, e.g. segments.refresh' }),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});
export type JobRunsQuery = z.infer<typeof JobRunsQuery>;

export const JobRunView = z
  .object({
    id: z.int(),
    job: z.string(),
    periodKey: z.string(),
    status: z.enum(JOB_RUN_VIEW_STATUSES).meta({
      description: "'stale': still marked running but its heartbeat stopped (the process died); it may be re-run",
    }),
    instanceId: z.string(),
    startedAt: z.iso.datetime(),
    heartbeatAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    durationMs: z.int().nullable(),
    progress: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
  })
  .meta({ id: 'JobRunView' });
export type JobRunView = z.infer<typeof JobRunView>;

export const JobRunsResponse = z.object({ runs: z.array(JobRunView) }).meta({ id: 'JobRunsResponse' });
export type JobRunsResponse = z.infer<typeof JobRunsResponse>;
