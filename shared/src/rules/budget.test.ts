import { describe, expect, it } from 'vitest';
import { SEGMENT_RULE_BUDGET } from './catalogue';
import { eventWindowDays, segmentRuleBudgetIssues } from './budget';
import { segmentRuleSchema, storedSegmentRuleSchema } from './schema';

const eventCondition = (days: number) => ({ event: 'page_view', window: { lastDays: days }, op: 'gte', value: 1 });

/** The issues of a rejected rule as "path: message" lines. */
function issuesOf(input: unknown): string[] {
  const result = segmentRuleSchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input).slice(0, 80)} to be refused`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the segment rule budget', () => {
  it('refuses 100 event-count conditions over 3,660 days, naming the first condition and window past it', () => {
    const rule = { all: Array.from({ length: 100 }, () => eventCondition(3660)) };
    expect(issuesOf(rule)).toEqual([
      'all.1.window: 所有事件条件的时间窗口合计最多 3660 天，到这里已达 7320 天；请缩短时间窗口或减少事件条件',
      'all.10: 事件次数条件最多 10 个（每个都要统计全部会员的事件记录），这是第 11 个；请合并或删除事件条件',
    ]);
    // Saved before the budget existed, the same rule still loads from storage.
    expect(storedSegmentRuleSchema.safeParse(rule).success).toBe(true);
  });

  it('accepts a rule exactly at the budget and refuses one condition or one day more', () => {
    const { maxEventConditions, maxEventWindowDays } = SEGMENT_RULE_BUDGET;
    const perCondition = maxEventWindowDays / maxEventConditions;
    const atBudget = { all: Array.from({ length: maxEventConditions }, () => eventCondition(perCondition)) };
    expect(segmentRuleSchema.safeParse(atBudget).success).toBe(true);
    expect(segmentRuleBudgetIssues(segmentRuleSchema.parse(atBudget)).cost).toEqual({
      eventConditions: maxEventConditions,
      eventWindowDays: maxEventWindowDays,
      listValues: 0,
    });

    const oneMoreCondition = { all: [...atBudget.all.slice(1), eventCondition(perCondition - 1), eventCondition(1)] };
    expect(issuesOf(oneMoreCondition)).toEqual([expect.stringMatching(/^all\.10: 事件次数条件最多 10 个/)]);
    const oneMoreDay = { all: [...atBudget.all.slice(1), eventCondition(perCondition + 1)] };
    expect(issuesOf(oneMoreDay)).toEqual([
      expect.stringMatching(/^all\.9\.window: 所有事件条件的时间窗口合计最多 3660 天，到这里已达 3661 天/),
    ]);
  });

  it('names the part inside nested groups', () => {
    const rule = {
      all: [eventCondition(3000), { any: [{ field: 'tier', op: 'eq', value: 'gold' }, { not: eventCondition(700) }] }],
    };
    expect(issuesOf(rule)).toEqual([expect.stringMatching(/^all\.1\.any\.1\.not\.window: .*已达 3700 天/)]);
  });

  it('counts a from–to window by its days, so a long date range cannot slip past the per-window limit', () => {
    expect(eventWindowDays({ from: '2025-01-01', to: '2025-01-31' })).toBe(31);
    expect(eventWindowDays({ from: '2025-01-01T00:00:00+08:00', to: '2025-01-01T12:00:00+08:00' })).toBe(1);
    const century = { event: 'share', window: { from: '1950-01-01', to: '2050-12-31' }, op: 'gte', value: 1 };
    expect(issuesOf(century)).toEqual([expect.stringMatching(/^window: 所有事件条件的时间窗口合计最多 3660 天/)]);
  });

  it('limits the values of all list conditions together', () => {
    const tags = Array.from({ length: 100 }, (_, i) => `tag${i}`);
    const rule = { any: Array.from({ length: 11 }, () => ({ field: 'tags', op: 'containsAny', value: tags })) };
    expect(issuesOf(rule)).toEqual(['any.10.value: 所有列表条件的取值合计最多 1000 个，到这里已达 1100 个；请减少取值']);
  });

  it('lets rules without event or list conditions through whatever their size', () => {
    const rule = { all: Array.from({ length: 100 }, () => ({ field: 'pointsBalance', op: 'gte', value: 1 })) };
    expect(segmentRuleSchema.safeParse(rule).success).toBe(true);
  });
});
