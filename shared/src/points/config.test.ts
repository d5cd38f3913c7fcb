import { describe, expect, it } from 'vitest';
import { DEFAULT_POINTS_CONFIG, type PointsConfig, pointsConfigSchema, pointsPerStep } from './config';

const issuePaths = (config: unknown) => {
  const result = pointsConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};
const withRedemption = (patch: Partial<PointsConfig['redemption']>): PointsConfig => ({
  ...DEFAULT_POINTS_CONFIG,
  redemption: { ...DEFAULT_POINTS_CONFIG.redemption, ...patch },
});

describe('pointsConfigSchema', () => {
  it('accepts the defaults unchanged', () => {
    expect(pointsConfigSchema.parse(DEFAULT_POINTS_CONFIG)).toEqual(DEFAULT_POINTS_CONFIG);
  });

  it('holds the product defaults', () => {
    expect(DEFAULT_POINTS_CONFIG.earn.pointsPerYuan).toBe(1);
    expect(DEFAULT_POINTS_CONFIG.signIn.dailyPoints).toBe(5);
    expect(DEFAULT_POINTS_CONFIG.signIn.streakDays).toBe(7);
    expect(DEFAULT_POINTS_CONFIG.expiry).toEqual({ monthsAfterEarned: 12, reminderDays: 30 });
    expect(DEFAULT_POINTS_CONFIG.redemption).toEqual({ pointsPerYuan: 100, maxOrderShareBasisPoints: 5000, stepFen: 100 });
  });

  it('accepts whole-fen steps and rates with two decimals', () => {
    expect(issuePaths(withRedemption({ stepFen: 1 }))).toEqual([]);
    expect(issuePaths({ ...DEFAULT_POINTS_CONFIG, earn: { pointsPerYuan: 0.5 } })).toEqual([]);
  });

  it('rejects a step that is not worth whole points', () => {
    expect(issuePaths(withRedemption({ pointsPerYuan: 50, stepFen: 1 }))).toEqual(['redemption.stepFen']);
  });

  it('rejects out-of-range values', () => {
    expect(issuePaths(withRedemption({ maxOrderShareBasisPoints: 10_001 }))).toEqual(['redemption.maxOrderShareBasisPoints']);
    expect(issuePaths(withRedemption({ pointsPerYuan: 0 }))).toContain('redemption.pointsPerYuan');
    expect(issuePaths({ ...DEFAULT_POINTS_CONFIG, earn: { pointsPerYuan: 0.333 } })).toEqual(['earn.pointsPerYuan']);
    expect(issuePaths({ ...DEFAULT_POINTS_CONFIG, signIn: { ...DEFAULT_POINTS_CONFIG.signIn, streakDays: 0 } })).toEqual([
      'signIn.streakDays',
    ]);
    expect(issuePaths({ ...DEFAULT_POINTS_CONFIG, reviewBonusPoints: -1 })).toEqual(['reviewBonusPoints']);
  });
});

describe('pointsPerStep', () => {
  it('is the points one checkout step costs', () => {
    expect(pointsPerStep(DEFAULT_POINTS_CONFIG.redemption)).toBe(100);
    expect(pointsPerStep(withRedemption({ stepFen: 1 }).redemption)).toBe(1);
    expect(pointsPerStep(withRedemption({ pointsPerYuan: 200, stepFen: 50 }).redemption)).toBe(100);
  });
});
