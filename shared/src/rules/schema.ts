import { z } from 'zod';
import { EVENT_TYPES } from '../vocabulary';
import { COMPARISON_OPERATORS, SEGMENT_RULE_LIMITS, segmentFieldDefinition, segmentOperatorsFor } from './catalogue';
import type { SegmentFieldDefinition } from './catalogue';
import { segmentRuleBudgetIssues } from './budget';
import { eventWindowRange } from './instants';
import type { EventCountCondition, EventWindow, FieldCondition, SegmentOperator, SegmentRule } from './types';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Re-reports the issues of a nested parse on the current value, keeping their paths. */
function parseInto<T>(schema: z.ZodType<T>, input: unknown, ctx: z.RefinementCtx, prefix: PropertyKey[] = []): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...prefix, ...issue.path] });
  }
  return z.NEVER;
}

/** Picks the branch by which key the object carries, so errors speak of one branch, not of a union. */
function byKey<T>(branches: Record<string, z.ZodType<T>>, expected: string): z.ZodType<T, unknown> {
  return z.unknown().transform((input, ctx) => {
    const key = isRecord(input) ? Object.keys(branches).find((k) => Object.hasOwn(input, k)) : undefined;
    const branch = key === undefined ? undefined : branches[key];
    if (branch === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
      return z.NEVER;
    }
    return parseInto(branch, input, ctx);
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const textValue = z
  .string()
  .min(1, 'text must not be empty')
  .max(SEGMENT_RULE_LIMITS.maxTextLength)
  .refine((text) => !text.includes('\u0000') && !LONE_SURROGATE.test(text), {
    message: 'text must not contain NUL characters or unpaired surrogates',
  });

const instantValue = z
  .string()
  .refine(
    (value) =>
      /^(19|20|21)\d\d-/.test(value) &&
      (z.iso.date().safeParse(value).success || z.iso.datetime({ offset: true }).safeParse(value).success),
    { message: 'expected "YYYY-MM-DD" (1900–2199) or an ISO date-time with offset, e.g. 2025-06-01T00:00:00+08:00' },
  );

function numberValue(definition: SegmentFieldDefinition): z.ZodNumber {
  let schema = definition.kind === 'decimal' ? z.number() : z.int();
  if (definition.min !== undefined) schema = schema.min(definition.min);
  if (definition.max !== undefined) schema = schema.max(definition.max);
  return schema;
}

function scalarValue(definition: SegmentFieldDefinition): z.ZodType<number | string> {
  if (definition.kind === 'enum') return z.enum(Object.keys(definition.options ?? {}));
  if (definition.kind === 'text') return textValue;
  return numberValue(definition);
}

const listOf = <T>(item: z.ZodType<T>) => z.array(item).min(1, 'list must not be empty').max(SEGMENT_RULE_LIMITS.maxListValues);

const orderedPair = (item: z.ZodType<number>) =>
  z.tuple([item, item]).refine(([low, high]) => low <= high, { message: 'between needs [low, high] with low ≤ high' });

/** withinNextDays 0 means "birthday today"; a window of 0 past days would be empty. */
const dayCount = (min: 0 | 1, max: number) => z.int().min(min).max(max);

/** The schema of an operator's value, or undefined when the operator takes none. */
function valueSchemaFor(definition: SegmentFieldDefinition, op: SegmentOperator): z.ZodType | undefined {
  switch (op) {
    case 'eq':
    case 'neq':
      return scalarValue(definition);
    case 'in':
    case 'notIn':
      return listOf(scalarValue(definition));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return numberValue(definition);
    case 'between':
      return orderedPair(numberValue(definition));
    case 'containsAny':
    case 'containsAll':
      return listOf(textValue);
    case 'is':
      return z.boolean();
    case 'withinLastDays':
      return dayCount(1, SEGMENT_RULE_LIMITS.maxWindowDays);
    case 'withinNextDays':
      return dayCount(0, 366);
    case 'before':
    case 'after':
      return instantValue;
    case 'isNull':
    case 'isNotNull':
    case 'isEmpty':
      return undefined;
  }
}

const fieldConditionSchema = z
  .strictObject({ field: z.string(), op: z.string(), value: z.unknown().optional() })
  .transform((condition, ctx): FieldCondition => {
    const { field, op } = condition;
    const definition = segmentFieldDefinition(field);
    if (!definition) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: `unknown field ${JSON.stringify(field.slice(0, 40))}` });
      return z.NEVER;
    }
    const operators = segmentOperatorsFor(definition);
    const operator = operators.find((allowed) => allowed === op);
    if (!operator) {
      ctx.addIssue({
        code: 'custom',
        path: ['op'],
        message: `operator ${JSON.stringify(op.slice(0, 40))} does not apply to field "${field}"; use one of: ${operators.join(', ')}`,
      });
      return z.NEVER;
    }
    const valueSchema = valueSchemaFor(definition, operator);
    if (!valueSchema) {
      if (condition.value !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${operator}" takes no value` });
        return z.NEVER;
      }
      return { field, op: operator } as FieldCondition;
    }
    const value = parseInto(valueSchema, condition.value, ctx, ['value']);
    return { field, op: operator, value } as FieldCondition;
  });

const eventWindowSchema: z.ZodType<EventWindow, unknown> = byKey<EventWindow>(
  {
    lastDays: z.strictObject({ lastDays: dayCount(1, SEGMENT_RULE_LIMITS.maxWindowDays) }),
    from: z.strictObject({ from: instantValue, to: instantValue }).refine(
      (window) => {
        const range = eventWindowRange(window, new Date(0));
        return range.from.getTime() < range.to.getTime();
      },
      { message: 'window "from" must be before "to"', path: ['to'] },
    ),
  },
  'a window: { lastDays } or { from, to }',
);

const eventCount = z.int().min(0).max(1_000_000);

const eventConditionSchema = z
  .strictObject({
    event: z.enum(EVENT_TYPES),
    window: eventWindowSchema,
    op: z.enum([...COMPARISON_OPERATORS, 'between']),
    value: z.unknown(),
  })
  .transform((condition, ctx): EventCountCondition => {
    const valueSchema = condition.op === 'between' ? orderedPair(eventCount) : eventCount;
    const value = parseInto<number | [number, number]>(valueSchema, condition.value, ctx, ['value']);
    return { ...condition, value } as EventCountCondition;
  });

const ruleNodeSchema: z.ZodType<SegmentRule, unknown> = z.lazy(() =>
  byKey<SegmentRule>(
    {
      all: z.strictObject({ all: z.array(ruleNodeSchema) }),
      any: z.strictObject({ any: z.array(ruleNodeSchema) }),
      not: z.strictObject({ not: ruleNodeSchema }),
      field: fieldConditionSchema,
      event: eventConditionSchema,
    },
    'a rule: an object with one of all, any, not, field or event',
  ),
);

function childrenOf(node: unknown): unknown[] | undefined {
  if (!isRecord(node)) return undefined;
  if (Array.isArray(node.all)) return node.all;
  if (Array.isArray(node.any)) return node.any;
  if (Object.hasOwn(node, 'not')) return [node.not];
  return undefined;
}

/** Measures the raw input without recursion, so an oversized rule is refused before it is parsed. */
function checkLimits(input: unknown, ctx: z.RefinementCtx): void {
  const { maxDepth, maxNodes, maxConditions } = SEGMENT_RULE_LIMITS;
  const pending: { node: unknown; depth: number }[] = [{ node: input, depth: 1 }];
  let nodes = 1;
  let conditions = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (next.depth > maxDepth) return fail(`a rule may nest at most ${maxDepth} levels`);
    const children = childrenOf(next.node);
    if (children === undefined) {
      conditions += 1;
      if (conditions > maxConditions) return fail(`a rule may have at most ${maxConditions} conditions`);
      continue;
    }
    nodes += children.length;
    if (nodes > maxNodes) return fail(`a rule may have at most ${maxNodes} conditions and groups`);
    for (const child of children) pending.push({ node: child, depth: next.depth + 1 });
  }
}

/**
 * Validates a custom-segment rule from the console or the API: known fields only, operators that fit
 * the field, values of the right type and vocabulary, size limits (`SEGMENT_RULE_LIMITS`) and the cost budget
 * (`SEGMENT_RULE_BUDGET`, each part over it named by its path).
 * @example
 * segmentRuleSchema.parse({ all: [{ field: 'tier', op: 'in', value: ['gold', 'diamond'] }] });
 * segmentRuleSchema.safeParse({ field: 'tier', op: 'gt', value: 1 }).success; // false: gt does not apply to tier
 */
export const segmentRuleSchema: z.ZodType<SegmentRule, unknown> = z
  .unknown()
  .superRefine(checkLimits)
  .pipe(ruleNodeSchema)
  .superRefine((rule, ctx) => {
    for (const issue of segmentRuleBudgetIssues(rule).issues) ctx.addIssue({ code: 'custom', ...issue });
  });

/**
 * A rule read back from storage: the same checks without the cost budget, so a rule saved before the budget
 * still loads (its previews are then cut by the statement timeout, its jobs by the jobs' limits).
 */
export const storedSegmentRuleSchema: z.ZodType<SegmentRule, unknown> = z.unknown().superRefine(checkLimits).pipe(ruleNodeSchema);
