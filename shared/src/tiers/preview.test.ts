import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import { DEFAULT_TIER_CONFIG, type TierConfig } from './config';
import { previewTierChanges, type TierPreviewMember } from './preview';

const now = fromShanghai(2026, 6, 1, 12);
const future = fromShanghai(2026, 12, 1);
const lower: TierConfig = {
  ...DEFAULT_TIER_CONFIG,
  tiers: { ...DEFAULT_TIER_CONFIG.tiers, silver: { ...DEFAULT_TIER_CONFIG.tiers.silver, entryFen: 50_000, keepFen: 50_000 } },
};

const members: TierPreviewMember[] = [
  { tier: 'normal', keepUntil: null, growthFen: 60_000 },
  { tier: 'normal', keepUntil: null, growthFen: 70_000 },
  { tier: 'normal', keepUntil: null, growthFen: 10_000 },
  { tier: 'silver', keepUntil: future, growthFen: 60_000 },
  { tier: 'gold', keepUntil: future, growthFen: 800_000 },
];

describe('previewTierChanges', () => {
  it('counts members per tier before and after and the moves between them', () => {
    expect(previewTierChanges(members, DEFAULT_TIER_CONFIG, lower, now)).toEqual({
      before: { normal: 3, silver: 1, gold: 1, diamond: 0 },
      after: { normal: 1, silver: 3, gold: 1, diamond: 0 },
      moves: [{ from: 'normal', to: 'silver', count: 2 }],
      changedCount: 2,
    });
  });

  it('shows no immediate drops for stricter rules, because drops wait for each review', () => {
    const underLowerRules: TierPreviewMember[] = [
      { tier: 'silver', keepUntil: future, growthFen: 60_000 },
      { tier: 'silver', keepUntil: future, growthFen: 70_000 },
      { tier: 'normal', keepUntil: null, growthFen: 10_000 },
    ];
    const preview = previewTierChanges(underLowerRules, lower, DEFAULT_TIER_CONFIG, now);
    expect(preview.moves).toEqual([]);
    expect(preview.changedCount).toBe(0);
    expect(preview.after).toEqual({ normal: 1, silver: 2, gold: 0, diamond: 0 });
  });

  it('includes reviews that are already due under either config, largest moves first', () => {
    const due: TierPreviewMember[] = [
      { tier: 'silver', keepUntil: now, growthFen: 60_000 },
      { tier: 'silver', keepUntil: now, growthFen: 55_000 },
      { tier: 'gold', keepUntil: now, growthFen: 450_000 },
    ];
    const stricterGold: TierConfig = {
      ...DEFAULT_TIER_CONFIG,
      tiers: { ...DEFAULT_TIER_CONFIG.tiers, gold: { ...DEFAULT_TIER_CONFIG.tiers.gold, keepFen: 400_000 } },
    };
    const preview = previewTierChanges(due, lower, stricterGold, now);
    expect(preview.moves).toEqual([
      { from: 'silver', to: 'normal', count: 2 },
      { from: 'silver', to: 'gold', count: 1 },
    ]);
    expect(preview.changedCount).toBe(3);
  });

  it('orders equal moves by the tier they come from and then the tier they go to', () => {
    const cheaper: TierConfig = {
      ...DEFAULT_TIER_CONFIG,
      tiers: {
        normal: DEFAULT_TIER_CONFIG.tiers.normal,
        silver: { ...DEFAULT_TIER_CONFIG.tiers.silver, entryFen: 50_000, keepFen: 50_000 },
        gold: { ...DEFAULT_TIER_CONFIG.tiers.gold, entryFen: 90_000, keepFen: 90_000 },
        diamond: { ...DEFAULT_TIER_CONFIG.tiers.diamond, entryFen: 1_000_000, keepFen: 1_000_000 },
      },
    };
    const three: TierPreviewMember[] = [
      { tier: 'normal', keepUntil: null, growthFen: 1_200_000 },
      { tier: 'normal', keepUntil: null, growthFen: 95_000 },
      { tier: 'normal', keepUntil: null, growthFen: 60_000 },
    ];
    expect(previewTierChanges(three, DEFAULT_TIER_CONFIG, cheaper, now).moves).toEqual([
      { from: 'normal', to: 'silver', count: 1 },
      { from: 'normal', to: 'gold', count: 1 },
      { from: 'gold', to: 'diamond', count: 1 },
    ]);
  });
});
