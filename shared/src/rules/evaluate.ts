import type { EventType } from '../vocabulary';
import { ageOn, daysUntilBirthday, parseCalendarDate, shanghaiToday } from './birthday';
import { fieldDefinitionOrThrow } from './catalogue';
import type { SegmentFieldDefinition } from './catalogue';
import { eventWindowRange, inRange, lastDaysRange, parseRuleInstant } from './instants';
import type { EventCountCondition, FieldCondition, SegmentMember, SegmentRule } from './types';

type Condition = FieldCondition | EventCountCondition;

function unsupported(condition: Condition): never {
  const subject = 'field' in condition ? `field "${condition.field}"` : 'an event count';
  throw new Error(`operator "${condition.op}" does not apply to ${subject}; validate rules with segmentRuleSchema`);
}

function compareNumber(actual: number, condition: Condition): boolean {
  switch (condition.op) {
    case 'eq':
      return actual === condition.value;
    case 'neq':
      return actual !== condition.value;
    case 'gt':
      return actual > condition.value;
    case 'gte':
      return actual >= condition.value;
    case 'lt':
      return actual < condition.value;
    case 'lte':
      return actual <= condition.value;
    case 'between':
      return condition.value[0] <= actual && actual <= condition.value[1];
    case 'in':
      return condition.value.includes(actual);
    default:
      return unsupported(condition);
  }
}

function compareText(actual: string, condition: FieldCondition): boolean {
  if (condition.op === 'eq') return actual === condition.value;
  if (condition.op === 'in') return condition.value.includes(actual);
  return unsupported(condition);
}

function compareList(actual: readonly string[], condition: FieldCondition): boolean {
  if (condition.op === 'containsAny') return condition.value.some((item) => actual.includes(item));
  if (condition.op === 'containsAll') return condition.value.every((item) => actual.includes(item));
  if (condition.op === 'isEmpty') return actual.length === 0;
  return unsupported(condition);
}

function compareInstant(actual: Date, condition: FieldCondition, now: Date): boolean {
  if (condition.op === 'withinLastDays') return inRange(actual, lastDaysRange(condition.value, now));
  if (condition.op === 'before') return actual.getTime() < parseRuleInstant(condition.value).getTime();
  if (condition.op === 'after') return actual.getTime() > parseRuleInstant(condition.value).getTime();
  return unsupported(condition);
}

/** Whether a non-null fact satisfies a condition other than neq / notIn / isNull / isNotNull. */
function holds(definition: SegmentFieldDefinition, fact: unknown, condition: FieldCondition, now: Date): boolean {
  // The casts follow the catalogue: each field kind reads a fact of one type.
  switch (definition.kind) {
    case 'integer':
    case 'decimal':
      return compareNumber(fact as number, condition);
    case 'age':
      return compareNumber(ageOn(parseCalendarDate(fact as string), shanghaiToday(now)), condition);
    case 'birthdayMonth':
      return compareNumber(parseCalendarDate(fact as string).month, condition);
    case 'enum':
    case 'text':
      return compareText(fact as string, condition);
    case 'boolean':
      return condition.op === 'is' ? fact === condition.value : unsupported(condition);
    case 'timestamp':
      return compareInstant(fact as Date, condition, now);
    case 'textArray':
      return compareList(fact as readonly string[], condition);
    case 'birthday':
      if (condition.op !== 'withinNextDays') return unsupported(condition);
      return daysUntilBirthday(parseCalendarDate(fact as string), shanghaiToday(now)) <= condition.value;
  }
}

function evaluateField(condition: FieldCondition, member: SegmentMember, now: Date): boolean {
  const definition = fieldDefinitionOrThrow(condition.field);
  const fact: unknown = member[definition.source];
  switch (condition.op) {
    case 'isNull':
      return fact === null;
    case 'isNotNull':
      return fact !== null;
    case 'neq':
      return !evaluateField({ ...condition, op: 'eq' }, member, now);
    case 'notIn':
      return !evaluateField({ ...condition, op: 'in' }, member, now);
    default:
      return fact !== null && holds(definition, fact, condition, now);
  }
}

function evaluateEventCount(condition: EventCountCondition, member: SegmentMember, now: Date): boolean {
  if (!member.events) {
    throw new Error(`the rule counts "${condition.event}" events but member ${member.memberId} has no events loaded`);
  }
  const range = eventWindowRange(condition.window, now);
  const count = member.events.filter((event) => event.type === condition.event && inRange(event.occurredAt, range)).length;
  return compareNumber(count, condition);
}

/**
 * Whether one member belongs to a custom segment at `now`. Conditions are two-valued: on a missing (null)
 * fact every comparison is false, except `neq` / `notIn` (which are exactly `not` of `eq` / `in`) and `isNull`.
 * When the rule counts events (see `segmentRuleEventTypes`), `member.events` must hold them.
 * @example
 * evaluateSegmentRule({ all: [{ field: 'tier', op: 'in', value: ['gold', 'diamond'] },
 *   { event: 'add_to_cart', window: { lastDays: 7 }, op: 'gte', value: 1 }] }, member, now);
 */
export function evaluateSegmentRule(rule: SegmentRule, member: SegmentMember, now: Date): boolean {
  if ('all' in rule) return rule.all.every((child) => evaluateSegmentRule(child, member, now));
  if ('any' in rule) return rule.any.some((child) => evaluateSegmentRule(child, member, now));
  if ('not' in rule) return !evaluateSegmentRule(rule.not, member, now);
  if ('event' in rule) return evaluateEventCount(rule, member, now);
  return evaluateField(rule, member, now);
}

/**
 * The event types a rule counts, so a caller loads only those events before evaluating one member.
 * @example
 * segmentRuleEventTypes({ not: { event: 'sign_in', window: { lastDays: 30 }, op: 'gte', value: 1 } }); // ['sign_in']
 */
export function segmentRuleEventTypes(rule: SegmentRule): EventType[] {
  const types = new Set<EventType>();
  const visit = (node: SegmentRule): void => {
    if ('all' in node) node.all.forEach(visit);
    else if ('any' in node) node.any.forEach(visit);
    else if ('not' in node) visit(node.not);
    else if ('event' in node) types.add(node.event);
  };
  visit(rule);
  return [...types];
}
