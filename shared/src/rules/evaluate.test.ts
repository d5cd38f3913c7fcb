import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import { evaluateSegmentRule, segmentRuleEventTypes } from './evaluate';
import { memberWith } from './testing/facts-db';
import type { SegmentRule } from './types';

const NOW = fromShanghai(2025, 6, 15, 12);

describe('evaluateSegmentRule', () => {
  it('matches the documented example', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
        { event: 'add_to_cart', window: { lastDays: 7 }, op: 'gte', value: 1 },
      ],
    };
    const carted = memberWith({ events: [{ type: 'add_to_cart', occurredAt: fromShanghai(2025, 6, 12) }] });
    expect(evaluateSegmentRule(rule, carted, NOW)).toBe(true);
    expect(evaluateSegmentRule(rule, { ...carted, tier: 'silver' }, NOW)).toBe(false);
    expect(evaluateSegmentRule(rule, memberWith(), NOW)).toBe(false);
  });

  it('refuses to count events that were not loaded instead of counting zero', () => {
    const { events: _, ...withoutEvents } = memberWith();
    const rule: SegmentRule = { event: 'sign_in', window: { lastDays: 7 }, op: 'eq', value: 0 };
    expect(() => evaluateSegmentRule(rule, withoutEvents, NOW)).toThrow('no events loaded');
  });

  it('throws on rules that skipped validation', () => {
    const unknownField = { field: 'constructor', op: 'eq', value: 1 } as SegmentRule;
    expect(() => evaluateSegmentRule(unknownField, memberWith(), NOW)).toThrow('unknown segment field "constructor"');
    const mismatches = [
      { field: 'tier', op: 'gt', value: 1 },
      { field: 'age', op: 'containsAny', value: ['x'] },
      { field: 'tags', op: 'eq', value: 'VIP' },
      { field: 'hasPhone', op: 'eq', value: true },
      { field: 'lastOrderAt', op: 'eq', value: '2025-01-01' },
      { field: 'birthday', op: 'eq', value: '2025-01-01' },
    ] as SegmentRule[];
    for (const rule of mismatches) expect(() => evaluateSegmentRule(rule, memberWith(), NOW)).toThrow('does not apply');
    const vagueInstant = { field: 'lastOrderAt', op: 'before', value: 'soon' } as SegmentRule;
    expect(() => evaluateSegmentRule(vagueInstant, memberWith(), NOW)).toThrow('not a date or ISO date-time: soon');
    const countContains = {
      event: 'sign_in',
      window: { lastDays: 1 },
      op: 'containsAny',
      value: ['x'],
    } as unknown as SegmentRule;
    expect(() => evaluateSegmentRule(countContains, memberWith(), NOW)).toThrow('does not apply to an event count');
  });
});

describe('segmentRuleEventTypes', () => {
  it('lists each counted event type once, wherever it sits in the rule', () => {
    const rule: SegmentRule = {
      any: [
        { not: { event: 'sign_in', window: { lastDays: 30 }, op: 'gte', value: 1 } },
        {
          all: [
            { event: 'share', window: { lastDays: 7 }, op: 'gte', value: 1 },
            { field: 'tags', op: 'isEmpty' },
          ],
        },
        { event: 'sign_in', window: { lastDays: 7 }, op: 'gte', value: 3 },
      ],
    };
    expect(segmentRuleEventTypes(rule).sort()).toEqual(['share', 'sign_in']);
    expect(segmentRuleEventTypes({ field: 'tier', op: 'eq', value: 'gold' })).toEqual([]);
  });
});
