import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import { DEFAULT_DELIVERY_GUARD_CONFIG, type DeliveryChannel, type DeliveryGuardConfig } from './config';
import { decideDelivery, type DeliveryInput } from './delivery';

const config = DEFAULT_DELIVERY_GUARD_CONFIG;
const calendar: DeliveryGuardConfig = { ...config, frequencyCap: { ...config.frequencyCap, week: 'calendar', maxDeferDays: 7 } };
const message = (now: Date, more: Partial<DeliveryInput> = {}): DeliveryInput => ({
  now,
  channel: 'subscribe_message',
  consentCredits: 1,
  recentSends: [],
  doNotContact: false,
  inHoldout: false,
  ...more,
});
const sent = (at: Date, channel: DeliveryChannel = 'subscribe_message') => ({ at, channel });
// 2026-03-16 is a Monday.
const at = (day: number, hour: number, minute = 0, second = 0, ms = 0) => fromShanghai(2026, 3, day, hour, minute, second, ms);

describe('decideDelivery: who gets nothing', () => {
  it('skips holdout members on every channel, before anything else', () => {
    for (const channel of ['subscribe_message', 'coupon', 'points', 'tag', 'task'] as const) {
      const input = message(at(18, 12), { channel, inHoldout: true, doNotContact: true, consentCredits: 0 });
      expect(decideDelivery(input, config)).toEqual({ action: 'skip', reason: 'holdout' });
    }
  });

  it('keeps messages and tasks from do-not-contact members but still issues coupons and points', () => {
    const base = { doNotContact: true };
    expect(decideDelivery(message(at(18, 12), base), config)).toEqual({ action: 'skip', reason: 'do_not_contact' });
    expect(decideDelivery(message(at(18, 12), { ...base, channel: 'task' }), config)).toEqual({
      action: 'skip',
      reason: 'do_not_contact',
    });
    expect(decideDelivery(message(at(18, 12), { ...base, channel: 'coupon' }), config)).toEqual({ action: 'send' });
    expect(decideDelivery(message(at(18, 12), { ...base, channel: 'points' }), config)).toEqual({ action: 'send' });
  });

  it('skips a message without a consent credit, but not the coupon of the same step', () => {
    expect(decideDelivery(message(at(18, 12), { consentCredits: 0 }), config)).toEqual({ action: 'skip', reason: 'no_consent' });
    expect(decideDelivery(message(at(18, 12), { consentCredits: 0, channel: 'coupon' }), config)).toEqual({ action: 'send' });
  });

  it('skips a delivery whose deadline has already passed', () => {
    expect(decideDelivery(message(at(18, 12), { deliverBy: at(18, 11) }), config)).toEqual({
      action: 'skip',
      reason: 'past_deadline',
    });
    expect(decideDelivery(message(at(18, 12), { deliverBy: at(18, 12) }), config)).toEqual({ action: 'send' });
  });
});

describe('decideDelivery: quiet hours 21:00–09:00 Shanghai', () => {
  it.each([
    [at(18, 20, 59, 59, 999), null],
    [at(18, 21, 0), at(19, 9)],
    [at(18, 23, 59, 59, 999), at(19, 9)],
    [at(19, 0, 0), at(19, 9)],
    [at(19, 8, 59, 59, 999), at(19, 9)],
    [at(19, 9, 0), null],
  ])('at %s holds until %s', (now, until) => {
    expect(decideDelivery(message(now), config)).toEqual(
      until ? { action: 'defer', until, reason: 'quiet_hours' } : { action: 'send' },
    );
  });

  it('does not hold silent channels', () => {
    expect(decideDelivery(message(at(18, 23), { channel: 'coupon' }), config)).toEqual({ action: 'send' });
    expect(decideDelivery(message(at(18, 23), { channel: 'task' }), config)).toEqual({ action: 'send' });
  });

  it('handles a quiet period within one day and no quiet hours at all', () => {
    const lunch: DeliveryGuardConfig = { ...config, quietHours: { start: '12:00', end: '13:30' } };
    expect(decideDelivery(message(at(18, 12, 10)), lunch)).toEqual({
      action: 'defer',
      until: at(18, 13, 30),
      reason: 'quiet_hours',
    });
    expect(decideDelivery(message(at(18, 23)), lunch)).toEqual({ action: 'send' });
    expect(decideDelivery(message(at(18, 23)), { ...config, quietHours: null })).toEqual({ action: 'send' });
  });

  it('skips instead of holding past the deadline', () => {
    expect(decideDelivery(message(at(18, 22), { deliverBy: at(18, 23, 59) }), config)).toEqual({
      action: 'skip',
      reason: 'past_deadline',
    });
    expect(decideDelivery(message(at(18, 22), { deliverBy: at(19, 9) }), config)).toEqual({
      action: 'defer',
      until: at(19, 9),
      reason: 'quiet_hours',
    });
  });
});

describe('decideDelivery: frequency cap', () => {
  it('allows one message a Shanghai day: a second one waits for 09:00 the next day', () => {
    const input = message(at(18, 10), { recentSends: [sent(at(18, 9, 30))] });
    expect(decideDelivery(input, config)).toEqual({ action: 'defer', until: at(19, 9), reason: 'frequency_cap' });
  });

  it('counts the day in Shanghai: a message at 23:59 yesterday does not block 09:00 today', () => {
    const input = message(at(19, 9), { recentSends: [sent(at(18, 23, 59))] });
    expect(decideDelivery(input, { ...config, quietHours: null })).toEqual({ action: 'send' });
  });

  it('counts only messages: coupons, points, tags and tasks neither use up nor meet the cap', () => {
    const others = (['coupon', 'points', 'tag', 'task'] as const).map((channel) => sent(at(18, 9, 30), channel));
    expect(decideDelivery(message(at(18, 10), { recentSends: others }), config)).toEqual({ action: 'send' });
    const coupon = message(at(18, 10), { channel: 'coupon', recentSends: [sent(at(18, 9, 30)), sent(at(17, 10))] });
    expect(decideDelivery(coupon, config)).toEqual({ action: 'send' });
  });

  it('allows two messages in any 7 rolling Shanghai days', () => {
    const recentSends = [sent(at(12, 10)), sent(at(17, 10))];
    // The 12th leaves the 7-day window on the 19th.
    expect(decideDelivery(message(at(18, 10), { recentSends }), config)).toEqual({
      action: 'defer',
      until: at(19, 9),
      reason: 'frequency_cap',
    });
    expect(decideDelivery(message(at(19, 9), { recentSends }), config)).toEqual({ action: 'send' });
    const older = [sent(at(11, 23, 59)), sent(at(17, 10))];
    expect(decideDelivery(message(at(18, 10), { recentSends: older }), config)).toEqual({ action: 'send' });
  });

  it('skips when the next free slot is further away than maxDeferDays', () => {
    const recentSends = [sent(at(17, 10)), sent(at(16, 10))];
    // Next free day is the 23rd, five days away; the default waits at most three.
    expect(decideDelivery(message(at(18, 10), { recentSends }), config)).toEqual({ action: 'skip', reason: 'frequency_cap' });
    const patient: DeliveryGuardConfig = { ...config, frequencyCap: { ...config.frequencyCap, maxDeferDays: 5 } };
    expect(decideDelivery(message(at(18, 10), { recentSends }), patient)).toEqual({
      action: 'defer',
      until: at(23, 9),
      reason: 'frequency_cap',
    });
    const impatient: DeliveryGuardConfig = { ...config, frequencyCap: { ...config.frequencyCap, maxDeferDays: 0 } };
    expect(decideDelivery(message(at(18, 10), { recentSends: [sent(at(18, 9))] }), impatient)).toEqual({
      action: 'skip',
      reason: 'frequency_cap',
    });
  });

  it('skips a capped delivery whose free slot comes after the deadline', () => {
    const input = message(at(18, 10), { recentSends: [sent(at(18, 9, 30))], deliverBy: at(18, 23) });
    expect(decideDelivery(input, config)).toEqual({ action: 'skip', reason: 'past_deadline' });
  });

  it('reports the cap when quiet hours and then the cap hold a message', () => {
    // A message went out at 00:10 (before quiet hours were configured); the next one waits past 09:00 to the next day.
    const input = message(at(19, 0, 30), { recentSends: [sent(at(19, 0, 10))] });
    expect(decideDelivery(input, config)).toEqual({ action: 'defer', until: at(20, 9), reason: 'frequency_cap' });
  });
});

describe('decideDelivery: calendar weeks (Monday–Sunday, Shanghai)', () => {
  it('frees the weekly cap at the start of Monday, not seven days after the first send', () => {
    const recentSends = [sent(at(20, 10)), sent(at(21, 10))];
    // Sunday the 22nd: the week of the 16th already has two.
    expect(decideDelivery(message(at(22, 10), { recentSends }), calendar)).toEqual({
      action: 'defer',
      until: at(23, 9),
      reason: 'frequency_cap',
    });
    expect(decideDelivery(message(at(23, 9), { recentSends }), calendar)).toEqual({ action: 'send' });
  });

  it('puts Sunday 23:30 Shanghai (15:30 UTC) in the old week and Monday 00:30 in the new one', () => {
    const quietless: DeliveryGuardConfig = { ...calendar, quietHours: null };
    const lastWeek = [sent(at(16, 10)), sent(at(17, 10))];
    expect(decideDelivery(message(at(22, 23, 30), { recentSends: lastWeek }), quietless)).toEqual({
      action: 'defer',
      until: at(23, 0),
      reason: 'frequency_cap',
    });
    expect(decideDelivery(message(at(23, 0, 30), { recentSends: lastWeek }), quietless)).toEqual({ action: 'send' });
  });

  it('still applies the daily cap within a fresh week', () => {
    const recentSends = [sent(at(23, 9, 10))];
    expect(decideDelivery(message(at(23, 12), { recentSends }), calendar)).toEqual({
      action: 'defer',
      until: at(24, 9),
      reason: 'frequency_cap',
    });
  });
});
