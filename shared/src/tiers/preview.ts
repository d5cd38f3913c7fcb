import { TIER_CODES, type TierCode } from '../vocabulary';
import type { TierConfig } from './config';
import { evaluateTier, type MemberTierState } from './evaluate';

export interface TierPreviewMember extends MemberTierState {
  growthFen: number;
}

export interface TierChangePreview {
  /** Members per tier under the current rules today. */
  before: Record<TierCode, number>;
  /** Members per tier if the new rules applied today. */
  after: Record<TierCode, number>;
  /** Non-empty moves between tiers, largest first. */
  moves: Array<{ from: TierCode; to: TierCode; count: number }>;
  changedCount: number;
}

const emptyCounts = (): Record<TierCode, number> => ({ normal: 0, silver: 0, gold: 0, diamond: 0 });

/**
 * What a change of tier rules would do today, for the operator's confirmation screen. It applies the same
 * decision the server will: lower thresholds upgrade members at once, higher ones only bite at each
 * member's next review, so a stricter config typically shows few immediate moves.
 * @example previewTierChanges(members, DEFAULT_TIER_CONFIG, stricterConfig, now).changedCount
 */
export function previewTierChanges(
  members: readonly TierPreviewMember[],
  oldConfig: TierConfig,
  newConfig: TierConfig,
  now: Date,
): TierChangePreview {
  const before = emptyCounts();
  const after = emptyCounts();
  const moves = new Map<string, { from: TierCode; to: TierCode; count: number }>();
  for (const member of members) {
    const from = evaluateTier(member, member.growthFen, now, oldConfig).tier;
    const to = evaluateTier(member, member.growthFen, now, newConfig).tier;
    before[from] += 1;
    after[to] += 1;
    if (from === to) continue;
    const key = `${from}>${to}`;
    const move = moves.get(key) ?? { from, to, count: 0 };
    move.count += 1;
    moves.set(key, move);
  }
  const sorted = [...moves.values()].sort(
    (a, b) =>
      b.count - a.count ||
      TIER_CODES.indexOf(a.from) - TIER_CODES.indexOf(b.from) ||
      TIER_CODES.indexOf(a.to) - TIER_CODES.indexOf(b.to),
  );
  return { before, after, moves: sorted, changedCount: sorted.reduce((sum, move) => sum + move.count, 0) };
}
