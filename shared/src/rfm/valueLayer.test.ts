import { describe, expect, it } from 'vitest';
import { DEFAULT_RFM_CONFIG, rfmConfigSchema } from './config';
import { computeValueLayerCutPoints, valueLayerBasisOf, valueLayerFor, valueLayerFractions } from './valueLayer';

describe('value layer', () => {
  it('derives percentile fractions from the percentages', () => {
    expect(valueLayerFractions(DEFAULT_RFM_CONFIG)).toEqual({ mid: 0.5, high: 0.8 });
    expect(valueLayerFractions({ ...DEFAULT_RFM_CONFIG, valueLayer: { highTopPercent: 10, midNextPercent: 40 } })).toEqual({
      mid: 0.5,
      high: 0.9,
    });
  });

  it('puts the top 20 % high and the next 30 % mid for distinct values', () => {
    const values = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    const cutPoints = computeValueLayerCutPoints(values, DEFAULT_RFM_CONFIG);
    expect(cutPoints).toEqual({ mid: 500, high: 800 });
    expect(values.map((v) => valueLayerFor(v, cutPoints))).toEqual([
      'low',
      'low',
      'low',
      'low',
      'low',
      'mid',
      'mid',
      'mid',
      'high',
      'high',
    ]);
  });

  it('never splits a tie: a tied block at the boundary stays together in the lower layer', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 9, 9, 9];
    const cutPoints = computeValueLayerCutPoints(values, DEFAULT_RFM_CONFIG);
    expect(cutPoints).toEqual({ mid: 5, high: 9 });
    expect(values.map((v) => valueLayerFor(v, cutPoints))).toEqual([
      'low',
      'low',
      'low',
      'low',
      'low',
      'mid',
      'mid',
      'mid',
      'mid',
      'mid',
    ]);
  });

  it('can switch layers off: 0 % high means nobody is high', () => {
    const config = { ...DEFAULT_RFM_CONFIG, valueLayer: { highTopPercent: 0, midNextPercent: 100 } };
    const cutPoints = computeValueLayerCutPoints([1, 2, 3], config);
    expect(cutPoints).toEqual({ mid: 1, high: 3 });
    expect([1, 2, 3].map((v) => valueLayerFor(v, cutPoints))).toEqual(['low', 'mid', 'mid']);
  });

  it('uses the predicted value when there is one and M otherwise', () => {
    expect(valueLayerBasisOf(50_000, 1_000)).toEqual({ valueFen: 50_000, source: 'predicted' });
    expect(valueLayerBasisOf(0, 1_000)).toEqual({ valueFen: 0, source: 'predicted' });
    expect(valueLayerBasisOf(null, 1_000)).toEqual({ valueFen: 1_000, source: 'monetary' });
  });
});

describe('rfmConfigSchema', () => {
  it('accepts the defaults and rejects shares over 100 % or fractional days', () => {
    expect(rfmConfigSchema.parse(DEFAULT_RFM_CONFIG)).toEqual(DEFAULT_RFM_CONFIG);
    expect(rfmConfigSchema.safeParse({ windowDays: 365, valueLayer: { highTopPercent: 60, midNextPercent: 50 } }).success).toBe(
      false,
    );
    expect(rfmConfigSchema.safeParse({ windowDays: 30.5, valueLayer: { highTopPercent: 20, midNextPercent: 30 } }).success).toBe(
      false,
    );
    expect(rfmConfigSchema.safeParse({ windowDays: 0, valueLayer: { highTopPercent: 20, midNextPercent: 30 } }).success).toBe(
      false,
    );
  });
});
