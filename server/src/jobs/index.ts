import type { ServerContext } from '../server';
import { expireUnpaidOrders } from '../modules/orders';
import { reconcilePendingPayments } from '../modules/payments';
import type { ScheduledJob } from './scheduler';

export { periodKey, recentJobRuns, runClaimed, INSTANCE_ID, type ClaimedRun, type JobPeriod } from './job-runs';
export { startScheduler, type ScheduledJob, type Scheduler } from './scheduler';

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
];
