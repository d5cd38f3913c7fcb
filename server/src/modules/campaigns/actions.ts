import { sql } from 'drizzle-orm';
import { endOfMonthAfter, type CampaignAction, type GuardOutcome } from '@member-ops/shared';
import { execute, type Tx } from '../../db';
import { issueCoupon } from '../coupons';
import { creditPoints, pointsConfigAt } from '../points';

export interface DueDelivery {
  id: number;
  campaignId: number;
  stepId: number;
  memberId: number;
  occurrenceKey: string;
}

/** What carrying out a silent action decided: done, or skipped for a reason the report shows. */
export type ActionOutcome = { done: true } | { done: false; reason: GuardOutcome };

const DONE: ActionOutcome = { done: true };

/** Takes the coupon's face value from the campaign budget; false when the budget cannot cover it. */
async function chargeBudget(tx: Tx, campaignId: number, templateId: number, sign: 1 | -1): Promise<boolean> {
  const rows = await execute<{ id: number }>(
    tx,
    sql`update campaigns c set committed_fen = c.committed_fen + ${sign} * v.face
        from (select coalesce(amount_off_fen, cap_fen, 0) as face from coupon_templates where id = ${templateId}) v
        where c.id = ${campaignId} and (c.budget_fen is null or c.committed_fen + ${sign} * v.face <= c.budget_fen)
        returning c.id`,
  );
  return rows.length > 0;
}

async function issueStepCoupon(tx: Tx, delivery: DueDelivery, templateId: number, now: Date): Promise<ActionOutcome> {
  if (!(await chargeBudget(tx, delivery.campaignId, templateId, 1))) return { done: false, reason: 'budget_exhausted' };
  const decision = await issueCoupon(tx, {
    templateId,
    memberId: delivery.memberId,
    source: 'campaign',
    sourceKey: `step:${delivery.stepId}:${delivery.occurrenceKey}`,
    now,
    campaignId: delivery.campaignId,
    campaignStepId: delivery.stepId,
  });
  if (decision.kind === 'issued' && !decision.alreadyIssued) return DONE;
  await chargeBudget(tx, delivery.campaignId, templateId, -1);
  return decision.kind === 'issued' ? DONE : { done: false, reason: 'out_of_stock' };
}

async function awardPoints(tx: Tx, delivery: DueDelivery, points: number, now: Date): Promise<ActionOutcome> {
  const { config } = await pointsConfigAt(tx, now);
  await creditPoints(tx, {
    memberId: delivery.memberId,
    kind: 'bonus',
    points,
    idempotencyKey: `campaign:step:${delivery.stepId}:${delivery.occurrenceKey}`,
    earnedAt: now,
    expiresAt: endOfMonthAfter(now, config.expiry.monthsAfterEarned),
    note: '营销活动赠送',
  });
  return DONE;
}

/**
 * A follow-up task for the member's own rep, else the least-loaded active rep of the member's store (or of any
 * store when the member has none), titled with the first talk-track of the member's tier.
 */
async function createTask(tx: Tx, delivery: DueDelivery, title: string, dueInDays: number, now: Date): Promise<ActionOutcome> {
  const rows = await execute<{ id: number }>(
    tx,
    sql`with member as (select id, tier, store_id, owner_rep_id from members where id = ${delivery.memberId}),
        rep as (
          select coalesce(
            (select s.id from staff_accounts s, member m where s.id = m.owner_rep_id and s.active),
            (select s.id from staff_accounts s, member m
             where s.role = 'sales_rep' and s.active and (m.store_id is null or s.store_id = m.store_id or s.store_id is null)
             order by (select count(*) from followup_tasks t where t.rep_id = s.id and t.status = 'open'), s.id limit 1)) as id),
        track as (select t.title from talk_tracks t, member m where t.tier = m.tier and t.active order by t.position limit 1)
        insert into followup_tasks (member_id, rep_id, campaign_id, delivery_id, title, due_at, created_at, updated_at)
        select ${delivery.memberId}, rep.id, ${delivery.campaignId}, ${delivery.id},
               ${title} || coalesce('（话术：' || (select title from track) || '）', ''),
               ${new Date(now.getTime() + dueInDays * 86_400_000)}, ${now}, ${now}
        from rep where rep.id is not null
        on conflict (delivery_id) do nothing
        returning id`,
  );
  if (rows.length > 0) return DONE;
  const [existing] = await execute<{ id: number }>(tx, sql`select id from followup_tasks where delivery_id = ${delivery.id}`);
  return existing ? DONE : { done: false, reason: 'no_rep' };
}

/** Carries out a silent action (coupon, points, tag, task) inside the worker's transaction. */
export async function performAction(tx: Tx, delivery: DueDelivery, action: CampaignAction, now: Date): Promise<ActionOutcome> {
  switch (action.type) {
    case 'coupon':
      return issueStepCoupon(tx, delivery, action.couponTemplateId, now);
    case 'points':
      return awardPoints(tx, delivery, action.points, now);
    case 'tag':
      await tx.execute(
        sql`update members set tags = array_append(tags, ${action.tag}), updated_at = ${now}
            where id = ${delivery.memberId} and not (${action.tag} = any(tags))`,
      );
      return DONE;
    case 'followup_task':
      return createTask(tx, delivery, action.title, action.dueInDays, now);
    case 'subscribe_message':
      throw new Error('subscribe messages are sent after commit, not inside the transaction');
  }
}
