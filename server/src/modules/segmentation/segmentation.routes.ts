import { JobRunsQuery, JobRunsResponse, RefreshSegmentsRequest, RefreshSegmentsResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { listJobRuns, startSegmentRefresh } from './refresh-job';

export function registerSegmentationRoutes(api: ApiRouter, context: ServerContext): void {
  const staffOnly = [staffAuth(context.database, context.clock), requireRole('admin', 'operator')];
  api.add({
    method: 'post',
    path: '/admin/jobs/refresh-segments',
    summary: 'Recompute every member’s RFM, value layer, lifecycle, behaviour and preferences now (in the background)',
    description:
      'Answers 202 with the job run at once; progress and the outcome appear in GET /api/admin/jobs/runs. 409 while ' +
      'another refresh is running. `asOf` replays the shop as it was at that instant.',
    tags: ['jobs', 'staff'],
    body: RefreshSegmentsRequest,
    response: RefreshSegmentsResponse,
    status: 202,
    security: ['staff'],
    middleware: staffOnly,
    errors: [401, 403, 409],
    handler: ({ body }) => startSegmentRefresh(context, body.asOf === undefined ? undefined : new Date(body.asOf), body.source),
  });
  api.add({
    method: 'get',
    path: '/admin/jobs/runs',
    summary: 'Job history: status, progress, timings and errors, newest first',
    description: "A run marked running whose heartbeat stopped more than 10 minutes ago is reported as 'stale'.",
    tags: ['jobs', 'staff'],
    query: JobRunsQuery,
    response: JobRunsResponse,
    security: ['staff'],
    middleware: staffOnly,
    errors: [401, 403],
    handler: async ({ query }) => ({ runs: await listJobRuns(context.database, query, context.clock()) }),
  });
}
