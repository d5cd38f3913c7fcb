import { birthdayCodesWithin, latestBirthdayForAge, shanghaiToday } from './birthday';
import type { CalendarDate } from './birthday';
import { fieldDefinitionOrThrow, MEMBER_FACT_COLUMNS } from './catalogue';
import type { SegmentFieldDefinition } from './catalogue';
import { eventWindowRange, lastDaysRange, parseRuleInstant } from './instants';
import type { InstantRange } from './instants';
import type { EventCountCondition, FieldCondition, MemberFactKey, SegmentRule } from './types';

export interface SegmentEventColumns {
  memberId: string;
  type: string;
  occurredAt: string;
}

export interface SegmentSqlOptions {
  /** The instant the segment is evaluated at; the SQL never reads the database clock. */
  now: Date;
  /** Number of the first placeholder, to embed the predicate in a larger query. Default 1. */
  firstParamIndex?: number;
  /** Alias of the member-facts relation in the surrounding query. Default `m`. */
  memberAlias?: string;
  /** Column names that differ from `MEMBER_FACT_COLUMNS`. */
  columns?: Partial<Record<MemberFactKey, string>>;
  /** Default `events`. */
  eventsTable?: string;
  /** Alias inside the event-count subqueries. Default `e`. */
  eventsAlias?: string;
  /** Default member_id, type, occurred_at. */
  eventColumns?: Partial<SegmentEventColumns>;
}

/** A boolean SQL predicate with `$n` placeholders, and the values to bind in order. */
export interface CompiledSegmentSql {
  sql: string;
  params: unknown[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUALIFIED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function identifier(name: string, pattern = IDENTIFIER): string {
  if (!pattern.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

interface Compiler {
  param(value: unknown, type: string): string;
  column(fact: MemberFactKey): string;
  today: CalendarDate;
  now: Date;
  events: { table: string; alias: string; memberId: string; type: string; occurredAt: string; member: string };
}

function createCompiler(options: SegmentSqlOptions, params: unknown[]): Compiler {
  const first = options.firstParamIndex ?? 1;
  if (!Number.isSafeInteger(first) || first < 1) throw new Error(`firstParamIndex must be a positive integer, got ${first}`);
  const member = identifier(options.memberAlias ?? 'm');
  const columns = { ...MEMBER_FACT_COLUMNS, ...options.columns };
  const eventAlias = identifier(options.eventsAlias ?? 'e');
  if (eventAlias === member) throw new Error('eventsAlias must differ from memberAlias');
  const eventColumns = { memberId: 'member_id', type: 'type', occurredAt: 'occurred_at', ...options.eventColumns };
  return {
    param(value, type) {
      params.push(value);
      return `$${first + params.length - 1}::${type}`;
    },
    column: (fact) => `${member}.${identifier(columns[fact])}`,
    today: shanghaiToday(options.now),
    now: options.now,
    events: {
      table: identifier(options.eventsTable ?? 'events', QUALIFIED_IDENTIFIER),
      alias: eventAlias,
      memberId: `${eventAlias}.${identifier(eventColumns.memberId)}`,
      type: `${eventAlias}.${identifier(eventColumns.type)}`,
      occurredAt: `${eventAlias}.${identifier(eventColumns.occurredAt)}`,
      member: `${member}.${identifier(columns.memberId)}`,
    },
  };
}

type NumericCondition = FieldCondition | EventCountCondition;

function unsupported(condition: NumericCondition): never {
  throw new Error(`operator "${condition.op}" cannot be compiled here; validate rules with segmentRuleSchema`);
}

const COMPARISON_SQL = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function numberSql(expression: string, condition: NumericCondition, type: 'bigint' | 'float8', c: Compiler): string {
  switch (condition.op) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `${expression} ${COMPARISON_SQL[condition.op]} ${c.param(condition.value, type)}`;
    case 'between':
      return `${expression} BETWEEN ${c.param(condition.value[0], type)} AND ${c.param(condition.value[1], type)}`;
    case 'in':
      return `${expression} = ANY(${c.param(condition.value, `${type}[]`)})`;
    default:
      return unsupported(condition);
  }
}

/** Age compiles to birthday cut-offs (age ≥ A ⇔ birthday ≤ cut-off), so no SQL date arithmetic is involved. */
function ageSql(birthday: string, condition: FieldCondition, c: Compiler): string {
  const atLeast = (age: number) => `${birthday} <= ${c.param(latestBirthdayForAge(age, c.today), 'date')}`;
  const below = (age: number) => `${birthday} > ${c.param(latestBirthdayForAge(age, c.today), 'date')}`;
  const exactly = (age: number) => `(${atLeast(age)} AND ${below(age + 1)})`;
  switch (condition.op) {
    case 'eq':
      return exactly(Number(condition.value));
    case 'gt':
      return atLeast(condition.value + 1);
    case 'gte':
      return atLeast(condition.value);
    case 'lt':
      return below(condition.value);
    case 'lte':
      return below(condition.value + 1);
    case 'between':
      return `(${atLeast(condition.value[0])} AND ${below(condition.value[1] + 1)})`;
    case 'in':
      return `(${condition.value.map((age) => exactly(Number(age))).join(' OR ')})`;
    default:
      return unsupported(condition);
  }
}

function rangeSql(expression: string, range: InstantRange, c: Compiler): string {
  const from = c.param(range.from.toISOString(), 'timestamptz');
  const to = c.param(range.to.toISOString(), 'timestamptz');
  return `${expression} >= ${from} AND ${expression} ${range.toInclusive ? '<=' : '<'} ${to}`;
}

/** SQL for a positive condition on a non-null fact (the caller adds the null guard). */
function positiveSql(definition: SegmentFieldDefinition, column: string, condition: FieldCondition, c: Compiler): string {
  switch (definition.kind) {
    case 'integer':
      return numberSql(column, condition, 'bigint', c);
    case 'decimal':
      return numberSql(column, condition, 'float8', c);
    case 'birthdayMonth':
      return numberSql(`EXTRACT(MONTH FROM ${column})::int`, condition, 'bigint', c);
    case 'age':
      return ageSql(column, condition, c);
    case 'enum':
    case 'text':
      if (condition.op === 'eq') return `${column} = ${c.param(condition.value, 'text')}`;
      if (condition.op === 'in') return `${column} = ANY(${c.param(condition.value, 'text[]')})`;
      return unsupported(condition);
    case 'boolean':
      return condition.op === 'is' ? `${column} = ${c.param(condition.value, 'boolean')}` : unsupported(condition);
    case 'timestamp':
      if (condition.op === 'withinLastDays') return rangeSql(column, lastDaysRange(condition.value, c.now), c);
      if (condition.op === 'before' || condition.op === 'after') {
        const instant = c.param(parseRuleInstant(condition.value).toISOString(), 'timestamptz');
        return `${column} ${condition.op === 'before' ? '<' : '>'} ${instant}`;
      }
      return unsupported(condition);
    case 'textArray':
      if (condition.op === 'containsAny') return `${column} && ${c.param(condition.value, 'text[]')}`;
      if (condition.op === 'containsAll') return `${column} @> ${c.param(condition.value, 'text[]')}`;
      if (condition.op === 'isEmpty') return `cardinality(${column}) = 0`;
      return unsupported(condition);
    case 'birthday': {
      if (condition.op !== 'withinNextDays') return unsupported(condition);
      const monthDay = `EXTRACT(MONTH FROM ${column})::int * 100 + EXTRACT(DAY FROM ${column})::int`;
      return `${monthDay} = ANY(${c.param(birthdayCodesWithin(condition.value, c.today), 'int[]')})`;
    }
  }
}

function fieldSql(condition: FieldCondition, c: Compiler): string {
  const definition = fieldDefinitionOrThrow(condition.field);
  const column = c.column(definition.source);
  switch (condition.op) {
    case 'isNull':
      return `(${column} IS NULL)`;
    case 'isNotNull':
      return `(${column} IS NOT NULL)`;
    case 'neq':
      return `(NOT ${fieldSql({ ...condition, op: 'eq' }, c)})`;
    case 'notIn':
      return `(NOT ${fieldSql({ ...condition, op: 'in' }, c)})`;
    default: {
      // Guarding nullable columns keeps every condition TRUE or FALSE, so NOT agrees with the JS evaluator.
      const predicate = positiveSql(definition, column, condition, c);
      return definition.nullable ? `(${column} IS NOT NULL AND ${predicate})` : `(${predicate})`;
    }
  }
}

function eventSql(condition: EventCountCondition, c: Compiler): string {
  const { table, alias, memberId, type, occurredAt, member } = c.events;
  const eventType = c.param(condition.event, 'text');
  const window = rangeSql(occurredAt, eventWindowRange(condition.window, c.now), c);
  const count =
    `(SELECT count(*) FROM ${table} AS ${alias} WHERE ${memberId} = ${member}` + ` AND ${type} = ${eventType} AND ${window})`;
  return `(${numberSql(count, condition, 'bigint', c)})`;
}

function nodeSql(rule: SegmentRule, c: Compiler): string {
  if ('all' in rule) return rule.all.length === 0 ? 'TRUE' : `(${rule.all.map((r) => nodeSql(r, c)).join(' AND ')})`;
  if ('any' in rule) return rule.any.length === 0 ? 'FALSE' : `(${rule.any.map((r) => nodeSql(r, c)).join(' OR ')})`;
  if ('not' in rule) return `(NOT ${nodeSql(rule.not, c)})`;
  if ('event' in rule) return eventSql(rule, c);
  return fieldSql(rule, c);
}

/**
 * Compiles a validated rule to a PostgreSQL boolean predicate over the member-facts relation (alias `m`),
 * equal to `evaluateSegmentRule` for every member. Values only ever travel as parameters.
 * @example
 * const { sql, params } = compileSegmentRuleToSql({ field: 'tier', op: 'eq', value: 'gold' }, { now });
 * // sql: "(m.tier = $1::text)", params: ['gold']
 */
export function compileSegmentRuleToSql(rule: SegmentRule, options: SegmentSqlOptions): CompiledSegmentSql {
  const params: unknown[] = [];
  const sql = nodeSql(rule, createCompiler(options, params));
  return { sql, params };
}

/**
 * The member ids of a segment: `SELECT m.member_id FROM member_facts AS m WHERE <rule>`.
 * @example
 * const { sql, params } = compileSegmentMemberIdsQuery(rule, { now: new Date() });
 * const ids = (await db.query(sql, params)).rows.map((row) => Number(row.member_id));
 */
export function compileSegmentMemberIdsQuery(
  rule: SegmentRule,
  options: SegmentSqlOptions & { relation?: string },
): CompiledSegmentSql {
  const { sql, params } = compileSegmentRuleToSql(rule, options);
  const alias = options.memberAlias ?? 'm';
  const memberId = options.columns?.memberId ?? MEMBER_FACT_COLUMNS.memberId;
  const relation = identifier(options.relation ?? 'member_facts', QUALIFIED_IDENTIFIER);
  return { sql: `SELECT ${alias}.${memberId} FROM ${relation} AS ${alias} WHERE ${sql}`, params };
}
