import { addMonths } from '../time';
import type { TierCode } from '../vocabulary';
import { type TierConfig, tierBelow, tierForGrowth, tierRank } from './config';

/** What the server stores per member. `keepUntil` is the next review; null on the lowest tier. */
export interface MemberTierState {
  tier: TierCode;
  keepUntil: Date | null;
}

export type TierChangeReason = 'upgrade' | 'review_keep' | 'review_down';

/** One row of a member's tier history, to be appended by the server as decided. */
export interface TierHistoryEntry {
  from: TierCode;
  to: TierCode;
  reason: TierChangeReason;
  growthFen: number;
  /** When the decision was made. */
  at: Date;
  /** The next review after this change; null on the lowest tier. */
  keepUntil: Date | null;
}

export interface TierDecision {
  tier: TierCode;
  changed: 'up' | 'down' | 'none';
  keepUntil: Date | null;
  /** The last thing that happened, or why nothing did. */
  reason: TierChangeReason | 'within_keep_period' | 'no_change';
  /** Entries to append, oldest first; several when reviews were missed. */
  history: TierHistoryEntry[];
}

/**
 * Decides a member's tier from their growth value at `now`.
 * - Upgrade at once to the highest tier reached; the new tier is kept `keepMonths` from now.
 * - While `keepUntil` is in the future nothing else happens.
 * - Once `keepUntil` has passed the tier is reviewed: growth ≥ the tier's keep threshold keeps it for another
 *   `keepMonths` (counted from the due date, so a late job does not stretch the period); otherwise it drops one
 *   level and the lower tier's keep period starts at the due date. Reviews missed for longer than a keep period
 *   are all applied, each with today's growth.
 * @example evaluateTier({ tier: 'normal', keepUntil: null }, 600_000, now, DEFAULT_TIER_CONFIG)
 * // { tier: 'gold', changed: 'up', keepUntil: addMonths(now, 12), reason: 'upgrade', history: [...] }
 */
export function evaluateTier(state: MemberTierState, growthFen: number, now: Date, config: TierConfig): TierDecision {
  if (state.tier !== 'normal' && state.keepUntil === null) {
    throw new RangeError(`tier ${state.tier} needs a keepUntil date`);
  }
  const reached = tierForGrowth(growthFen, config);
  if (tierRank(reached) > tierRank(state.tier)) {
    const keepUntil = addMonths(now, config.keepMonths);
    return {
      tier: reached,
      changed: 'up',
      keepUntil,
      reason: 'upgrade',
      history: [{ from: state.tier, to: reached, reason: 'upgrade', growthFen, at: now, keepUntil }],
    };
  }
  const history: TierHistoryEntry[] = [];
  let tier = state.tier;
  let keepUntil = tier === 'normal' ? null : state.keepUntil;
  while (keepUntil !== null && keepUntil.getTime() <= now.getTime()) {
    const due: Date = keepUntil;
    const kept = growthFen >= config.tiers[tier].keepFen;
    const to = kept ? tier : (tierBelow(tier) ?? 'normal');
    keepUntil = to === 'normal' ? null : addMonths(due, config.keepMonths);
    history.push({ from: tier, to, reason: kept ? 'review_keep' : 'review_down', growthFen, at: now, keepUntil });
    tier = to;
  }
  const last = history[history.length - 1];
  const changed = tierRank(tier) < tierRank(state.tier) ? 'down' : 'none';
  if (last) return { tier, changed, keepUntil, reason: last.reason, history };
  return { tier, changed, keepUntil, reason: tier === 'normal' ? 'no_change' : 'within_keep_period', history };
}
