import { describe, expect, it } from 'vitest';
import { MoneyError } from '../money';
import { DEFAULT_POINTS_CONFIG, type PointsConfig } from './config';
import { decidePointsDeduction, maxPointsDeduction, pointsToFen } from './redeem';

const config = DEFAULT_POINTS_CONFIG;
const byFen: PointsConfig = { ...config, redemption: { ...config.redemption, stepFen: 1 } };

describe('pointsToFen', () => {
  it('values 100 points at ¥1, rounding down', () => {
    expect(pointsToFen(100, config)).toBe(100);
    expect(pointsToFen(1_250, config)).toBe(1_250);
    expect(pointsToFen(0, config)).toBe(0);
    const dear: PointsConfig = { ...config, redemption: { ...config.redemption, pointsPerYuan: 300 } };
    expect(pointsToFen(100, dear)).toBe(33);
  });

  it('rejects negative and fractional points', () => {
    expect(() => pointsToFen(-1, config)).toThrow(RangeError);
    expect(() => pointsToFen(1.5, config)).toThrow(RangeError);
  });
});

describe('maxPointsDeduction', () => {
  it('caps at half the order in whole yuan', () => {
    expect(maxPointsDeduction(25_999, 50_000, config)).toEqual({ points: 12_900, fen: 12_900 });
    expect(maxPointsDeduction(20_000, 50_000, config)).toEqual({ points: 10_000, fen: 10_000 });
  });

  it('caps at the balance in whole steps', () => {
    expect(maxPointsDeduction(100_000, 1_299, config)).toEqual({ points: 1_200, fen: 1_200 });
    expect(maxPointsDeduction(100_000, 99, config)).toEqual({ points: 0, fen: 0 });
  });

  it('allows any fen with whole-fen steps', () => {
    expect(maxPointsDeduction(25_999, 50_000, byFen)).toEqual({ points: 12_999, fen: 12_999 });
    expect(maxPointsDeduction(25_999, 1_299, byFen)).toEqual({ points: 1_299, fen: 1_299 });
  });

  it('gives nothing on small, free or negative orders and for a negative balance', () => {
    expect(maxPointsDeduction(199, 10_000, config)).toEqual({ points: 0, fen: 0 });
    expect(maxPointsDeduction(0, 10_000, config)).toEqual({ points: 0, fen: 0 });
    expect(maxPointsDeduction(-500, 10_000, config)).toEqual({ points: 0, fen: 0 });
    expect(maxPointsDeduction(10_000, -100, config)).toEqual({ points: 0, fen: 0 });
  });

  it('follows the configured share and exchange rate', () => {
    const generous: PointsConfig = {
      ...config,
      redemption: { pointsPerYuan: 200, maxOrderShareBasisPoints: 10_000, stepFen: 50 },
    };
    expect(maxPointsDeduction(10_075, 100_000, generous)).toEqual({ points: 20_100, fen: 10_050 });
  });

  it('rejects a fractional order amount', () => {
    expect(() => maxPointsDeduction(10.5, 100, config)).toThrow(MoneyError);
  });
});

describe('decidePointsDeduction', () => {
  it('accepts whole steps within the limit', () => {
    expect(decidePointsDeduction(25_999, 10_000, 1_200, config)).toEqual({ ok: true, points: 1_200, fen: 1_200 });
    expect(decidePointsDeduction(25_999, 10_000, 0, config)).toEqual({ ok: true, points: 0, fen: 0 });
  });

  it('refuses partial steps and says what the most would be', () => {
    expect(decidePointsDeduction(25_999, 10_000, 1_250, config)).toEqual({
      ok: false,
      reason: 'not_whole_steps',
      max: { points: 10_000, fen: 10_000 },
    });
    expect(decidePointsDeduction(25_999, 10_000, -100, config)).toMatchObject({ ok: false, reason: 'not_whole_steps' });
  });

  it('refuses more than the order share or the balance allows', () => {
    expect(decidePointsDeduction(25_999, 50_000, 13_000, config)).toMatchObject({ ok: false, reason: 'over_limit' });
    expect(decidePointsDeduction(25_999, 500, 600, config)).toMatchObject({ ok: false, reason: 'over_limit' });
  });
});
