import { describe, expect, it } from 'vitest';
import { clockMinutes, DEFAULT_DELIVERY_GUARD_CONFIG, deliveryGuardConfigSchema } from './config';

const issuePaths = (config: unknown) => {
  const result = deliveryGuardConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('deliveryGuardConfigSchema', () => {
  it('accepts the defaults, which match the product rules', () => {
    expect(deliveryGuardConfigSchema.parse(DEFAULT_DELIVERY_GUARD_CONFIG)).toEqual(DEFAULT_DELIVERY_GUARD_CONFIG);
    expect(DEFAULT_DELIVERY_GUARD_CONFIG.quietHours).toEqual({ start: '21:00', end: '09:00' });
    expect(DEFAULT_DELIVERY_GUARD_CONFIG.frequencyCap).toMatchObject({ perDay: 1, perWeek: 2 });
    expect(DEFAULT_DELIVERY_GUARD_CONFIG.holdoutRatio).toBe(0.1);
  });

  it('accepts no quiet hours', () => {
    expect(issuePaths({ ...DEFAULT_DELIVERY_GUARD_CONFIG, quietHours: null })).toEqual([]);
  });

  it.each(['24:00', '9:00', '21:60', '2100'])('rejects the clock time %j', (start) => {
    expect(issuePaths({ ...DEFAULT_DELIVERY_GUARD_CONFIG, quietHours: { start, end: '09:00' } })).toEqual(['quietHours.start']);
  });

  it('rejects an empty quiet period, a weekly cap below the daily one, unknown channels and a ratio above 1', () => {
    expect(issuePaths({ ...DEFAULT_DELIVERY_GUARD_CONFIG, quietHours: { start: '09:00', end: '09:00' } })).toEqual([
      'quietHours',
    ]);
    const cap = { ...DEFAULT_DELIVERY_GUARD_CONFIG.frequencyCap, perDay: 3, perWeek: 2 };
    expect(issuePaths({ ...DEFAULT_DELIVERY_GUARD_CONFIG, frequencyCap: cap })).toEqual(['frequencyCap.perWeek']);
    expect(issuePaths({ ...DEFAULT_DELIVERY_GUARD_CONFIG, quietHoursChannels: ['sms'] })).toEqual(['quietHoursChannels.0']);
    expect(issuePaths({ ...DEFAULT_DELIVERY_GUARD_CONFIG, holdoutRatio: 1.1 })).toEqual(['holdoutRatio']);
  });
});

describe('clockMinutes', () => {
  it('reads HH:MM as minutes after midnight', () => {
    expect(clockMinutes('00:00')).toBe(0);
    expect(clockMinutes('09:00')).toBe(540);
    expect(clockMinutes('21:30')).toBe(1290);
    expect(clockMinutes('23:59')).toBe(1439);
  });
});
