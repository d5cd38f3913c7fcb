import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromShanghai, shanghaiDayDiff, shanghaiParts, startOfShanghaiWeek } from '../time';
import { DEFAULT_DELIVERY_GUARD_CONFIG, type DeliveryChannel, type DeliveryGuardConfig } from './config';
import { decideDelivery } from './delivery';
import { isInHoldout } from './holdout';
import { truncateThing, validateSubscribeData } from './subscribe';

const start = fromShanghai(2026, 3, 1).getTime();
const HOUR = 3_600_000;

const configArb: fc.Arbitrary<DeliveryGuardConfig> = fc
  .record({
    perDay: fc.integer({ min: 1, max: 3 }),
    extraPerWeek: fc.integer({ min: 0, max: 4 }),
    week: fc.constantFrom('rolling' as const, 'calendar' as const),
    maxDeferDays: fc.integer({ min: 0, max: 8 }),
  })
  .map(({ perDay, extraPerWeek, week, maxDeferDays }) => ({
    ...DEFAULT_DELIVERY_GUARD_CONFIG,
    frequencyCap: { perDay, perWeek: perDay + extraPerWeek, week, maxDeferDays },
  }));

const isQuiet = (at: Date) => {
  const { hour } = shanghaiParts(at);
  return hour >= 21 || hour < 9;
};

describe('decideDelivery properties', () => {
  it('a worker that follows the decisions never breaks the caps and never messages in quiet hours', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.array(
          fc.record({
            offsetHours: fc.integer({ min: 0, max: 24 * 28 }),
            channel: fc.constantFrom<DeliveryChannel>('subscribe_message', 'coupon'),
          }),
          {
            maxLength: 40,
          },
        ),
        (config, requests) => {
          const queue = requests.map((r) => ({ due: new Date(start + r.offsetHours * HOUR), channel: r.channel }));
          const sends: Array<{ at: Date; channel: DeliveryChannel }> = [];
          for (let guard = 0; queue.length > 0 && guard < 1000; guard++) {
            queue.sort((a, b) => a.due.getTime() - b.due.getTime());
            const next = queue.shift()!;
            const input = {
              now: next.due,
              channel: next.channel,
              consentCredits: 1,
              recentSends: sends,
              doNotContact: false,
              inHoldout: false,
            };
            const decision = decideDelivery(input, config);
            if (decision.action === 'send') sends.push({ at: next.due, channel: next.channel });
            if (decision.action === 'defer') {
              expect(decision.until.getTime()).toBeGreaterThan(next.due.getTime());
              expect(isQuiet(decision.until)).toBe(false);
              const longestHold = Math.max(12 * HOUR, config.frequencyCap.maxDeferDays * 24 * HOUR);
              expect(decision.until.getTime() - next.due.getTime()).toBeLessThanOrEqual(longestHold);
              queue.push({ due: decision.until, channel: next.channel });
            }
          }
          const messages = sends.filter((s) => s.channel === 'subscribe_message').map((s) => s.at);
          for (const at of messages) {
            expect(isQuiet(at)).toBe(false);
            expect(messages.filter((other) => shanghaiDayDiff(other, at) === 0).length).toBeLessThanOrEqual(
              config.frequencyCap.perDay,
            );
            const week =
              config.frequencyCap.week === 'calendar'
                ? messages.filter((other) => startOfShanghaiWeek(other).getTime() === startOfShanghaiWeek(at).getTime())
                : messages.filter((other) => shanghaiDayDiff(other, at) >= 0 && shanghaiDayDiff(other, at) < 7);
            expect(week.length).toBeLessThanOrEqual(config.frequencyCap.perWeek);
          }
          expect(sends.filter((s) => s.channel === 'coupon')).toHaveLength(requests.filter((r) => r.channel === 'coupon').length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('re-deciding at the deferral time with nothing new sent goes ahead', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.integer({ min: 0, max: 24 * 14 * 60 }),
        fc.array(fc.integer({ min: 0, max: 24 * 10 * 60 }), { maxLength: 6 }),
        (config, nowMinutes, sentMinutesAgo) => {
          const now = new Date(start + 10 * 24 * HOUR + nowMinutes * 60_000);
          const recentSends = sentMinutesAgo.map((m) => ({
            at: new Date(now.getTime() - m * 60_000),
            channel: 'subscribe_message' as const,
          }));
          const input = {
            now,
            channel: 'subscribe_message' as const,
            consentCredits: 1,
            recentSends,
            doNotContact: false,
            inHoldout: false,
          };
          const decision = decideDelivery(input, config);
          if (decision.action === 'defer') {
            expect(decideDelivery({ ...input, now: decision.until }, config)).toEqual({ action: 'send' });
          }
        },
      ),
    );
  });
});

describe('holdout and subscribe properties', () => {
  it('holdout is a pure function of campaign and member', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), (campaign, member, ratio) => {
        expect(isInHoldout(campaign, member, ratio)).toBe(isInHoldout(campaign, member, ratio));
        if (isInHoldout(campaign, member, ratio)) expect(isInHoldout(campaign, member, Math.min(1, ratio + 0.05))).toBe(true);
      }),
    );
  });

  it('truncateThing always produces a valid thing value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), (text) => {
        fc.pre(/[^\s\p{Cc}]/u.test(text));
        expect(validateSubscribeData(['thing1'], { thing1: truncateThing(text) })).toEqual([]);
      }),
    );
  });
});
