import { sql } from 'drizzle-orm';
import { evaluateTier, growthWindowStart, shanghaiDate, type TierCode, type TierDecision } from '@member-ops/shared';
import { execute, withTransaction, type Tx } from '../../db';
import { PAID_ORDER_STATUSES, type TierChangeReason } from '../../db/schema';
import { tierConfigAt } from '../points';
import type { ServerContext } from '../../server';
import { bigintArray, numberArray, sqlList, textArray, timestampArray } from './sql-arrays';

/** Due members reviewed per transaction: small enough to keep row locks short, large enough for few round trips. */
export const TIER_REVIEW_BATCH = 1_000;

export interface TierReviewResult {
  reviewed: number;
  kept: number;
  downgraded: number;
  upgraded: number;
  historyRows: number;
  configVersion: number | null;
}

interface DueMember {
  id: number;
  tier: TierCode;
  tier_keep_until: Date;
  growth_fen: number;
}

/** The shared decision's reasons in the tier_history vocabulary. */
const HISTORY_REASON: Record<TierDecision['history'][number]['reason'], TierChangeReason> = {
  upgrade: 'upgrade',
  review_keep: 'review_keep',
  review_down: 'review_downgrade',
};

/**
 * The 保级 review: every member whose tier_keep_until has passed is decided by the shared `evaluateTier` with
 * their growth value at `now` (keep for another period from the due date, or drop one level per missed review),
 * in batches of {@link TIER_REVIEW_BATCH} members locked in id order. Growth of a whole batch is one SQL sum.
 * Each decision moves tier_keep_until past `now` (or clears it on the base tier), so a second run finds
 * nobody due and changes nothing.
 */
export async function reviewTiers(
  context: Pick<ServerContext, 'database'>,
  now: Date,
  batchSize = TIER_REVIEW_BATCH,
): Promise<TierReviewResult> {
  const { config, version } = await tierConfigAt(context.database.db, now);
  const windowStart = growthWindowStart(now, config);
  const result: TierReviewResult = { reviewed: 0, kept: 0, downgraded: 0, upgraded: 0, historyRows: 0, configVersion: version };
  let afterId = 0;
  for (;;) {
    const batch = await withTransaction(context.database, async (tx) => {
      const due = await lockDueMembers(tx, { afterId, batchSize, now, windowStart });
      const decisions = due.map((member) => ({
        member,
        decision: evaluateTier({ tier: member.tier, keepUntil: member.tier_keep_until }, member.growth_fen, now, config),
      }));
      await applyDecisions(tx, decisions, now, version);
      return decisions;
    });
    for (const { decision } of batch) {
      result.reviewed++;
      result.historyRows += decision.history.length;
      if (decision.changed === 'down') result.downgraded++;
      else if (decision.changed === 'up') result.upgraded++;
      else result.kept++;
    }
    const last = batch[batch.length - 1];
    if (!last || batch.length < batchSize) return result;
    afterId = last.member.id;
  }
}

/** The next batch of due members, locked, with their growth value over the window ending at `now`. */
async function lockDueMembers(
  tx: Tx,
  { afterId, batchSize, now, windowStart }: { afterId: number; batchSize: number; now: Date; windowStart: Date },
): Promise<DueMember[]> {
  const due = await execute<{ id: number; tier: TierCode; tier_keep_until: Date }>(
    tx,
    sql`select id, tier, tier_keep_until from members
        where deleted_at is null and tier_keep_until <= ${now} and id > ${afterId}
        order by id limit ${batchSize}
        for update`,
  );
  if (due.length === 0) return [];
  const growth = await execute<{ member_id: number; growth_fen: number }>(
    tx,
    sql`select member_id, sum(paid_fen - refunded_fen)::int8 as growth_fen from orders
        where member_id = any(${bigintArray(due.map((m) => m.id))}::bigint[])
          and status in (${sqlList(PAID_ORDER_STATUSES)}) and paid_at >= ${windowStart} and paid_at <= ${now}
        group by member_id`,
  );
  const growthById = new Map(growth.map((row) => [row.member_id, row.growth_fen]));
  return due.map((member) => ({ ...member, growth_fen: growthById.get(member.id) ?? 0 }));
}

async function applyDecisions(
  tx: Tx,
  decisions: readonly { member: DueMember; decision: TierDecision }[],
  now: Date,
  configVersion: number | null,
): Promise<void> {
  if (decisions.length === 0) return;
  const changedTier = decisions.map(({ member, decision }) => decision.tier !== member.tier);
  await tx.execute(
    sql`update members m set tier = d.tier, tier_keep_until = d.keep_until,
               tier_since = case when d.changed then ${now} else m.tier_since end, updated_at = ${now}
        from unnest(${bigintArray(decisions.map((d) => d.member.id))}::bigint[],
                    ${textArray(decisions.map((d) => d.decision.tier))}::text[],
                    ${timestampArray(decisions.map((d) => d.decision.keepUntil))}::timestamptz[],
                    ${textArray(changedTier.map(String))}::boolean[]) as d(id, tier, keep_until, changed)
        where m.id = d.id`,
  );
  const entries = decisions.flatMap(({ member, decision }) => decision.history.map((entry) => ({ member, entry })));
  if (entries.length > 0) {
    await tx.execute(
      sql`insert into tier_history (member_id, from_tier, to_tier, reason, growth_value_fen, config_version, at)
          select h.member_id, h.from_tier, h.to_tier, h.reason, h.growth, ${configVersion}::int, ${now}
          from unnest(${bigintArray(entries.map((e) => e.member.id))}::bigint[],
                      ${textArray(entries.map((e) => e.entry.from))}::text[],
                      ${textArray(entries.map((e) => e.entry.to))}::text[],
                      ${textArray(entries.map((e) => HISTORY_REASON[e.entry.reason]))}::text[],
                      ${numberArray(entries.map((e) => e.entry.growthFen))}::int8[])
               with ordinality as h(member_id, from_tier, to_tier, reason, growth, n)
          order by h.n`,
    );
  }
  // A review can only raise a tier when the rules became looser since the last payment; announce it like one.
  // Downgrades start the tier-down campaigns.
  const day = shanghaiDate(now);
  for (const direction of ['up', 'down'] as const) {
    const moved = decisions.filter(({ decision }) => decision.changed === direction);
    if (moved.length === 0) continue;
    await tx.execute(
      sql`insert into member_triggers (member_id, kind, dedupe_key, payload, occurred_at)
          select u.member_id, ${`tier_${direction}`}, u.to_tier || ':review:' || ${day},
                 jsonb_build_object('fromTier', u.from_tier, 'toTier', u.to_tier, 'review', true), ${now}
          from unnest(${bigintArray(moved.map((u) => u.member.id))}::bigint[],
                      ${textArray(moved.map((u) => u.member.tier))}::text[],
                      ${textArray(moved.map((u) => u.decision.tier))}::text[]) as u(member_id, from_tier, to_tier)
          on conflict on constraint member_triggers_once_key do nothing`,
    );
  }
}
