import { eq, sql, type SQL } from 'drizzle-orm';
import {
  compileSegmentRuleToSql,
  shanghaiParts,
  storedSegmentRuleSchema,
  TIER_CODES,
  type CampaignTrigger,
  type SegmentRule,
  type TierCode,
} from '@member-ops/shared';
import type { Executor } from '../../db';
import { tierConfigAt } from '../points';
import { segments } from '../../db/schema';
import { PAID_ORDER_STATUSES } from '../../db/schema/codes';
import type { CampaignRow } from './campaigns.repo';
import { CampaignTrigger as TriggerSchema } from '@member-ops/shared';

/** Embeds a compiled rule (`$n` placeholders) into a Drizzle query, its values bound as parameters. */
function embedCompiled(compiled: { sql: string; params: unknown[] }): SQL {
  const pieces = compiled.sql.split(/\$(\d+)/);
  const chunks = pieces.map((piece, index) =>
    index % 2 === 0 ? sql.raw(piece) : sql`${sql.param(compiled.params[Number(piece) - 1])}`,
  );
  return sql.join(chunks, sql.raw(''));
}

/** The campaign's audience rule: its inline rule, else its saved segment's rule, else null (every member). */
export async function audienceRule(executor: Executor, campaign: CampaignRow): Promise<SegmentRule | null> {
  // Stored rules: a rule saved before the cost budget still loads (previews cut it by their statement timeout).
  if (campaign.audience) return storedSegmentRuleSchema.parse(campaign.audience);
  if (!campaign.segmentId) return null;
  const [segment] = await executor.select({ rule: segments.rule }).from(segments).where(eq(segments.id, campaign.segmentId));
  return segment ? storedSegmentRuleSchema.parse(segment.rule) : null;
}

/** A boolean predicate over member_facts `m` for the rule (true for no rule), evaluated as of `now`. */
export function audiencePredicate(rule: SegmentRule | null, now: Date): SQL {
  return rule ? embedCompiled(compileSegmentRuleToSql(rule, { now, memberAlias: 'm' })) : sql`true`;
}

export const PAID_STATUSES_SQL = sql.raw(PAID_ORDER_STATUSES.map((status) => `'${status}'`).join(', '));

/** Whether the enrollment `e`'s member paid for an order after entering and up to `now`. */
export function boughtSinceEntry(now: Date): SQL {
  return sql`exists (select 1 from orders o where o.member_id = e.member_id and o.status in (${PAID_STATUSES_SQL})
                     and o.paid_at > e.entered_at and o.paid_at <= ${now})`;
}

const DAY_MS = 86_400_000;

/**
 * The members a trigger fires for as of `now`, with a key naming the firing (one enrollment per key):
 * `select member_id, entry_key`. Facts older than the campaign's start, or than a week, do not fire.
 */
export function triggerCandidates(
  trigger: CampaignTrigger,
  campaign: CampaignRow,
  now: Date,
  birthdayCouponTiers: readonly TierCode[] = TIER_CODES,
): SQL {
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
  const since = campaign.startsAt && campaign.startsAt.getTime() > weekAgo.getTime() ? campaign.startsAt : weekAgo;
  switch (trigger.kind) {
    case 'registered':
      return sql`select id as member_id, 'registered' as entry_key from members
                 where deleted_at is null and registered_at >= ${since} and registered_at <= ${now}`;
    case 'first_purchase':
    case 'tier_up':
    case 'tier_down':
      return sql`select member_id, 'trigger:' || id as entry_key from member_triggers
                 where kind = ${trigger.kind} and occurred_at >= ${since} and occurred_at <= ${now}`;
    case 'birthday': {
      const today = shanghaiParts(now);
      const monthDay = `${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
      const tiers = trigger.tierBenefitOnly ? sql`and tier = any(${`{${birthdayCouponTiers.join(',')}}`}::text[])` : sql``;
      return sql`select id as member_id, 'birthday:' || ${String(today.year)} as entry_key from members
                 where deleted_at is null and birthday is not null and to_char(birthday, 'MM-DD') = ${monthDay} ${tiers}`;
    }
    case 'points_expiring':
      return sql`select member_id, 'expiring:' || to_char(min(expires_at) at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as entry_key
                 from points_batches
                 where remaining_points > 0 and expires_at > ${now}
                   and expires_at <= ${new Date(now.getTime() + (trigger.days ?? 30) * DAY_MS)}
                 group by member_id`;
    case 'entered_lifecycle':
      return sql`select member_id, 'change:' || id as entry_key from segment_changes
                 where dimension = 'lifecycle' and to_value = ${trigger.stage ?? ''} and as_of >= ${since} and as_of <= ${now}`;
    case 'entered_segment':
      return sql`select member_id, 'change:' || id as entry_key from segment_changes
                 where dimension = 'segment' and segment_id = ${trigger.segmentId ?? 0} and to_value = 'in'
                   and as_of >= ${since} and as_of <= ${now}`;
    case 'cart_abandoned': {
      const dueAt = new Date(now.getTime() - (trigger.hours ?? 24) * 3_600_000);
      const from = new Date(Math.max(dueAt.getTime() - DAY_MS, campaign.startsAt?.getTime() ?? 0));
      return sql`select a.member_id, 'cart:' || floor(extract(epoch from a.last_at))::bigint as entry_key
                 from member_activity a left join member_metrics mm on mm.member_id = a.member_id
                 where a.event_type = 'add_to_cart' and a.last_at <= ${dueAt} and a.last_at > ${from}
                   and (mm.last_order_at is null or mm.last_order_at < a.last_at)`;
    }
    case 'p_alive_below':
      return sql`select member_id, 'p_alive' as entry_key from member_metrics
                 where p_alive is not null and p_alive < ${trigger.below ?? 0} and orders_total > 0`;
  }
}

/**
 * `select member_id, entry_key` of the members a campaign would enroll now: its candidates (trigger facts, or
 * every member under `entryKey`) that match the audience rule, were not contacted (nor entered this campaign, so
 * the holdout is treated alike) within the campaign's exclusion window and are not on an open passage through it.
 */
export async function eligibleMembers(executor: Executor, campaign: CampaignRow, now: Date, entryKey: string): Promise<SQL> {
  const trigger = campaign.kind === 'triggered' ? TriggerSchema.safeParse(campaign.trigger) : null;
  const birthdayCouponTiers =
    trigger?.success && trigger.data.kind === 'birthday' && trigger.data.tierBenefitOnly
      ? await tiersWithBirthdayCoupon(executor, now)
      : TIER_CODES;
  const candidates = trigger
    ? trigger.success
      ? triggerCandidates(trigger.data, campaign, now, birthdayCouponTiers)
      : sql`select null::bigint as member_id, null::text as entry_key where false`
    : sql`select member_id, ${entryKey}::text as entry_key from member_facts`;
  const rule = await audienceRule(executor, campaign);
  const cutoff = new Date(now.getTime() - campaign.excludeContactedDays * DAY_MS);
  const recent = campaign.excludeContactedDays > 0;
  const recentContact = recent
    ? sql`and not exists (select 1 from member_metrics mm where mm.member_id = c.member_id and mm.last_contacted_at > ${cutoff})`
    : sql``;
  // Materialised once: an anti-join against the table being inserted into would rescan it for every candidate.
  return sql`with prior as materialized (
               select member_id from campaign_enrollments
               where campaign_id = ${campaign.id} and (exited_at is null ${recent ? sql`or entered_at > ${cutoff}` : sql``}))
             select c.member_id, c.entry_key
             from (${candidates}) c
             join member_facts m on m.member_id = c.member_id
             where ${audiencePredicate(rule, now)} ${recentContact}
               and c.member_id not in (select member_id from prior)`;
}

/** The tiers whose benefits include the birthday coupon under the tier rules in force at `now`. */
async function tiersWithBirthdayCoupon(executor: Executor, now: Date): Promise<TierCode[]> {
  const { config } = await tierConfigAt(executor, now);
  return TIER_CODES.filter((tier) => config.tiers[tier].benefits.birthdayCoupon);
}
