import type { ServerContext } from '../server';
import { expireUnpaidOrders, reconcilePendingPayments } from '../modules/payments';
import { runNightlySegmentRefresh, SEGMENT_REFRESH_JOB } from '../modules/segmentation';
import { expirePoints, refitClv, reviewTiers } from '../modules/periodic';
import { drainOutbox, planCampaigns } from '../modules/campaigns';
import { purgeSignInThrottles } from '../modules/staff';
import { foldProductSales, rebuildRecommendationModel } from '../modules/catalog';
import type { ScheduledJob } from './scheduler';

export { periodKey, recentJobRuns, runClaimed, INSTANCE_ID, type ClaimedRun, type JobPeriod } from './job-runs';
export { startScheduler, type ScheduledJob, type Scheduler } from './scheduler';

/** Rebuilds the recommendation model (neighbours and best sellers) once a night, before the other nightly jobs. */
export const RECOMMENDATION_REBUILD_JOB = 'recommendations.rebuild';

/** The jobs every server instance schedules; job_runs makes sure each period runs once overall. */
export const SHOP_JOBS: readonly ScheduledJob[] = [
  {
    name: 'orders.expire-unpaid',
    cron: '* * * * *',
    period: 'minute',
    run: async (context: ServerContext) => ({ ...(await expireUnpaidOrders(context, context.clock())) }),
  },
  {
    name: 'payments.reconcile',
    cron: '30 * * * * *',
    period: 'minute',
    run: async (context: ServerContext) => ({ ...(await reconcilePendingPayments(context, context.clock())) }),
  },
  {
    name: 'points.expire',
    cron: '10 0 * * *',
    period: 'day',
    run: async (context: ServerContext) => ({ ...(await expirePoints(context, context.clock())) }),
  },
  {
    name: 'tiers.review',
    cron: '0 2 * * *',
    period: 'day',
    run: async (context: ServerContext) => ({ ...(await reviewTiers(context, context.clock())) }),
  },
  {
    name: 'clv.refit',
    cron: '0 4 * * 1',
    period: 'day',
    run: async (context: ServerContext) => ({ ...(await refitClv(context, context.clock())) }),
  },
  {
    name: SEGMENT_REFRESH_JOB,
    cron: '0 3 * * *',
    period: 'day',
    run: async (context: ServerContext, scheduledAt: Date, run) => runNightlySegmentRefresh(context, scheduledAt, run),
  },
  {
    name: RECOMMENDATION_REBUILD_JOB,
    cron: '30 1 * * *',
    period: 'day',
    run: async (context: ServerContext) => rebuildRecommendationModel(context.database.db, context.clock()),
  },
  {
    name: 'catalog.fold-sales',
    cron: '45 * * * * *',
    period: 'minute',
    run: async (context: ServerContext) => foldProductSales(context.database.db),
  },
  {
    name: 'staff.purge-sign-in-throttles',
    cron: '30 4 * * *',
    period: 'day',
    run: async (context: ServerContext) => ({ purged: await purgeSignInThrottles(context.database.db, context.clock()) }),
  },
  {
    name: 'campaigns.plan',
    cron: '0 * * * * *',
    period: 'minute',
    run: async (context: ServerContext) => planCampaigns(context, context.clock()),
  },
  {
    name: 'campaigns.deliver',
    cron: '20 * * * * *',
    period: 'minute',
    run: async (context: ServerContext) => drainOutbox(context, { maxBatches: 100 }),
  },
];
