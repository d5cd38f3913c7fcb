import { SEGMENT_RULE_BUDGET } from './catalogue';
import { eventWindowRange } from './instants';
import type { EventWindow, FieldCondition, SegmentRule } from './types';

const DAY_MS = 86_400_000;

/** One part of a rule past the budget: its path inside the rule (e.g. `all.10.window`) and a reason in Chinese. */
export interface SegmentRuleBudgetIssue {
  path: (string | number)[];
  message: string;
}

/** What a rule costs against SEGMENT_RULE_BUDGET: counts the console can show beside the limits. */
export interface SegmentRuleCost {
  /** Event-count conditions: each is a count over the events table for every member. */
  eventConditions: number;
  /** Days of event history all event-count conditions scan together. */
  eventWindowDays: number;
  /** Values in all lists (in, notIn, containsAny, containsAll) together. */
  listValues: number;
}

/** Days an event window covers (a partial day counts as a whole one). */
export function eventWindowDays(window: EventWindow): number {
  if ('lastDays' in window) return window.lastDays;
  const range = eventWindowRange(window, new Date(0));
  return Math.max(1, Math.ceil((range.to.getTime() - range.from.getTime()) / DAY_MS));
}

const LIST_OPERATORS = new Set(['in', 'notIn', 'containsAny', 'containsAll']);

function listLength(condition: FieldCondition): number {
  return 'value' in condition && Array.isArray(condition.value) ? condition.value.length : 0;
}

type Visit = (rule: SegmentRule, path: (string | number)[]) => void;

function walk(rule: SegmentRule, path: (string | number)[], visit: Visit): void {
  visit(rule, path);
  if ('all' in rule) rule.all.forEach((child, index) => walk(child, [...path, 'all', index], visit));
  else if ('any' in rule) rule.any.forEach((child, index) => walk(child, [...path, 'any', index], visit));
  else if ('not' in rule) walk(rule.not, [...path, 'not'], visit);
}

/**
 * Measures a valid rule against the cost budget, in document order, and names the first part of each kind that
 * goes over it. The structural limits (depth, conditions, list length, one window's days) are the schema's.
 * @example
 * segmentRuleBudgetIssues({ event: 'page_view', window: { lastDays: 30 }, op: 'gte', value: 3 }).issues; // []
 */
export function segmentRuleBudgetIssues(rule: SegmentRule): { cost: SegmentRuleCost; issues: SegmentRuleBudgetIssue[] } {
  const { maxEventConditions, maxEventWindowDays, maxListValuesTotal } = SEGMENT_RULE_BUDGET;
  const cost: SegmentRuleCost = { eventConditions: 0, eventWindowDays: 0, listValues: 0 };
  const issues: SegmentRuleBudgetIssue[] = [];
  const reported = new Set<string>();
  const report = (kind: string, issue: SegmentRuleBudgetIssue) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    issues.push(issue);
  };
  walk(rule, [], (node, path) => {
    if ('event' in node) {
      cost.eventConditions += 1;
      cost.eventWindowDays += eventWindowDays(node.window);
      if (cost.eventConditions > maxEventConditions) {
        report('eventConditions', {
          path,
          message: `事件次数条件最多 ${maxEventConditions} 个（每个都要统计全部会员的事件记录），这是第 ${cost.eventConditions} 个；请合并或删除事件条件`,
        });
      }
      if (cost.eventWindowDays > maxEventWindowDays) {
        report('eventWindowDays', {
          path: [...path, 'window'],
          message: `所有事件条件的时间窗口合计最多 ${maxEventWindowDays} 天，到这里已达 ${cost.eventWindowDays} 天；请缩短时间窗口或减少事件条件`,
        });
      }
    } else if ('field' in node && LIST_OPERATORS.has(node.op)) {
      cost.listValues += listLength(node);
      if (cost.listValues > maxListValuesTotal) {
        report('listValues', {
          path: [...path, 'value'],
          message: `所有列表条件的取值合计最多 ${maxListValuesTotal} 个，到这里已达 ${cost.listValues} 个；请减少取值`,
        });
      }
    }
  });
  return { cost, issues };
}
