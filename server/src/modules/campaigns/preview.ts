import { sql } from 'drizzle-orm';
import { decideDelivery, type CampaignPreviewResponse } from '@member-ops/shared';
import { execute, withRuleTimeout, type Executor } from '../../db';
import { AppError } from '../../errors';
import type { ServerContext } from '../../server';
import { eligibleMembers } from './audience';
import { loadCampaign, stepAction } from './campaigns.repo';
import { guardConfigAt } from './guard-facts';

const SAMPLE_SIZE = 10;

/**
 * A dry run: who the campaign would enroll now, the holdout split, and how many treated members the guards
 * would stop for its first message (no credit, do-not-contact, frequency cap) or hold (quiet hours right now).
 * Nothing is written. Cut after SEGMENT_PREVIEW_TIMEOUT_MS (422 RULE_TOO_COSTLY).
 */
export async function previewCampaign(context: ServerContext, id: number): Promise<CampaignPreviewResponse> {
  // The audience rule is operator-written: its queries run under the preview statement timeout.
  return withRuleTimeout(context.database, context.config.segmentPreviewTimeoutMs, (tx) => previewIn(tx, context, id));
}

async function previewIn(db: Executor, context: ServerContext, id: number): Promise<CampaignPreviewResponse> {
  const now = context.clock();
  const loaded = await loadCampaign(db, id);
  if (!loaded) throw new AppError('NOT_FOUND', `活动 ${id} 不存在`);
  const { campaign, steps } = loaded;
  const config = await guardConfigAt(db, now);
  const message = steps.map(stepAction).find((action) => action.type === 'subscribe_message');
  const templateId = message?.type === 'subscribe_message' ? message.templateId : '';
  const dayStart = new Date(now.getTime() - 86_400_000);
  const weekStart = new Date(now.getTime() - 7 * 86_400_000);
  const audience = sql`select a.member_id, member_ops_in_holdout(${String(id)}, a.member_id::text, ${campaign.holdoutRatioBp}) as holdout
                       from (${await eligibleMembers(db, campaign, now, 'preview')}) a`;
  const [counts] = await execute<{
    audience: number;
    holdout: number;
    do_not_contact: number;
    no_consent: number;
    frequency_cap: number;
  }>(
    db,
    sql`with audience as (${audience}),
        facts as (
          select a.holdout, m.do_not_contact, coalesce(sc.credits, 0) as credits,
                 (select count(*) filter (where d.sent_at > ${dayStart}) >= ${config.frequencyCap.perDay}
                         or count(*) >= ${config.frequencyCap.perWeek}
                  from deliveries d where d.member_id = a.member_id and d.channel = 'subscribe_message'
                    and d.status = 'sent' and d.sent_at > ${weekStart}) as capped
          from audience a join members m on m.id = a.member_id
          left join subscription_credits sc on sc.member_id = a.member_id and sc.template_id = ${templateId})
        select count(*)::int as audience, count(*) filter (where holdout)::int as holdout,
               count(*) filter (where not holdout and do_not_contact)::int as do_not_contact,
               count(*) filter (where not holdout and not do_not_contact and credits = 0)::int as no_consent,
               count(*) filter (where not holdout and not do_not_contact and credits > 0 and capped)::int as frequency_cap
        from facts`,
  );
  const sample = await execute<{ member_id: number; nickname: string | null; tier: string; holdout: boolean }>(
    db,
    sql`select a.member_id, m.nickname, m.tier, a.holdout from (${audience}) a join members m on m.id = a.member_id
        order by a.member_id limit ${SAMPLE_SIZE}`,
  );
  const [stock] = await execute<{ short: boolean }>(
    db,
    sql`select coalesce(bool_or(t.total_stock is not null and t.total_stock - t.issued_count < ${Math.max(0, (counts?.audience ?? 0) - (counts?.holdout ?? 0))}), false) as short
        from coupon_templates t
        where t.id = any(${`{${steps
          .map(stepAction)
          .flatMap((a) => (a.type === 'coupon' ? [a.couponTemplateId] : []))
          .join(',')}}`}::bigint[])`,
  );
  const treated = (counts?.audience ?? 0) - (counts?.holdout ?? 0);
  const messaged = treated - (counts?.do_not_contact ?? 0) - (counts?.no_consent ?? 0) - (counts?.frequency_cap ?? 0);
  const quiet = decideDelivery(
    { now, channel: 'subscribe_message', consentCredits: 1, recentSends: [], doNotContact: false, inHoldout: false },
    config,
  );
  return {
    audience: counts?.audience ?? 0,
    holdout: counts?.holdout ?? 0,
    treated,
    sample: sample.map((row) => ({ memberId: row.member_id, nickname: row.nickname, tier: row.tier, holdout: row.holdout })),
    blocked: {
      do_not_contact: message ? (counts?.do_not_contact ?? 0) : 0,
      no_consent: message ? (counts?.no_consent ?? 0) : 0,
      frequency_cap: message ? (counts?.frequency_cap ?? 0) : 0,
      quiet_hours: message && quiet.action === 'defer' && quiet.reason === 'quiet_hours' ? messaged : 0,
    },
    couponStockShort: stock?.short ?? false,
  };
}
