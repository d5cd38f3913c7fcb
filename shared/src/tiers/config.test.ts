import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIER_CONFIG,
  hasAtMostTwoDecimals,
  type TierConfig,
  tierAbove,
  tierBelow,
  tierBenefits,
  tierConfigSchema,
  tierForGrowth,
  tierRank,
} from './config';

const withTier = (code: keyof TierConfig['tiers'], patch: Partial<TierConfig['tiers']['gold']>): TierConfig => ({
  ...DEFAULT_TIER_CONFIG,
  tiers: { ...DEFAULT_TIER_CONFIG.tiers, [code]: { ...DEFAULT_TIER_CONFIG.tiers[code], ...patch } },
});

const issuePaths = (config: unknown) => {
  const result = tierConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('DEFAULT_TIER_CONFIG', () => {
  it('matches the product defaults', () => {
    expect(DEFAULT_TIER_CONFIG.windowDays).toBe(365);
    expect(DEFAULT_TIER_CONFIG.keepMonths).toBe(12);
    expect(Object.values(DEFAULT_TIER_CONFIG.tiers).map((t) => t.entryFen)).toEqual([0, 100_000, 500_000, 2_000_000]);
    expect(Object.values(DEFAULT_TIER_CONFIG.tiers).map((t) => t.keepFen)).toEqual([0, 100_000, 500_000, 2_000_000]);
    expect(Object.values(DEFAULT_TIER_CONFIG.tiers).map((t) => t.benefits.pointsMultiplier)).toEqual([1, 1.2, 1.5, 2]);
  });

  it('passes its own schema', () => {
    expect(tierConfigSchema.parse(DEFAULT_TIER_CONFIG)).toEqual(DEFAULT_TIER_CONFIG);
  });
});

describe('tierConfigSchema', () => {
  it('requires the lowest tier to start at zero', () => {
    expect(issuePaths(withTier('normal', { entryFen: 1, keepFen: 0 }))).toContain('tiers.normal.entryFen');
  });

  it('requires entry thresholds to rise strictly', () => {
    expect(issuePaths(withTier('gold', { entryFen: 100_000, keepFen: 100_000 }))).toEqual(['tiers.gold.entryFen']);
    expect(issuePaths(withTier('diamond', { entryFen: 400_000, keepFen: 400_000 }))).toEqual(['tiers.diamond.entryFen']);
  });

  it('rejects a keep threshold above the entry threshold but accepts a lower one', () => {
    expect(issuePaths(withTier('silver', { keepFen: 100_001 }))).toEqual(['tiers.silver.keepFen']);
    expect(issuePaths(withTier('silver', { keepFen: 50_000 }))).toEqual([]);
  });

  it('rejects fractional fen, negative amounts and multipliers with three decimals', () => {
    expect(issuePaths(withTier('silver', { entryFen: 100_000.5 }))).toContain('tiers.silver.entryFen');
    expect(issuePaths(withTier('silver', { keepFen: -1 }))).toContain('tiers.silver.keepFen');
    const multiplier = withTier('gold', {
      benefits: { ...DEFAULT_TIER_CONFIG.tiers.gold.benefits, pointsMultiplier: 1.255 },
    });
    expect(issuePaths(multiplier)).toEqual(['tiers.gold.benefits.pointsMultiplier']);
  });

  it('rejects a non-positive window or keep period', () => {
    expect(issuePaths({ ...DEFAULT_TIER_CONFIG, windowDays: 0 })).toEqual(['windowDays']);
    expect(issuePaths({ ...DEFAULT_TIER_CONFIG, keepMonths: 0 })).toEqual(['keepMonths']);
  });
});

describe('hasAtMostTwoDecimals', () => {
  it.each([
    [1, true],
    [1.2, true],
    [1.15, true],
    [0.07, true],
    [1.255, false],
    [1 / 3, false],
  ])('%d → %s', (value, expected) => {
    expect(hasAtMostTwoDecimals(value)).toBe(expected);
  });
});

describe('tier order helpers', () => {
  it('ranks, steps up and steps down along the fixed tier codes', () => {
    expect(['normal', 'silver', 'gold', 'diamond'].map((t) => tierRank(t as 'gold'))).toEqual([0, 1, 2, 3]);
    expect(tierAbove('normal')).toBe('silver');
    expect(tierAbove('diamond')).toBeNull();
    expect(tierBelow('gold')).toBe('silver');
    expect(tierBelow('normal')).toBeNull();
  });
});

describe('tierForGrowth', () => {
  it.each([
    [0, 'normal'],
    [99_999, 'normal'],
    [100_000, 'silver'],
    [499_999, 'silver'],
    [500_000, 'gold'],
    [1_999_999, 'gold'],
    [2_000_000, 'diamond'],
    [90_000_000, 'diamond'],
  ])('%i fen reaches %s', (growth, tier) => {
    expect(tierForGrowth(growth, DEFAULT_TIER_CONFIG)).toBe(tier);
  });

  it('follows the operator thresholds', () => {
    expect(tierForGrowth(60_000, withTier('silver', { entryFen: 50_000, keepFen: 50_000 }))).toBe('silver');
  });
});

describe('tierBenefits', () => {
  it('reads the benefits of a tier', () => {
    expect(tierBenefits('normal', DEFAULT_TIER_CONFIG)).toEqual({
      pointsMultiplier: 1,
      birthdayCoupon: false,
      upgradeGiftCoupon: false,
      exclusiveCoupons: false,
    });
    expect(tierBenefits('gold', DEFAULT_TIER_CONFIG).exclusiveCoupons).toBe(true);
    expect(tierBenefits('silver', DEFAULT_TIER_CONFIG).exclusiveCoupons).toBe(false);
  });
});
