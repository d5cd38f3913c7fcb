import { z } from 'zod';
import { TIER_CODES, type TierCode } from '../vocabulary';

/**
 * Tier rules as the operator configures them. Thresholds are growth value in fen: paid spend minus
 * refunds over the trailing window (see `growthValue`).
 */
export interface TierBenefits {
  /** Points earned per order are multiplied by this (at most two decimals, e.g. 1.2). */
  pointsMultiplier: number;
  birthdayCoupon: boolean;
  upgradeGiftCoupon: boolean;
  exclusiveCoupons: boolean;
}

export interface TierRule {
  /** Growth value at which a member is upgraded to this tier at once. */
  entryFen: number;
  /** Growth value needed at the review to keep this tier for another keep period; ≤ entryFen. */
  keepFen: number;
  benefits: TierBenefits;
}

export interface TierConfig {
  /** Length of the growth window in Shanghai calendar days, today included. */
  windowDays: number;
  /** How long a tier is kept after an upgrade or a successful review before the next review. */
  keepMonths: number;
  tiers: Record<TierCode, TierRule>;
}

export const DEFAULT_TIER_CONFIG: TierConfig = {
  windowDays: 365,
  keepMonths: 12,
  tiers: {
    normal: {
      entryFen: 0,
      keepFen: 0,
      benefits: { pointsMultiplier: 1, birthdayCoupon: false, upgradeGiftCoupon: false, exclusiveCoupons: false },
    },
    silver: {
      entryFen: 100_000,
      keepFen: 100_000,
      benefits: { pointsMultiplier: 1.2, birthdayCoupon: true, upgradeGiftCoupon: true, exclusiveCoupons: false },
    },
    gold: {
      entryFen: 500_000,
      keepFen: 500_000,
      benefits: { pointsMultiplier: 1.5, birthdayCoupon: true, upgradeGiftCoupon: true, exclusiveCoupons: true },
    },
    diamond: {
      entryFen: 2_000_000,
      keepFen: 2_000_000,
      benefits: { pointsMultiplier: 2, birthdayCoupon: true, upgradeGiftCoupon: true, exclusiveCoupons: true },
    },
  },
};

const fenAmount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * True when `value` has at most two decimals, so `value × 100` is an exact integer ratio.
 * @example hasAtMostTwoDecimals(1.25) // true; hasAtMostTwoDecimals(1.255) // false
 */
export function hasAtMostTwoDecimals(value: number): boolean {
  return Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;
}

const tierBenefitsSchema = z.object({
  pointsMultiplier: z.number().positive().max(100).refine(hasAtMostTwoDecimals, 'at most two decimals'),
  birthdayCoupon: z.boolean(),
  upgradeGiftCoupon: z.boolean(),
  exclusiveCoupons: z.boolean(),
});

const tierRuleSchema = z.object({ entryFen: fenAmount, keepFen: fenAmount, benefits: tierBenefitsSchema });

/**
 * Validates an operator's tier configuration: the lowest tier starts at 0, entry thresholds rise
 * strictly from tier to tier, and a keep threshold never exceeds its entry threshold (otherwise a member
 * dropped at review would be upgraded straight back).
 * @example tierConfigSchema.parse(DEFAULT_TIER_CONFIG)
 */
export const tierConfigSchema = z
  .object({
    windowDays: z.number().int().min(1).max(3660),
    keepMonths: z.number().int().min(1).max(120),
    tiers: z.object({ normal: tierRuleSchema, silver: tierRuleSchema, gold: tierRuleSchema, diamond: tierRuleSchema }),
  })
  .superRefine((config, ctx) => {
    if (config.tiers.normal.entryFen !== 0) {
      ctx.addIssue({ code: 'custom', path: ['tiers', 'normal', 'entryFen'], message: 'the lowest tier must start at 0' });
    }
    for (const code of TIER_CODES) {
      const rule = config.tiers[code];
      const belowCode = tierBelow(code);
      if (belowCode && rule.entryFen <= config.tiers[belowCode].entryFen) {
        ctx.addIssue({ code: 'custom', path: ['tiers', code, 'entryFen'], message: 'must be above the tier below' });
      }
      if (rule.keepFen > rule.entryFen) {
        ctx.addIssue({ code: 'custom', path: ['tiers', code, 'keepFen'], message: 'must not exceed entryFen' });
      }
    }
  });

/**
 * 0 for normal … 3 for diamond.
 * @example tierRank('gold') // 2
 */
export function tierRank(tier: TierCode): number {
  return TIER_CODES.indexOf(tier);
}

/**
 * The tier one above, or null at the top.
 * @example tierAbove('silver') // 'gold'
 */
export function tierAbove(tier: TierCode): TierCode | null {
  return TIER_CODES[tierRank(tier) + 1] ?? null;
}

/**
 * The tier one below, or null at the bottom.
 * @example tierBelow('silver') // 'normal'
 */
export function tierBelow(tier: TierCode): TierCode | null {
  return TIER_CODES[tierRank(tier) - 1] ?? null;
}

/**
 * The highest tier whose entry threshold `growthFen` reaches.
 * @example tierForGrowth(600_000, DEFAULT_TIER_CONFIG) // 'gold'
 */
export function tierForGrowth(growthFen: number, config: TierConfig): TierCode {
  let reached: TierCode = 'normal';
  for (const code of TIER_CODES) if (growthFen >= config.tiers[code].entryFen) reached = code;
  return reached;
}

/**
 * The benefits a tier grants under `config`.
 * @example tierBenefits('gold', DEFAULT_TIER_CONFIG).pointsMultiplier // 1.5
 */
export function tierBenefits(tier: TierCode, config: TierConfig): TierBenefits {
  return config.tiers[tier].benefits;
}
