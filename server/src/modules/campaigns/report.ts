import { sql } from 'drizzle-orm';
import { conversionUplift, type CampaignReportResponse } from '@member-ops/shared';
import { execute } from '../../db';
import { AppError } from '../../errors';
import type { ServerContext } from '../../server';
import { PAID_STATUSES_SQL } from './audience';
import { loadCampaign } from './campaigns.repo';

type Counts = CampaignReportResponse['deliveries'];

function countsOf(rows: { status: string; skip_reason: string | null; n: number }[]): Counts {
  const counts: Counts = { total: 0, sent: 0, pending: 0, deferred: 0, failed: 0, unknown: 0, skipped: {} };
  for (const row of rows) {
    counts.total += row.n;
    if (row.status === 'skipped') {
      const reason = row.skip_reason ?? 'unspecified';
      counts.skipped[reason] = (counts.skipped[reason] ?? 0) + row.n;
    } else if (
      row.status === 'sent' ||
      row.status === 'pending' ||
      row.status === 'deferred' ||
      row.status === 'failed' ||
      row.status === 'unknown'
    ) {
      counts[row.status] += row.n;
    }
  }
  return counts;
}

/**
 * A campaign's results as of now: delivery outcomes overall and per step (messages whose outcome is unknown —
 * maybe delivered — apart from sent and failed), coupons issued / redeemed and their
 * cost (the discount redeemed orders actually got), and conversion within the attribution window after entry
 * for treated members against the holdout, with the uplift's 95 % interval. A member converts when they paid for
 * an order within `attribution_days` after entering (a journey member who entered twice counts per entry).
 */
export async function campaignReport(context: ServerContext, id: number): Promise<CampaignReportResponse> {
  const db = context.database.db;
  const now = context.clock();
  const loaded = await loadCampaign(db, id);
  if (!loaded) throw new AppError('NOT_FOUND', `活动 ${id} 不存在`);
  const { campaign, steps } = loaded;
  const byStep = await execute<{ step_id: number; status: string; skip_reason: string | null; n: number }>(
    db,
    sql`select step_id, status, skip_reason, count(*)::int as n from deliveries where campaign_id = ${id}
        group by step_id, status, skip_reason`,
  );
  const groups = await execute<{ holdout: boolean; members: number; converted: number; orders: number; revenue_fen: number }>(
    db,
    sql`select e.holdout, count(*)::int as members,
               count(*) filter (where a.orders > 0)::int as converted,
               coalesce(sum(a.orders), 0)::int as orders, coalesce(sum(a.revenue), 0)::int8 as revenue_fen
        from campaign_enrollments e
        cross join lateral (
          select count(*)::int as orders, coalesce(sum(o.paid_fen - o.refunded_fen), 0)::int8 as revenue
          from orders o
          where o.member_id = e.member_id and o.status in (${PAID_STATUSES_SQL}) and o.paid_at > e.entered_at
            and o.paid_at <= least(e.entered_at + make_interval(days => ${campaign.attributionDays}), ${now}::timestamptz)) a
        where e.campaign_id = ${id}
        group by e.holdout`,
  );
  const [coupons] = await execute<{ issued: number; redeemed: number; cost_fen: number }>(
    db,
    sql`select count(*)::int as issued, count(*) filter (where c.status = 'used')::int as redeemed,
               coalesce(sum(o.coupon_discount_fen) filter (where c.status = 'used'), 0)::int8 as cost_fen
        from coupons c left join orders o on o.coupon_id = c.id and o.status in (${PAID_STATUSES_SQL})
        where c.campaign_id = ${id}`,
  );
  const outcome = (holdout: boolean) => {
    const row = groups.find((group) => group.holdout === holdout);
    const members = row?.members ?? 0;
    const converted = row?.converted ?? 0;
    return {
      members,
      converted,
      conversionRate: members > 0 ? converted / members : 0,
      orders: row?.orders ?? 0,
      revenueFen: row?.revenue_fen ?? 0,
    };
  };
  const treated = outcome(false);
  const control = outcome(true);
  const uplift = conversionUplift(treated, control);
  return {
    campaignId: id,
    asOf: now.toISOString(),
    attributionDays: campaign.attributionDays,
    audience: treated.members + control.members,
    holdout: control.members,
    deliveries: countsOf(byStep),
    steps: steps.map((step) => ({
      stepId: step.id,
      position: step.position,
      channel: String(step.action.type ?? ''),
      ...countsOf(byStep.filter((row) => row.step_id === step.id)),
    })),
    coupons: { issued: coupons?.issued ?? 0, redeemed: coupons?.redeemed ?? 0, costFen: coupons?.cost_fen ?? 0 },
    treated,
    control,
    uplift,
    incrementalRevenueFen:
      control.members > 0 && treated.members > 0
        ? Math.round(treated.revenueFen - (control.revenueFen / control.members) * treated.members)
        : null,
  };
}
