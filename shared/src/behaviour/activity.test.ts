import { describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import {
  activityEventPoints,
  activityScoreAt,
  activityScoreFromEvents,
  addEvent,
  behaviourStateFor,
  emptyActivityScore,
  type ActivityEvent,
} from './activity';
import { behaviourConfigSchema, DEFAULT_BEHAVIOUR_CONFIG } from './config';
import { decayScore, halfLifeDecayFactor } from './decay';

const config = DEFAULT_BEHAVIOUR_CONFIG;
const now = fromShanghai(2026, 6, 30, 12);

describe('decay', () => {
  it('halves every half-life', () => {
    expect(decayScore(40, now, addDays(now, 14), 14)).toBe(20);
    expect(decayScore(40, now, addDays(now, 28), 14)).toBe(10);
    expect(decayScore(40, now, addDays(now, 7), 14)).toBeCloseTo(40 / Math.SQRT2, 12);
    expect(decayScore(40, now, now, 14)).toBe(40);
  });

  it('refuses to run backwards or with a non-positive half-life', () => {
    expect(() => decayScore(1, now, addDays(now, -1), 14)).toThrow(RangeError);
    expect(() => halfLifeDecayFactor(1, 0)).toThrow(RangeError);
  });
});

describe('activityEventPoints', () => {
  it('adds capped dwell to the type weight', () => {
    expect(activityEventPoints({ type: 'product_view', at: now }, config)).toBe(2);
    expect(activityEventPoints({ type: 'product_view', at: now, dwellSeconds: 90 }, config)).toBeCloseTo(3.8, 12);
    expect(activityEventPoints({ type: 'page_view', at: now, dwellSeconds: 1_000 }, config)).toBeCloseTo(1 + 0.02 * 300, 12);
  });

  it('rejects negative or non-finite dwell', () => {
    expect(() => activityEventPoints({ type: 'page_view', at: now, dwellSeconds: -1 }, config)).toThrow(RangeError);
    expect(() => activityEventPoints({ type: 'page_view', at: now, dwellSeconds: Number.NaN }, config)).toThrow(RangeError);
    expect(() => activityEventPoints({ type: 'page_view', at: now, dwellSeconds: Infinity }, config)).toThrow(RangeError);
  });
});

describe('activity score', () => {
  const events: ActivityEvent[] = [
    { type: 'add_to_cart', at: addDays(now, -14) }, // 5 → 2.5
    { type: 'sign_in', at: now }, // 2
    { type: 'search', at: addDays(now, -28) }, // 3 → 0.75
    { type: 'comment', at: addDays(now, 1) }, // not yet
  ];

  it('sums decayed points of the events up to now (worked example)', () => {
    expect(activityScoreFromEvents(events, now, config)).toBeCloseTo(5.25, 12);
    expect(behaviourStateFor(activityScoreFromEvents(events, now, config), config)).toBe('potential');
  });

  it('gets the same from a running score, whatever the arrival order', () => {
    const inOrder = [events[2], events[0], events[1]] as ActivityEvent[];
    const arrivedLate = [events[1], events[2], events[0]] as ActivityEvent[];
    for (const sequence of [inOrder, arrivedLate]) {
      const running = sequence.reduce((score, e) => addEvent(score, e, config), emptyActivityScore(addDays(now, -60)));
      expect(running.asOf).toEqual(now);
      expect(activityScoreAt(running, now, config)).toBeCloseTo(5.25, 12);
    }
  });

  it('decays a newer event into the stored score before adding it', () => {
    const later = addEvent({ value: 10, asOf: now }, { type: 'search', at: addDays(now, 14) }, config);
    expect(later).toEqual({ value: 8, asOf: addDays(now, 14) });
    const late = addEvent({ value: 10, asOf: now }, { type: 'search', at: addDays(now, -14) }, config);
    expect(late).toEqual({ value: 11.5, asOf: now });
  });

  it('makes a daily sign-in over 60 days active (geometric series)', () => {
    const signIns = Array.from({ length: 60 }, (_, k): ActivityEvent => ({ type: 'sign_in', at: addDays(now, -k) }));
    const ratio = 0.5 ** (1 / 14);
    const expected = (2 * (1 - ratio ** 60)) / (1 - ratio);
    expect(activityScoreFromEvents(signIns, now, config)).toBeCloseTo(expected, 9);
    expect(expected).toBeGreaterThan(39);
    expect(behaviourStateFor(expected, config)).toBe('active');
  });

  it('lets one page view two months ago fade to churned', () => {
    const score = activityScoreFromEvents([{ type: 'page_view', at: addDays(now, -60) }], now, config);
    expect(score).toBeCloseTo(0.5 ** (60 / 14), 12);
    expect(behaviourStateFor(score, config)).toBe('churned');
  });
});

describe('behaviourStateFor', () => {
  it('uses inclusive lower bounds', () => {
    expect(behaviourStateFor(15, config)).toBe('active');
    expect(behaviourStateFor(14.999, config)).toBe('potential');
    expect(behaviourStateFor(1, config)).toBe('potential');
    expect(behaviourStateFor(0.999, config)).toBe('churned');
    expect(behaviourStateFor(0, config)).toBe('churned');
  });
});

describe('behaviourConfigSchema', () => {
  it('accepts the defaults and rejects inverted thresholds or missing weights', () => {
    expect(behaviourConfigSchema.parse(config)).toEqual(config);
    expect(behaviourConfigSchema.safeParse({ ...config, thresholds: { activeAtLeast: 1, potentialAtLeast: 2 } }).success).toBe(
      false,
    );
    const { sign_in: _dropped, ...partialWeights } = config.eventWeights;
    expect(behaviourConfigSchema.safeParse({ ...config, eventWeights: partialWeights }).success).toBe(false);
    expect(behaviourConfigSchema.safeParse({ ...config, halfLifeDays: 0 }).success).toBe(false);
  });
});
