import { describe, expect, it } from 'vitest';
import { SEGMENT_RULE_LIMITS } from './catalogue';
import { segmentRuleSchema } from './schema';

/** The issues of a rejected rule as "path: message" lines. */
function issuesOf(input: unknown): string[] {
  const result = segmentRuleSchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const condition = { field: 'tier', op: 'eq', value: 'gold' };
function nest(depth: number): unknown {
  let rule: unknown = condition;
  for (let level = 1; level < depth; level++) rule = { not: rule };
  return rule;
}

describe('segmentRuleSchema accepts', () => {
  it.each([
    ['a single condition', condition],
    ['nested groups', { all: [condition, { any: [{ not: condition }, { field: 'tags', op: 'isEmpty' }] }] }],
    ['empty groups', { all: [{ any: [] }] }],
    ['an event count over the last days', { event: 'sign_in', window: { lastDays: 30 }, op: 'gte', value: 3 }],
    [
      'an event count between dates',
      { event: 'share', window: { from: '2025-01-01', to: '2025-01-31' }, op: 'between', value: [1, 5] },
    ],
    ['an instant with an offset', { field: 'lastOrderAt', op: 'after', value: '2025-06-01T08:00:00+08:00' }],
    ['a birthday today', { field: 'birthday', op: 'withinNextDays', value: 0 }],
    ['the deepest nesting allowed', nest(SEGMENT_RULE_LIMITS.maxDepth)],
  ])('%s', (_, rule) => {
    expect(segmentRuleSchema.parse(rule)).toEqual(rule);
  });
});

describe('segmentRuleSchema rejects', () => {
  it('a field outside the catalogue, so no identifier reaches SQL unchecked', () => {
    expect(issuesOf({ field: 'tier; DROP TABLE members; --', op: 'eq', value: 'gold' })).toEqual([
      'field: unknown field "tier; DROP TABLE members; --"',
    ]);
    expect(issuesOf({ field: 'constructor', op: 'eq', value: 1 })).toEqual(['field: unknown field "constructor"']);
    expect(issuesOf({ field: '__proto__', op: 'isNull' })).toEqual(['field: unknown field "__proto__"']);
  });

  it('an operator that does not fit the field', () => {
    expect(issuesOf({ field: 'tier', op: 'gt', value: 1 })).toEqual([
      'op: operator "gt" does not apply to field "tier"; use one of: eq, neq, in, notIn',
    ]);
    expect(issuesOf({ field: 'tags', op: 'eq', value: 'VIP' })[0]).toMatch(/^op: .*containsAny, containsAll, isEmpty$/);
    expect(issuesOf({ field: 'tier', op: 'isNull' })[0]).toMatch(/^op: operator "isNull" does not apply/);
  });

  it('values of the wrong type or outside the vocabulary', () => {
    expect(issuesOf({ field: 'tier', op: 'eq', value: 'platinum' })).toEqual([
      'value: Invalid option: expected one of "normal"|"silver"|"gold"|"diamond"',
    ]);
    expect(issuesOf({ field: 'pointsBalance', op: 'gt', value: '100' })[0]).toMatch(/^value: .*expected number/);
    expect(issuesOf({ field: 'pointsBalance', op: 'gt', value: 1.5 })[0]).toMatch(/^value: .*expected int/);
    expect(issuesOf({ field: 'growthValueFen', op: 'gte', value: 2 ** 53 })[0]).toMatch(/^value: /);
    expect(issuesOf({ field: 'activityScore', op: 'gt', value: Number.POSITIVE_INFINITY })[0]).toMatch(/^value: /);
    expect(issuesOf({ field: 'rfmR', op: 'eq', value: 6 })[0]).toMatch(/^value: Too big/);
    expect(issuesOf({ field: 'hasPhone', op: 'is', value: 'yes' })[0]).toMatch(/^value: .*expected boolean/);
    expect(issuesOf({ field: 'tier', op: 'in', value: [] })).toEqual(['value: list must not be empty']);
    expect(issuesOf({ field: 'tier', op: 'in', value: ['gold', 'x'] })[0]).toMatch(/^value\.1: Invalid option/);
    expect(issuesOf({ field: 'region', op: 'eq', value: '' })).toEqual(['value: text must not be empty']);
    expect(issuesOf({ field: 'region', op: 'eq', value: 'a\u0000b' })).toEqual([
      'value: text must not contain NUL characters or unpaired surrogates',
    ]);
    expect(issuesOf({ field: 'region', op: 'eq', value: '\uD800' })).toHaveLength(1);
    expect(issuesOf({ field: 'region', op: 'eq', value: 'x'.repeat(101) })[0]).toMatch(/^value: Too big/);
  });

  it('malformed between, windows and instants', () => {
    expect(issuesOf({ field: 'age', op: 'between', value: [40, 30] })).toEqual([
      'value: between needs [low, high] with low ≤ high',
    ]);
    expect(issuesOf({ field: 'age', op: 'between', value: [30] })[0]).toMatch(/^value: /);
    expect(issuesOf({ field: 'lastOrderAt', op: 'before', value: '2025-02-30' })[0]).toMatch(/^value: expected "YYYY-MM-DD"/);
    expect(issuesOf({ field: 'lastOrderAt', op: 'before', value: '2025-06-01T08:00:00' })[0]).toMatch(/^value: expected/);
    expect(issuesOf({ field: 'lastOrderAt', op: 'before', value: '0099-06-01' })[0]).toMatch(/^value: expected/);
    expect(issuesOf({ field: 'lastOrderAt', op: 'withinLastDays', value: 0 })[0]).toMatch(/^value: Too small/);
    expect(issuesOf({ field: 'birthday', op: 'withinNextDays', value: 367 })[0]).toMatch(/^value: Too big/);
    expect(issuesOf({ event: 'sign_in', window: { from: '2025-02-01', to: '2025-01-01' }, op: 'gte', value: 1 })).toEqual([
      'window.to: window "from" must be before "to"',
    ]);
    expect(issuesOf({ event: 'sign_in', window: { days: 3 }, op: 'gte', value: 1 })).toEqual([
      'window: expected a window: { lastDays } or { from, to }',
    ]);
    expect(issuesOf({ event: 'sign_in', window: { lastDays: 7 }, op: 'between', value: 3 })[0]).toMatch(/^value: /);
    expect(issuesOf({ event: 'sign_in', window: { lastDays: 7 }, op: 'in', value: [1] })[0]).toMatch(/^op: /);
    expect(issuesOf({ event: 'order_refunded', window: { lastDays: 7 }, op: 'gte', value: 1 })[0]).toMatch(/^event: /);
  });

  it('values where none belong and keys it does not know', () => {
    expect(issuesOf({ field: 'region', op: 'isNull', value: 'x' })).toEqual(['value: operator "isNull" takes no value']);
    expect(issuesOf({ ...condition, note: 'x' })).toEqual([': Unrecognized key: "note"']);
    expect(issuesOf({ all: [condition], any: [] })).toEqual([': Unrecognized key: "any"']);
  });

  it('things that are not rules, with the path of the bad node', () => {
    expect(issuesOf('tier = gold')).toEqual([': expected a rule: an object with one of all, any, not, field or event']);
    expect(issuesOf({ all: [condition, [condition]] })).toEqual([
      'all.1: expected a rule: an object with one of all, any, not, field or event',
    ]);
    expect(issuesOf({ any: [{ not: { field: 'tier', op: 'eq', value: 'x' } }] })[0]).toMatch(/^any\.0\.not\.value: /);
  });

  it('rules beyond the size limits, before parsing them', () => {
    const { maxDepth, maxConditions, maxNodes } = SEGMENT_RULE_LIMITS;
    expect(issuesOf(nest(maxDepth + 1))).toEqual([`: a rule may nest at most ${maxDepth} levels`]);
    expect(issuesOf(nest(100_000))).toEqual([`: a rule may nest at most ${maxDepth} levels`]);
    expect(issuesOf({ any: Array.from({ length: maxConditions + 1 }, () => condition) })).toEqual([
      `: a rule may have at most ${maxConditions} conditions`,
    ]);
    expect(issuesOf({ any: Array.from({ length: maxNodes }, () => ({ all: [] })) })).toEqual([
      `: a rule may have at most ${maxNodes} conditions and groups`,
    ]);
  });
});
