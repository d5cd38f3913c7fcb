import { evaluateSegmentRule, segmentRuleSchema } from '@member-ops/shared';
import { describe, expect, it } from 'vitest';
import { draftToRule, ruleToDraft, type RuleDraft } from './rule-draft';

describe('draftToRule', () => {
  it('turns builder rows into rules the shared language accepts, money in fen', () => {
    const rule = draftToRule({
      combine: 'all',
      conditions: [
        { type: 'field', field: 'tier', op: 'in', value: ['gold', 'diamond'] },
        { type: 'field', field: 'monetary365Fen', op: 'gte', value: 199.99 },
        { type: 'field', field: 'birthday', op: 'isNull', value: 'ignored' },
        { type: 'event', event: 'add_to_cart', lastDays: 30, op: 'gte', value: 2 },
      ],
    });
    expect(rule).toEqual({
      all: [
        { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
        { field: 'monetary365Fen', op: 'gte', value: 19999 },
        { field: 'birthday', op: 'isNull' },
        { event: 'add_to_cart', window: { lastDays: 30 }, op: 'gte', value: 2 },
      ],
    });
    expect(segmentRuleSchema.safeParse(rule).success).toBe(true);
  });

  it('an empty "all" draft matches everyone and an empty "any" draft no one', () => {
    const member = { tier: 'gold' } as unknown as Parameters<typeof evaluateSegmentRule>[1];
    const now = new Date('2026-03-15T04:00:00Z');
    const everyone = segmentRuleSchema.parse(draftToRule({ combine: 'all', conditions: [] }));
    const nobody = segmentRuleSchema.parse(draftToRule({ combine: 'any', conditions: [] }));
    expect(evaluateSegmentRule(everyone, member, now)).toBe(true);
    expect(evaluateSegmentRule(nobody, member, now)).toBe(false);
  });
});

describe('ruleToDraft', () => {
  it('reads a saved rule back into builder rows, money in yuan, and round-trips through draftToRule', () => {
    const rule = {
      any: [
        { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
        { field: 'monetary365Fen', op: 'between', value: [10000, 50050] },
        { field: 'birthday', op: 'isNull' },
        { event: 'add_to_cart', window: { lastDays: 30 }, op: 'gte', value: 2 },
      ],
    };
    const draft = ruleToDraft(rule);
    expect(draft).toEqual<RuleDraft>({
      combine: 'any',
      conditions: [
        { type: 'field', field: 'tier', op: 'in', value: ['gold', 'diamond'] },
        { type: 'field', field: 'monetary365Fen', op: 'between', value: [100, 500.5] },
        { type: 'field', field: 'birthday', op: 'isNull' },
        { type: 'event', event: 'add_to_cart', lastDays: 30, op: 'gte', value: 2 },
      ],
    });
    expect(draftToRule(draft!)).toEqual(rule);
  });

  it('reads a single condition as an "all" of one, and refuses what the builder cannot show', () => {
    expect(ruleToDraft({ field: 'tier', op: 'eq', value: 'gold' })).toEqual({
      combine: 'all',
      conditions: [{ type: 'field', field: 'tier', op: 'eq', value: 'gold' }],
    });
    expect(ruleToDraft({ not: { field: 'tier', op: 'eq', value: 'gold' } })).toBeNull();
    expect(ruleToDraft({ all: [{ any: [] }] })).toBeNull();
    expect(ruleToDraft({ all: [{ field: 'noSuchField', op: 'eq', value: 1 }] })).toBeNull();
    expect(
      ruleToDraft({ all: [{ event: 'add_to_cart', window: { from: '2026-01-01', to: '2026-02-01' }, op: 'gte', value: 1 }] }),
    ).toBeNull();
  });
});
