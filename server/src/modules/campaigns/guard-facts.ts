import { sql } from 'drizzle-orm';
import {
  DEFAULT_DELIVERY_GUARD_CONFIG,
  deliveryGuardConfigSchema,
  type DeliveryChannel as GuardChannel,
  type DeliveryGuardConfig,
} from '@member-ops/shared';
import { execute, type Executor, type Tx } from '../../db';
import type { DeliveryChannel } from '../../db/schema';

/** Marks a claimed subscribe message whose outcome is not yet known. */
export const IN_FLIGHT = 'in_flight';
const DAY_MS = 86_400_000;

export const GUARD_CHANNEL: Record<DeliveryChannel, GuardChannel> = {
  subscribe_message: 'subscribe_message',
  coupon: 'coupon',
  points: 'points',
  tag: 'tag',
  followup_task: 'task',
};

/** The delivery guard rules in force (the operator's saved version, else the product defaults). */
export async function guardConfigAt(executor: Executor, at: Date): Promise<DeliveryGuardConfig> {
  const [row] = await execute<{ config: unknown }>(
    executor,
    sql`select config from rule_configs where kind = 'campaign_guards' and effective_from <= ${at} order by version desc limit 1`,
  );
  return row ? deliveryGuardConfigSchema.parse(row.config) : DEFAULT_DELIVERY_GUARD_CONFIG;
}

export interface MemberGuardFacts {
  doNotContact: boolean;
  openid: string;
  recentSends: { at: Date; channel: GuardChannel }[];
  credits: Map<string, number>;
}

/**
 * Per member of the batch: do-not-contact, openid, sends of the last 8 days (messages reserved by any worker but
 * not yet confirmed count as sent now) and consent credits. Taken under per-member advisory locks, so two workers
 * cannot both see a free frequency-cap slot for the same member.
 */
export function idArray(ids: readonly number[]) {
  return sql`${`{${ids.join(',')}}`}::bigint[]`;
}

export async function memberGuardFacts(tx: Tx, memberIds: number[], now: Date): Promise<Map<number, MemberGuardFacts>> {
  const ids = [...new Set(memberIds)].sort((a, b) => a - b);
  const facts = new Map<number, MemberGuardFacts>();
  if (ids.length === 0) return facts;
  const ids_ = idArray(ids);
  await tx.execute(
    sql`select pg_advisory_xact_lock(1668246896, (x.id % 2147483647)::int)
        from (select unnest(${ids_}) as id order by 1) x`,
  );
  const members = await execute<{ id: number; do_not_contact: boolean; openid: string }>(
    tx,
    sql`select id, do_not_contact, openid from members where id = any(${ids_})`,
  );
  for (const member of members) {
    facts.set(member.id, { doNotContact: member.do_not_contact, openid: member.openid, recentSends: [], credits: new Map() });
  }
  const sends = await execute<{ member_id: number; at: Date; channel: DeliveryChannel }>(
    tx,
    sql`select member_id, sent_at as at, channel from deliveries
        where member_id = any(${ids_}) and sent_at is not null and sent_at > ${new Date(now.getTime() - 8 * DAY_MS)}
        union all
        select member_id, ${now}::timestamptz as at, channel from deliveries
        where member_id = any(${ids_}) and status in ('pending', 'deferred') and last_error = ${IN_FLIGHT}`,
  );
  for (const send of sends) facts.get(send.member_id)?.recentSends.push({ at: send.at, channel: GUARD_CHANNEL[send.channel] });
  const credits = await execute<{ member_id: number; template_id: string; credits: number }>(
    tx,
    // A message in flight has not used its credit yet (its answer does that), but may not count on it twice.
    sql`select c.member_id, c.template_id,
               c.credits - (select count(*)::int from deliveries d join campaign_steps s on s.id = d.step_id
                            where d.member_id = c.member_id and d.status in ('pending', 'deferred')
                              and d.last_error = ${IN_FLIGHT}
                              and s.action->>'templateId' = c.template_id) as credits
        from subscription_credits c where c.member_id = any(${ids_})`,
  );
  for (const credit of credits) facts.get(credit.member_id)?.credits.set(credit.template_id, credit.credits);
  return facts;
}
