import { formatYuan } from '../money';
import { shanghaiDate, shanghaiParts } from '../time';
import { EVENT_TYPE_LABELS, fieldDefinitionOrThrow, SEGMENT_OPERATOR_LABELS } from './catalogue';
import type { SegmentFieldDefinition } from './catalogue';
import { isDateOnly, parseRuleInstant } from './instants';
import type { EventCountCondition, EventWindow, FieldCondition, SegmentRule } from './types';

const SYMBOLS = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

function formatInstant(value: string): string {
  if (isDateOnly(value)) return value;
  const instant = parseRuleInstant(value);
  const { hour, minute } = shanghaiParts(instant);
  return `${shanghaiDate(instant)} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function formatValue(definition: SegmentFieldDefinition, value: number | string): string {
  if (definition.options) return definition.options[String(value)] ?? String(value);
  if (definition.unit === 'fen' && typeof value === 'number') return formatYuan(value, { trimZeros: true });
  return String(value);
}

function describeComparison(
  subject: string,
  condition: FieldCondition | EventCountCondition,
  format: (value: number | string) => string,
): string {
  switch (condition.op) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `${subject} ${SYMBOLS[condition.op]} ${format(condition.value)}`;
    case 'between':
      return `${subject}介于 ${format(condition.value[0])} 和 ${format(condition.value[1])} 之间`;
    default:
      return `${subject}${SEGMENT_OPERATOR_LABELS[condition.op]}`;
  }
}

function describeField(condition: FieldCondition): string {
  const definition = fieldDefinitionOrThrow(condition.field);
  const { label } = definition;
  const format = (value: number | string) => formatValue(definition, value);
  const operator = SEGMENT_OPERATOR_LABELS[condition.op];
  switch (condition.op) {
    case 'eq':
    case 'neq':
      if (definition.kind === 'enum' || definition.kind === 'text') {
        return `${label}${condition.op === 'eq' ? '为' : '不为'} ${format(condition.value)}`;
      }
      return describeComparison(label, condition, format);
    case 'in':
    case 'notIn':
    case 'containsAny':
    case 'containsAll':
      return `${label}${operator} ${condition.value.map(format).join('、')}`;
    case 'is':
      return `${label}：${condition.value ? '是' : '否'}`;
    case 'withinLastDays':
      return `${label}在最近${condition.value}天内`;
    case 'withinNextDays':
      return `${label}在未来${condition.value}天内`;
    case 'before':
    case 'after':
      return `${label}${operator} ${formatInstant(condition.value)}`;
    default:
      return describeComparison(label, condition, format);
  }
}

function describeWindow(window: EventWindow): string {
  return 'lastDays' in window ? `最近${window.lastDays}天` : `${formatInstant(window.from)} 至 ${formatInstant(window.to)}`;
}

function describeEvent(condition: EventCountCondition): string {
  const subject = `${describeWindow(condition.window)}「${EVENT_TYPE_LABELS[condition.event]}」次数`;
  return describeComparison(subject, condition, String);
}

function describeGroup(children: readonly SegmentRule[], joiner: string): string {
  return children
    .map((child) => {
      const text = describeNode(child);
      const isCompound = ('all' in child && child.all.length > 1) || ('any' in child && child.any.length > 1);
      return isCompound ? `（${text}）` : text;
    })
    .join(joiner);
}

function describeNode(rule: SegmentRule): string {
  if ('all' in rule) return rule.all.length === 0 ? '全部会员' : describeGroup(rule.all, ' 且 ');
  if ('any' in rule) return rule.any.length === 0 ? '无会员' : describeGroup(rule.any, ' 或 ');
  if ('not' in rule) return `非（${describeNode(rule.not)}）`;
  if ('event' in rule) return describeEvent(rule);
  return describeField(rule);
}

/**
 * A short Chinese summary of a rule for lists and confirmations.
 * @example
 * describeSegmentRule({ all: [
 *   { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
 *   { event: 'add_to_cart', window: { lastDays: 30 }, op: 'gte', value: 2 },
 * ] }); // '会员等级属于 金卡会员、钻石会员 且 最近30天「加购」次数 ≥ 2'
 */
export function describeSegmentRule(rule: SegmentRule): string {
  return describeNode(rule);
}
