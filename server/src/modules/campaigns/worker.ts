import { inArray, sql } from 'drizzle-orm';
import { decideDelivery, type CampaignAction, type DeliveryGuardConfig } from '@member-ops/shared';
import { execute, withTransaction, type Tx } from '../../db';
import { campaignSteps, type DeliveryChannel } from '../../db/schema';
import type { ServerContext } from '../../server';
import { performAction, type DueDelivery } from './actions';
import { GUARD_CHANNEL, guardConfigAt, idArray, IN_FLIGHT, memberGuardFacts } from './guard-facts';
import { stepAction, type CampaignStepRow } from './campaigns.repo';
import { rateLimiter, sendMessages, type MessageToSend, type SendOutcome } from './sender';

export interface DrainOptions {
  /** Deliveries claimed per transaction. */
  batchSize?: number;
  /** Stop after this many batches (the next run continues). */
  maxBatches?: number;
  sendsPerSecond?: number;
  /** Claim-send-record loops run side by side (each claims its own rows), so sending overlaps database work. */
  lanes?: number;
  /** How long a claimed message is reserved for this worker; after it, an unanswered send's outcome is unknown. */
  leaseMs?: number;
}

export interface DrainResult extends Record<string, unknown> {
  batches: number;
  sent: number;
  deferred: number;
  skipped: number;
  failed: number;
  retried: number;
  /**
   * Messages whose outcome is unknown: found reserved past their lease with no answer recorded (a worker died
   * mid-send), or sent to WeChat without an answer (timeout, reset, HTTP 5xx).
   */
  unknown: number;
}

interface ClaimedRow extends DueDelivery {
  channel: DeliveryChannel;
  lastError: string | null;
  attempts: number;
}

async function claim(tx: Tx, now: Date, limit: number): Promise<ClaimedRow[]> {
  const rows = await execute<{
    id: number;
    campaign_id: number;
    step_id: number;
    member_id: number;
    occurrence_key: string;
    channel: DeliveryChannel;
    last_error: string | null;
    attempts: number;
  }>(
    tx,
    sql`select d.id, d.campaign_id, d.step_id, d.member_id, d.occurrence_key, d.channel, d.last_error, d.attempts
        from deliveries d
        where d.status in ('pending', 'deferred') and d.not_before <= ${now}
          and d.last_error is distinct from ${IN_FLIGHT}
          and exists (select 1 from campaigns c where c.id = d.campaign_id and c.status = 'running')
          and not exists (select 1 from deliveries p where p.member_id = d.member_id and p.occurrence_key = d.occurrence_key
                          and p.id < d.id and p.status in ('pending', 'deferred'))
        order by d.not_before, d.id
        limit ${limit}
        for update of d skip locked`,
  );
  return rows.map((row) => ({
    id: row.id,
    campaignId: row.campaign_id,
    stepId: row.step_id,
    memberId: row.member_id,
    occurrenceKey: row.occurrence_key,
    channel: row.channel,
    lastError: row.last_error,
    attempts: row.attempts,
  }));
}

async function setOutcome(
  tx: Tx,
  id: number,
  now: Date,
  outcome:
    | { status: 'sent' }
    | { status: 'skipped' | 'failed'; reason: string }
    | { status: 'deferred'; until: Date; reason: string }
    | { status: 'pending'; until: Date; error: string },
): Promise<void> {
  switch (outcome.status) {
    case 'sent':
      await tx.execute(
        sql`update deliveries set status = 'sent', sent_at = ${now}, last_error = null, skip_reason = null, updated_at = ${now}
            where id = ${id}`,
      );
      return;
    case 'skipped':
    case 'failed':
      await tx.execute(
        sql`update deliveries set status = ${outcome.status}, skip_reason = ${outcome.reason}, last_error = null, updated_at = ${now}
            where id = ${id}`,
      );
      return;
    case 'deferred':
      await tx.execute(
        sql`update deliveries set status = 'deferred', not_before = ${outcome.until}, skip_reason = ${outcome.reason},
                                  updated_at = ${now}
            where id = ${id}`,
      );
      return;
    case 'pending':
      await tx.execute(
        sql`update deliveries set status = 'pending', not_before = ${outcome.until}, last_error = ${outcome.error},
                                  updated_at = ${now}
            where id = ${id}`,
      );
  }
}

/**
 * One batch: claims due deliveries (FOR UPDATE SKIP LOCKED, so workers never share a row; a step waits until the
 * earlier steps of the same passage are done, so a message finds the coupon it announces), decides each by the
 * shared guards, carries out silent actions in this transaction, and reserves the messages to send (status
 * pending with the in-flight mark and a lease), all committed before any message leaves. A message still in
 * flight is never claimed again: recoverUnansweredSends settles it once its lease has passed.
 */
async function claimBatch(
  context: ServerContext,
  now: Date,
  options: Required<Pick<DrainOptions, 'batchSize' | 'leaseMs'>>,
  steps: (tx: Tx, ids: number[]) => Promise<Map<number, CampaignStepRow>>,
  config: DeliveryGuardConfig,
  result: DrainResult,
): Promise<{ claimed: number; messages: MessageToSend[] }> {
  return withTransaction(context.database, async (tx) => {
    const rows = await claim(tx, now, options.batchSize);
    if (rows.length === 0) return { claimed: 0, messages: [] };
    const stepRows = await steps(tx, [...new Set(rows.map((row) => row.stepId))]);
    const facts = await memberGuardFacts(
      tx,
      rows.filter((row) => row.channel === 'subscribe_message' || row.channel === 'followup_task').map((row) => row.memberId),
      now,
    );
    const messages: MessageToSend[] = [];
    for (const row of rows) {
      const step = stepRows.get(row.stepId);
      if (!step) throw new Error(`delivery ${row.id} refers to a missing step`);
      const action: CampaignAction = stepAction(step);
      const member = facts.get(row.memberId);
      const templateId = action.type === 'subscribe_message' ? action.templateId : null;
      const decision = decideDelivery(
        {
          now,
          channel: GUARD_CHANNEL[row.channel],
          consentCredits: templateId ? (member?.credits.get(templateId) ?? 0) : 0,
          recentSends: member?.recentSends ?? [],
          doNotContact: member?.doNotContact ?? false,
          inHoldout: false,
        },
        config,
      );
      if (decision.action === 'skip') {
        await setOutcome(tx, row.id, now, { status: 'skipped', reason: decision.reason });
        result.skipped++;
      } else if (decision.action === 'defer') {
        await setOutcome(tx, row.id, now, { status: 'deferred', until: decision.until, reason: decision.reason });
        result.deferred++;
      } else if (action.type === 'subscribe_message' && member && templateId) {
        member.recentSends.push({ at: now, channel: 'subscribe_message' });
        member.credits.set(templateId, (member.credits.get(templateId) ?? 0) - 1);
        messages.push({ delivery: row, openid: member.openid, action });
      } else {
        const outcome = await performAction(tx, row, action, now);
        if (outcome.done) {
          await setOutcome(tx, row.id, now, { status: 'sent' });
          if (action.type === 'followup_task') {
            member?.recentSends.push({ at: now, channel: 'task' });
            await tx.execute(sql`update member_metrics set last_contacted_at = ${now} where member_id = ${row.memberId}`);
          }
          result.sent++;
        } else {
          await setOutcome(tx, row.id, now, { status: 'skipped', reason: outcome.reason });
          result.skipped++;
        }
      }
    }
    if (messages.length > 0) {
      await tx.execute(
        sql`update deliveries set status = 'pending', last_error = ${IN_FLIGHT}, attempts = attempts + 1,
                                  not_before = ${new Date(now.getTime() + options.leaseMs)}, updated_at = ${now}
            where id = any(${idArray(messages.map((m) => m.delivery.id))})`,
      );
    }
    return { claimed: rows.length, messages };
  });
}

/**
 * Records what WeChat answered: sent (credit used, member contacted), no answer after the send reached WeChat
 * (unknown, 'no_answer': credit used, member contacted, never sent again), refused (credit zeroed), retry or failure —
 * for the messages still reserved by this worker. A message recovered as unknown meanwhile (its lease ran out) is
 * only corrected to sent when WeChat's answer proves it; its credit was already used by the recovery.
 */
async function recordOutcomes(context: ServerContext, now: Date, outcomes: SendOutcome[], result: DrainResult): Promise<void> {
  if (outcomes.length === 0) return;
  await withTransaction(context.database, async (tx) => {
    const ids = idArray(outcomes.map((entry) => entry.message.delivery.id));
    const current = await execute<{ id: number; status: string; in_flight: boolean }>(
      tx,
      sql`select id, status, (status in ('pending', 'deferred') and last_error is not distinct from ${IN_FLIGHT}) as in_flight
          from deliveries where id = any(${ids}) order by id for update`,
    );
    const inFlight = new Set(current.filter((row) => row.in_flight).map((row) => row.id));
    const unknown = new Set(current.filter((row) => row.status === 'unknown').map((row) => row.id));
    const answered = outcomes.filter((entry) => inFlight.has(entry.message.delivery.id));
    const sent = answered.filter((entry) => entry.outcome.kind === 'sent').map((entry) => entry.message);
    const unanswered = answered.flatMap(({ message, outcome }) => (outcome.kind === 'unknown' ? [{ message, outcome }] : []));
    // A message that may have been delivered uses its credit and counts as a contact, like a sent one.
    const consumed = [...sent, ...unanswered.map((entry) => entry.message)];
    const proven = outcomes.filter((entry) => entry.outcome.kind === 'sent' && unknown.has(entry.message.delivery.id));
    if (proven.length > 0) {
      await tx.execute(
        sql`update deliveries set status = 'sent', skip_reason = null, updated_at = ${now}
            where id = any(${idArray(proven.map((entry) => entry.message.delivery.id))}) and status = 'unknown'`,
      );
      result.sent += proven.length;
    }
    if (sent.length > 0) {
      await tx.execute(
        sql`update deliveries set status = 'sent', sent_at = ${now}, last_error = null, skip_reason = null, updated_at = ${now}
            where id = any(${idArray(sent.map((m) => m.delivery.id))})`,
      );
      result.sent += sent.length;
    }
    if (unanswered.length > 0) {
      await tx.execute(
        sql`update deliveries set status = 'unknown', sent_at = ${now}, skip_reason = 'no_answer', updated_at = ${now},
                                  last_error = e.error
            from unnest(${idArray(unanswered.map((entry) => entry.message.delivery.id))},
                        ${`{${unanswered.map((entry) => JSON.stringify(entry.outcome.error)).join(',')}}`}::text[]) as e(id, error)
            where deliveries.id = e.id`,
      );
      result.unknown += unanswered.length;
    }
    if (consumed.length > 0) {
      const templates = sql`${`{${consumed.map((m) => JSON.stringify(m.action.templateId)).join(',')}}`}::text[]`;
      await tx.execute(
        sql`update subscription_credits c set credits = greatest(c.credits - u.n, 0), updated_at = ${now}
            from (select member_id, template_id, count(*)::int as n
                  from unnest(${idArray(consumed.map((m) => m.delivery.memberId))}, ${templates}) as x(member_id, template_id)
                  group by member_id, template_id) u
            where c.member_id = u.member_id and c.template_id = u.template_id`,
      );
      await tx.execute(
        sql`update member_metrics set last_contacted_at = ${now}
            where member_id = any(${idArray(consumed.map((m) => m.delivery.memberId))})`,
      );
    }
    for (const { message, outcome } of outcomes) {
      const { delivery, action } = message;
      if (outcome.kind === 'refused') {
        // 43101 says the grant is gone, whoever holds the row now.
        await tx.execute(
          sql`update subscription_credits set credits = 0, last_result = 'reject', updated_at = ${now}
              where member_id = ${delivery.memberId} and template_id = ${action.templateId}`,
        );
      }
      if (outcome.kind === 'sent' || outcome.kind === 'unknown' || !inFlight.has(delivery.id)) continue;
      if (outcome.kind === 'refused') {
        await setOutcome(tx, delivery.id, now, { status: 'failed', reason: 'user_refused' });
        result.failed++;
      } else if (outcome.kind === 'retry') {
        await setOutcome(tx, delivery.id, now, { status: 'pending', until: outcome.at, error: outcome.error });
        result.retried++;
      } else {
        await setOutcome(tx, delivery.id, now, { status: 'failed', reason: outcome.reason });
        await tx.execute(sql`update deliveries set last_error = ${outcome.error} where id = ${delivery.id}`);
        result.failed++;
      }
    }
  });
}

/**
 * Settles the messages a dead worker left in flight (reserved, lease passed, no answer recorded): WeChat may have
 * delivered them and offers no way to ask, so each becomes `unknown` — never sent again, its consent credit used,
 * the member counted as contacted at the instant the message was reserved (the row's last update). One
 * statement, so two workers recovering at once settle each row once (the second finds it no longer in flight).
 */
export async function recoverUnansweredSends(context: ServerContext, now: Date): Promise<number> {
  const [row] = await execute<{ recovered: number }>(
    context.database.db,
    sql`with recovered as (
          update deliveries d set status = 'unknown', sent_at = d.updated_at, skip_reason = 'interrupted',
                                  last_error = null, updated_at = ${now}
          where d.status in ('pending', 'deferred') and d.last_error = ${IN_FLIGHT} and d.not_before <= ${now}
          returning d.member_id, d.step_id, d.sent_at
        ), used as (
          select r.member_id, s.action->>'templateId' as template_id, count(*)::int as n
          from recovered r join campaign_steps s on s.id = r.step_id
          group by 1, 2
        ), credits as (
          update subscription_credits c set credits = greatest(c.credits - u.n, 0), updated_at = ${now}
          from used u where c.member_id = u.member_id and c.template_id = u.template_id
          returning 1
        ), contacted as (
          update member_metrics mm set last_contacted_at = greatest(mm.last_contacted_at, x.at)
          from (select member_id, max(sent_at) as at from recovered group by 1) x
          where mm.member_id = x.member_id
          returning 1
        )
        select (select count(*) from recovered)::int as recovered`,
  );
  return row?.recovered ?? 0;
}

/**
 * The delivery worker: drains due outbox rows batch by batch until none are due (or maxBatches). Safe to run on
 * several instances at once.
 */
export async function drainOutbox(context: ServerContext, options: DrainOptions = {}): Promise<DrainResult> {
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const result: DrainResult = { batches: 0, sent: 0, deferred: 0, skipped: 0, failed: 0, retried: 0, unknown: 0 };
  const stepCache = new Map<number, CampaignStepRow>();
  const steps = async (tx: Tx, ids: number[]) => {
    const missing = ids.filter((id) => !stepCache.has(id));
    if (missing.length > 0) {
      const rows = await tx.select().from(campaignSteps).where(inArray(campaignSteps.id, missing));
      for (const row of rows) stepCache.set(row.id, row);
    }
    return stepCache;
  };
  result.unknown += await recoverUnansweredSends(context, context.clock());
  const config = await guardConfigAt(context.database.db, context.clock());
  const acquire = rateLimiter(options.sendsPerSecond ?? context.config.campaignSendsPerSecond);
  const lane = async () => {
    while (options.maxBatches === undefined || result.batches < options.maxBatches) {
      const now = context.clock();
      const { claimed, messages } = await claimBatch(context, now, { batchSize, leaseMs }, steps, config, result);
      if (claimed === 0) break;
      result.batches++;
      const outcomes = await sendMessages(context, messages, { acquire, now });
      await recordOutcomes(context, context.clock(), outcomes, result);
    }
  };
  await Promise.all(Array.from({ length: options.lanes ?? 2 }, lane));
  return result;
}
