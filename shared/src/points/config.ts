import { z } from 'zod';
import { hasAtMostTwoDecimals } from '../tiers/config';

/** Points rules as the operator configures them. */
export interface PointsConfig {
  earn: {
    /** Points per ¥1 paid, before the tier multiplier (at most two decimals, e.g. 0.5 = one point per ¥2). */
    pointsPerYuan: number;
  };
  signIn: {
    dailyPoints: number;
    /** Every `streakDays`-th consecutive Shanghai day of a streak (7, 14, 21 …) also earns the bonus. */
    streakDays: number;
    streakBonusPoints: number;
  };
  /** Per accepted product review. */
  reviewBonusPoints: number;
  /** Once per member, when the profile is complete. */
  profileCompletionBonusPoints: number;
  expiry: {
    /** A batch expires at the end of the Shanghai month this many months after the month it was earned. */
    monthsAfterEarned: number;
    /** How far ahead the expiry reminder looks. */
    reminderDays: number;
  };
  redemption: {
    /** Points worth ¥1 at checkout. */
    pointsPerYuan: number;
    /** Most of the order payable that points may cover, in basis points (5000 = 50 %). */
    maxOrderShareBasisPoints: number;
    /** Deductions come in whole multiples of this many fen (100 = whole yuan, 1 = any fen). */
    stepFen: number;
  };
}

export const DEFAULT_POINTS_CONFIG: PointsConfig = {
  earn: { pointsPerYuan: 1 },
  signIn: { dailyPoints: 5, streakDays: 7, streakBonusPoints: 20 },
  reviewBonusPoints: 10,
  profileCompletionBonusPoints: 50,
  expiry: { monthsAfterEarned: 12, reminderDays: 30 },
  redemption: { pointsPerYuan: 100, maxOrderShareBasisPoints: 5000, stepFen: 100 },
};

const points = z.number().int().nonnegative().max(1_000_000);

/**
 * Validates an operator's points configuration. A checkout step must be worth a whole number of points,
 * so that every deduction converts exactly between points and fen.
 * @example pointsConfigSchema.parse(DEFAULT_POINTS_CONFIG)
 */
export const pointsConfigSchema = z
  .object({
    earn: z.object({
      pointsPerYuan: z.number().nonnegative().max(1000).refine(hasAtMostTwoDecimals, 'at most two decimals'),
    }),
    signIn: z.object({ dailyPoints: points, streakDays: z.number().int().min(1).max(366), streakBonusPoints: points }),
    reviewBonusPoints: points,
    profileCompletionBonusPoints: points,
    expiry: z.object({
      monthsAfterEarned: z.number().int().min(0).max(120),
      reminderDays: z.number().int().min(0).max(366),
    }),
    redemption: z.object({
      pointsPerYuan: z.number().int().min(1).max(100_000),
      maxOrderShareBasisPoints: z.number().int().min(0).max(10_000),
      stepFen: z.number().int().min(1).max(100_000),
    }),
  })
  .refine((config) => (config.redemption.stepFen * config.redemption.pointsPerYuan) % 100 === 0, {
    path: ['redemption', 'stepFen'],
    message: 'a step must be worth a whole number of points',
  });

/**
 * Points that one checkout step of `stepFen` costs.
 * @example pointsPerStep(DEFAULT_POINTS_CONFIG.redemption) // 100 (¥1 steps at 100 points per yuan)
 */
export function pointsPerStep(redemption: PointsConfig['redemption']): number {
  return (redemption.stepFen * redemption.pointsPerYuan) / 100;
}
