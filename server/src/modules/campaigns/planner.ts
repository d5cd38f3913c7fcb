import { and, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { cronMatches } from '@member-ops/shared';
import { execute, withTransaction, type Tx } from '../../db';
import { campaignRuns, campaigns } from '../../db/schema';
import { periodKey } from '../../jobs/job-runs';
import type { ServerContext } from '../../server';
import { boughtSinceEntry, eligibleMembers } from './audience';
import { loadCampaigns, stepAction, stepCondition, type CampaignStepRow, type LoadedCampaign } from './campaigns.repo';
import { closeCampaign } from './campaigns.service';

export interface PlanResult extends Record<string, unknown> {
  campaigns: number;
  enrolled: number;
  deliveries: number;
  converted: number;
}

/** Claims one firing of a campaign (period `once` for a broadcast, the Shanghai minute for a cron); false if taken. */
async function claimRun(tx: Tx, campaignId: number, key: string, now: Date): Promise<number | null> {
  const [run] = await tx
    .insert(campaignRuns)
    .values({ campaignId, periodKey: key, startedAt: now })
    .onConflictDoNothing({ target: [campaignRuns.campaignId, campaignRuns.periodKey] })
    .returning({ id: campaignRuns.id });
  return run?.id ?? null;
}

/**
 * Writes one outbox row per source row (enrollment_id, member_id, holdout, step_id, channel, position); holdout
 * rows are written already skipped so the report counts them. The unique (member, step, occurrence) key makes a
 * repeat a no-op.
 */
function outboxInsert(campaignId: number, source: SQL, now: Date): SQL {
  return sql`insert into deliveries (campaign_id, step_id, member_id, enrollment_id, occurrence_key, channel, status, holdout,
                                     skip_reason, not_before, created_at, updated_at)
             select ${campaignId}, r.step_id, r.member_id, r.enrollment_id, 'e' || r.enrollment_id, r.channel,
                    case when r.holdout then 'skipped' else 'pending' end, r.holdout,
                    case when r.holdout then 'holdout' end, ${now}, ${now}, ${now}
             from (${source}) r
             order by r.enrollment_id, r.position
             on conflict on constraint deliveries_once_key do nothing
             returning 1`;
}

/**
 * Enrolls the campaign's eligible members under `entryKey` (trigger kinds bring their own keys). The leading
 * steps that run at entry (no wait, no condition) are written to the outbox by the same statement and the
 * enrollment starts past them, so a large audience is planned in one pass over it.
 */
async function enroll(
  tx: Tx,
  loaded: LoadedCampaign,
  now: Date,
  entryKey: string,
): Promise<{ enrolled: number; deliveries: number }> {
  const { campaign, steps } = loaded;
  let leading = 0;
  while (
    leading < steps.length &&
    steps[leading]?.waitDays === 0 &&
    stepCondition(steps[leading] as CampaignStepRow) === 'always'
  )
    leading++;
  const next = steps[leading];
  const nextAt = next ? sql`${now}::timestamptz + make_interval(days => ${next.waitDays})` : sql`null::timestamptz`;
  const done = next ? sql`null::timestamptz` : sql`${now}::timestamptz`;
  const outbox = steps
    .slice(0, leading)
    .map((step) => sql`(${step.id}::bigint, ${stepAction(step).type}::text, ${step.position}::int)`);
  const written =
    outbox.length > 0
      ? outboxInsert(
          campaign.id,
          sql`select i.id as enrollment_id, i.member_id, i.holdout, s.step_id, s.channel, s.position
              from inserted i cross join (values ${sql.join(outbox, sql`, `)}) as s(step_id, channel, position)`,
          now,
        )
      : sql`select 1 where false`;
  const [row] = await execute<{ enrolled: number; deliveries: number }>(
    tx,
    sql`with inserted as (
          insert into campaign_enrollments (campaign_id, member_id, entry_key, holdout, entered_at, current_step, next_step_at,
                                            exited_at, exit_reason)
          select ${campaign.id}, a.member_id, a.entry_key,
                 member_ops_in_holdout(${String(campaign.id)}, a.member_id::text, ${campaign.holdoutRatioBp}),
                 ${now}, ${leading}, ${nextAt}, ${done}, case when ${done} is null then null else 'completed' end
          from (${await eligibleMembers(tx, campaign, now, entryKey)}) a
          on conflict on constraint campaign_enrollments_entry_key do nothing
          returning id, member_id, holdout),
        written as (${written})
        select (select count(*)::int from inserted) as enrolled, (select count(*)::int from written) as deliveries`,
  );
  return { enrolled: row?.enrolled ?? 0, deliveries: row?.deliveries ?? 0 };
}

/** New enrollments for a running campaign at `now`, depending on its kind. */
async function enrollDue(tx: Tx, loaded: LoadedCampaign, now: Date): Promise<{ enrolled: number; deliveries: number }> {
  const { campaign } = loaded;
  if (campaign.kind === 'triggered') return enroll(tx, loaded, now, 'trigger');
  const key = campaign.kind === 'broadcast' ? 'once' : periodKey(now, 'minute');
  const none = { enrolled: 0, deliveries: 0 };
  if (campaign.kind !== 'broadcast' && !(campaign.cron && cronMatches(campaign.cron, now))) return none;
  const runId = await claimRun(tx, campaign.id, key, now);
  if (runId === null) return none;
  const entered = await enroll(tx, loaded, now, `run:${key}`);
  await tx
    .update(campaignRuns)
    .set({ status: 'succeeded', audienceSize: entered.enrolled, finishedAt: now })
    .where(eq(campaignRuns.id, runId));
  return entered;
}

/**
 * Moves due enrollments through the steps, set-based, one position at a time so that steps without a wait run
 * together: members who bought leave a `not_bought` step as converted; members failing an opened/not-opened
 * condition pass the step without it; everyone else gets one outbox row for the step.
 */
async function advance(tx: Tx, loaded: LoadedCampaign, now: Date): Promise<{ deliveries: number; converted: number }> {
  const { campaign, steps } = loaded;
  let deliveries = 0;
  let converted = 0;
  for (const [position, step] of steps.entries()) {
    const due = sql`e.campaign_id = ${campaign.id} and e.current_step = ${position} and e.exited_at is null and e.next_step_at <= ${now}`;
    const condition = stepCondition(step);
    if (condition === 'not_bought') {
      const exited = await execute<{ n: number }>(
        tx,
        sql`with exited as (
              update campaign_enrollments e
              set exited_at = ${now}, exit_reason = 'converted', next_step_at = null,
                  converted_order_id = (select o.id from orders o where o.member_id = e.member_id and o.paid_at > e.entered_at
                                        and o.paid_at <= ${now} order by o.paid_at limit 1)
              where ${due} and ${boughtSinceEntry(now)}
              returning 1)
            select count(*)::int as n from exited`,
      );
      converted += exited[0]?.n ?? 0;
    }
    const opened = sql`exists (select 1 from member_activity a where a.member_id = e.member_id and a.last_at > e.entered_at)`;
    const passes = condition === 'opened' ? opened : condition === 'not_opened' ? sql`not ${opened}` : sql`true`;
    const source = sql`select e.id as enrollment_id, e.member_id, e.holdout, ${step.id}::bigint as step_id,
                              ${stepAction(step).type}::text as channel, ${position}::int as position
                       from campaign_enrollments e where ${due} and ${passes}`;
    const written = await execute<{ n: number }>(
      tx,
      sql`with written as (${outboxInsert(campaign.id, source, now)}) select count(*)::int as n from written`,
    );
    deliveries += written[0]?.n ?? 0;
    const next = steps[position + 1];
    await tx.execute(
      next
        ? sql`update campaign_enrollments e set current_step = ${position + 1},
                next_step_at = e.next_step_at + make_interval(days => ${next.waitDays})
              where ${due}`
        : sql`update campaign_enrollments e set current_step = ${position + 1}, next_step_at = null,
                exited_at = ${now}, exit_reason = 'completed'
              where ${due}`,
    );
  }
  return { deliveries, converted };
}

/**
 * The campaign scheduler, run every minute: starts scheduled campaigns whose time has come and finishes those
 * past their end, enrolls new audience members (broadcast once, recurring and journeys on their cron, triggered
 * on new facts) and writes due steps to the outbox. Each campaign is planned in its own transaction holding its
 * row lock, so two instances planning at once wait for each other and the unique keys absorb any repeat.
 */
export async function planCampaigns(context: ServerContext, now: Date = context.clock()): Promise<PlanResult> {
  const db = context.database.db;
  await db
    .update(campaigns)
    .set({ status: 'running', updatedAt: now })
    .where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.startsAt, now)));
  const ending = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(inArray(campaigns.status, ['running', 'paused']), lte(campaigns.endsAt, now)));
  for (const { id } of ending) {
    await withTransaction(context.database, async (tx) => {
      await tx.update(campaigns).set({ status: 'finished', updatedAt: now }).where(eq(campaigns.id, id));
      await closeCampaign(tx, id, now);
    });
  }
  const running = await db.select().from(campaigns).where(eq(campaigns.status, 'running'));
  const result: PlanResult = { campaigns: running.length, enrolled: 0, deliveries: 0, converted: 0 };
  for (const loaded of await loadCampaigns(db, running)) {
    await withTransaction(context.database, async (tx) => {
      const [locked] = await execute<{ status: string }>(
        tx,
        sql`select status from campaigns where id = ${loaded.campaign.id} for update`,
      );
      if (locked?.status !== 'running') return;
      const entered = await enrollDue(tx, loaded, now);
      result.enrolled += entered.enrolled;
      const moved = await advance(tx, loaded, now);
      result.deliveries += entered.deliveries + moved.deliveries;
      result.converted += moved.converted;
    });
  }
  return result;
}
