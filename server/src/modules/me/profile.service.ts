import { and, desc, eq, lte, sql } from 'drizzle-orm';
import {
  DEFAULT_TIER_CONFIG,
  LIFECYCLE_LABELS,
  TIER_LABELS,
  formatTierKeepHint,
  formatTierUpgradeHint,
  tierConfigSchema,
  tierProgress,
  type GrowthOrder,
  type MeResponse,
  type TierConfig,
  type TierProgressView,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { PAID_ORDER_STATUSES, memberMetrics, members, ruleConfigs } from '../../db/schema';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { decryptPhone, maskPhone, type PhoneKeys } from '../../security/phone-crypto';

const DAY_MS = 86_400_000;

/** The tier rules in force at `now` (highest version already effective), or the defaults when none is stored. */
export async function loadTierConfig(executor: Executor, now: Date, logger: Logger): Promise<TierConfig> {
  const [row] = await executor
    .select({ version: ruleConfigs.version, config: ruleConfigs.config })
    .from(ruleConfigs)
    .where(and(eq(ruleConfigs.kind, 'tier'), lte(ruleConfigs.effectiveFrom, now)))
    .orderBy(desc(ruleConfigs.version))
    .limit(1);
  if (!row) return DEFAULT_TIER_CONFIG;
  const parsed = tierConfigSchema.safeParse(row.config);
  if (parsed.success) return parsed.data;
  logger.error({ version: row.version }, 'me: stored tier config is invalid; using the defaults');
  return DEFAULT_TIER_CONFIG;
}

/**
 * The member's paid orders that can still count towards growth value: one range of their own entries in
 * orders_member_paid_covering_idx. Orders without refunds are answered by the index alone; only refunded ones
 * (whose refund time matters) visit the table and their refunds.
 */
async function loadGrowthOrders(executor: Executor, memberId: number, since: Date): Promise<GrowthOrder[]> {
  // Literals, not parameters, so the planner can match the partial index's predicate.
  const statuses = sql.raw(PAID_ORDER_STATUSES.map((status) => `'${status}'`).join(', '));
  const from = sql`${since.toISOString()}::timestamptz`;
  const rows = await execute<{ paid_at: Date; paid_fen: number; refunded_fen: number; refunded_at: Date | null }>(
    executor,
    sql`select o.paid_at, o.paid_fen, o.refunded_fen, null::timestamptz as refunded_at
        from orders o
        where o.member_id = ${memberId} and o.status in (${statuses}) and o.paid_at >= ${from} and o.refunded_fen = 0
        union all
        select o.paid_at, o.paid_fen, o.refunded_fen,
               (select max(r.succeeded_at) from refunds r where r.order_id = o.id and r.status = 'succeeded') as refunded_at
        from orders o
        where o.member_id = ${memberId} and o.status in (${statuses}) and o.paid_at >= ${from} and o.refunded_fen > 0`,
  );
  return rows.map((row) => ({
    paidAt: row.paid_at,
    amountFen: row.paid_fen,
    refundedFen: row.refunded_fen,
    refundedAt: row.refunded_at,
  }));
}

function progressView(progress: ReturnType<typeof tierProgress>, now: Date): TierProgressView {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    tier: progress.tier,
    keepUntil: iso(progress.keepUntil),
    growthFen: progress.growthFen,
    next: progress.next ? { ...progress.next, by: iso(progress.next.by) } : null,
    keep: progress.keep
      ? { ...progress.keep, by: progress.keep.by.toISOString(), countsFrom: progress.keep.countsFrom.toISOString() }
      : null,
    ratio: progress.ratio,
    upgradeHint: formatTierUpgradeHint(progress),
    keepHint: formatTierKeepHint(progress, now),
  };
}

export interface ProfileDeps {
  executor: Executor;
  phoneKeys: PhoneKeys;
  logger: Logger;
}

/** The shopper's own profile: identity, masked phone, tier and progress, points, lifecycle and preferences. */
export async function loadProfile(deps: ProfileDeps, memberId: number, now: Date): Promise<MeResponse> {
  const [row] = await deps.executor
    .select({ member: members, metrics: memberMetrics })
    .from(members)
    .leftJoin(memberMetrics, eq(memberMetrics.memberId, members.id))
    .where(eq(members.id, memberId));
  if (!row) throw new AppError('NOT_FOUND', 'Member not found');
  const { member, metrics } = row;
  const config = await loadTierConfig(deps.executor, now, deps.logger);
  const orders = await loadGrowthOrders(deps.executor, memberId, new Date(now.getTime() - (config.windowDays + 1) * DAY_MS));
  let state = { tier: member.tier, keepUntil: member.tierKeepUntil };
  if (state.tier !== 'normal' && state.keepUntil === null) {
    // A tier above normal always has a review date; without one, show progress as if the review were due now.
    deps.logger.warn({ memberId }, 'me: member has a tier without a keep-until date');
    state = { tier: state.tier, keepUntil: now };
  }
  const progress = tierProgress({ ...state, orders }, config, now);
  const phone = member.phoneCipher ? decryptPhone(member.phoneCipher, deps.phoneKeys) : null;
  const lifecycle = metrics?.lifecycle ?? 'prospect';
  return {
    id: member.id,
    nickname: member.nickname,
    avatarUrl: member.avatarUrl,
    gender: member.gender,
    birthday: member.birthday,
    region: member.region,
    hasPhone: phone !== null,
    maskedPhone: phone === null ? null : maskPhone(phone),
    tier: member.tier,
    tierLabel: TIER_LABELS[member.tier],
    pointsBalance: metrics?.pointsBalance ?? 0,
    tierProgress: progressView(progress, now),
    lifecycle,
    lifecycleLabel: LIFECYCLE_LABELS[lifecycle],
    preferences: {
      topCategories: metrics?.topCategories ?? [],
      topBrands: metrics?.topBrands ?? [],
      priceBand: metrics?.priceBand ?? null,
    },
    registeredAt: member.registeredAt.toISOString(),
    privacyConsentAt: member.privacyConsentAt?.toISOString() ?? null,
  };
}
