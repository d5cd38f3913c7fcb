import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import { cronMatches, parseCron } from './cron';
import { messageVariablesOf, renderMessageData } from './render';
import { conversionUplift } from './uplift';

describe('conversionUplift', () => {
  it('computes the difference of proportions and its 95 % Wald interval', () => {
    const result = conversionUplift({ members: 900, converted: 90 }, { members: 100, converted: 5 });
    expect(result.absolute).toBeCloseTo(0.05, 10);
    const margin = 1.959963984540054 * Math.sqrt((0.1 * 0.9) / 900 + (0.05 * 0.95) / 100);
    expect(result.low).toBeCloseTo(0.05 - margin, 10);
    expect(result.high).toBeCloseTo(0.05 + margin, 10);
    expect(result.significant).toBe(true);
  });
  it('is not significant when the interval spans zero, and empty without a holdout', () => {
    expect(conversionUplift({ members: 50, converted: 5 }, { members: 10, converted: 1 }).significant).toBe(false);
    expect(conversionUplift({ members: 50, converted: 5 }, { members: 0, converted: 0 })).toEqual({
      absolute: null,
      low: null,
      high: null,
      significant: false,
    });
  });
});

describe('cronMatches (Asia/Shanghai)', () => {
  it('matches 10:00 Shanghai daily, which is 02:00 UTC', () => {
    expect(cronMatches('0 10 * * *', fromShanghai(2026, 3, 18, 10, 0))).toBe(true);
    expect(cronMatches('0 10 * * *', fromShanghai(2026, 3, 18, 10, 1))).toBe(false);
    expect(cronMatches('0 10 * * *', new Date('2026-03-18T10:00:00Z'))).toBe(false);
  });
  it('supports lists, ranges, steps and weekdays (Sunday as 0 or 7)', () => {
    expect(cronMatches('*/15 9-18 * * 1-5', fromShanghai(2026, 3, 16, 9, 45))).toBe(true);
    expect(cronMatches('*/15 9-18 * * 1-5', fromShanghai(2026, 3, 22, 9, 45))).toBe(false);
    expect(cronMatches('0 9 * * 7', fromShanghai(2026, 3, 22, 9, 0))).toBe(true);
    expect(cronMatches('0 9 1,15 * *', fromShanghai(2026, 3, 15, 9, 0))).toBe(true);
  });
  it('rejects malformed expressions', () => {
    expect(parseCron('0 10 * *')).toBeNull();
    expect(parseCron('61 10 * * *')).toBeNull();
    expect(parseCron('a b c d e')).toBeNull();
    expect(cronMatches('bad', new Date())).toBe(false);
  });
});

describe('renderMessageData', () => {
  it('fills variables and fits thing fields to 20 characters', () => {
    expect(messageVariablesOf('{{coupon.name}}将于{{ coupon.validTo }}到期')).toEqual(['coupon.name', 'coupon.validTo']);
    const data = renderMessageData(
      { thing1: '{{member.nickname}}，您的专属优惠券已到账，请尽快使用哦，感谢支持', amount2: '{{coupon.amount}}' },
      { 'member.nickname': '小明', 'coupon.amount': '¥20' },
    );
    expect(data.amount2).toBe('¥20');
    expect(Array.from(data.thing1 ?? '')).toHaveLength(20);
    expect(data.thing1?.endsWith('…')).toBe(true);
    expect(renderMessageData({ thing1: '{{order.no}}' }, {})).toEqual({ thing1: '' });
  });
});
