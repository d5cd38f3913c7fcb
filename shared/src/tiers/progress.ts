import type { TierCode } from '../vocabulary';
import { type TierConfig, tierAbove } from './config';
import { evaluateTier, type MemberTierState } from './evaluate';
import { type GrowthOrder, growthValue, growthWindowStart, nextGrowthDrop, projectedGrowth } from './growth';

export interface TierProgressMember extends MemberTierState {
  orders: readonly GrowthOrder[];
}

export interface TierProgress {
  /** The tier after applying any due upgrade or review, so the screen never shows a stale tier. */
  tier: TierCode;
  keepUntil: Date | null;
  growthFen: number;
  /**
   * Reaching the next tier: `amountFen` more, spent at any time up to and including `by`, upgrades the member
   * (the upgrade happens the moment the total is reached). `by` is the last millisecond before the earliest
   * counted order leaves the window — after that the amount needed rises; null when no counted order will
   * leave, i.e. the amount holds indefinitely. Null at the top tier.
   */
  next: { tier: TierCode; amountFen: number; by: Date | null } | null;
  /**
   * Keeping the current tier at its review on `by` (= keepUntil): `amountFen` more is needed, counting the
   * orders that will have left the window by then. A purchase only counts at the review if it is made on or
   * after `countsFrom` (the start of the window that ends at the review), so right after an upgrade the
   * first day or two may not count. Null on the lowest tier.
   */
  keep: { tier: TierCode; amountFen: number; by: Date; countsFrom: Date } | null;
  /** 0…1 for a progress bar: growth over the next tier's entry threshold (or over the keep threshold at the top). */
  ratio: number;
}

/**
 * Where a member stands: the effective tier, how much more to reach the next tier and by when, and how
 * much more to keep the current tier at its review. Exact in fen.
 * @example tierProgress({ tier: 'silver', keepUntil, orders }, DEFAULT_TIER_CONFIG, now).next
 * // { tier: 'gold', amountFen: 123_400, by: 2027-03-31T15:59:59.999Z }
 */
export function tierProgress(member: TierProgressMember, config: TierConfig, now: Date): TierProgress {
  const growthFen = growthValue(member.orders, now, config);
  const { tier, keepUntil } = evaluateTier(member, growthFen, now, config);
  const nextTier = tierAbove(tier);
  const drop = nextGrowthDrop(member.orders, now, config);
  const next = nextTier
    ? {
        tier: nextTier,
        amountFen: config.tiers[nextTier].entryFen - growthFen,
        by: drop ? new Date(drop.getTime() - 1) : null,
      }
    : null;
  const keep =
    keepUntil === null
      ? null
      : {
          tier,
          amountFen: Math.max(0, config.tiers[tier].keepFen - projectedGrowth(member.orders, now, keepUntil, config)),
          by: keepUntil,
          countsFrom: new Date(Math.max(now.getTime(), growthWindowStart(keepUntil, config).getTime())),
        };
  const target = nextTier ? config.tiers[nextTier].entryFen : config.tiers[tier].keepFen;
  const ratio = target > 0 ? Math.min(1, growthFen / target) : 1;
  return { tier, keepUntil, growthFen, next, keep, ratio };
}
