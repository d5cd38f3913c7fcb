import fc from 'fast-check';
import { addDays, DAY_MS, fromShanghai, shanghaiDate, shanghaiParts, startOfShanghaiDay } from '../../time';
import { EVENT_TYPES } from '../../vocabulary';
import type { EventType } from '../../vocabulary';
import { COMPARISON_OPERATORS, SEGMENT_FIELDS, segmentOperatorsFor } from '../catalogue';
import type { SegmentFieldDefinition, SegmentFieldName } from '../catalogue';
import { eventWindowRange } from '../instants';
import type { EventWindow, MemberEvent, MemberFacts, SegmentCondition, SegmentMember, SegmentRule } from '../types';

/**
 * Generators that make rules and members collide often: both draw from the same small pools and from
 * instants on the boundaries of the windows a rule can express, around a `now` that is itself drawn
 * near leap days, year ends and Shanghai midnights.
 */
export const nowArb: fc.Arbitrary<Date> = fc.oneof(
  fc.constantFrom(
    fromShanghai(2024, 2, 29, 0),
    fromShanghai(2024, 2, 28, 23, 59, 59, 999),
    fromShanghai(2025, 2, 28, 12),
    fromShanghai(2025, 3, 1, 0),
    fromShanghai(2025, 12, 31, 23, 59, 59, 999),
    fromShanghai(2026, 1, 1, 0),
    fromShanghai(2025, 6, 15, 7, 30),
  ),
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
);

/** Instants around leap days, year ends and Shanghai midnights, for the birthday-derived fields. */
export const calendarEdgeNowArb: fc.Arbitrary<Date> = fc
  .record({
    year: fc.integer({ min: 2020, max: 2030 }),
    monthDay: fc.constantFrom('02-27', '02-28', '02-29', '03-01', '12-31', '01-01', '06-15'),
    msOfDay: fc.constantFrom(0, 1, 12 * 3_600_000, DAY_MS - 1),
  })
  .map(({ year, monthDay, msOfDay }) => {
    const [month, day] = monthDay.split('-').map(Number);
    return new Date(fromShanghai(year, month ?? 1, day ?? 1).getTime() + msOfDay);
  });

const DAY_POOL = [1, 7, 30, 90, 365];
const INTEGER_POOL = [-1, 0, 1, 2, 3, 5, 12, 100, 2_147_483_647];
const BIGINT_POOL = [...INTEGER_POOL, 100_000, 9_007_199_254_740_991];
const DECIMAL_POOL = [0, -0, 0.1, 0.2, 0.3, 0.1 + 0.2, 1 / 3, 2.5, 1e-7, 5e-324, 1e300, -12.75];
const TEXT_POOL = ['上海', '北京', 'Beijing', 'beijing', 'é', 'e\u0301', "o'neil", '%', 'NULL'];
const ITEM_POOL = ['VIP', 'vip', '新客', '护肤', 'a,b', '{x}', '"q"', 'NULL', 'back\\slash', ' '];
export const EVENT_POOL: readonly EventType[] = ['add_to_cart', 'sign_in', 'product_view'];

const BIGINT_FACTS = new Set(['growthValueFen', 'monetary365Fen', 'expectedValue365Fen', 'spendTotalFen']);

function integerArb(definition: SegmentFieldDefinition, pool: readonly number[]): fc.Arbitrary<number> {
  const min = definition.min ?? Number.MIN_SAFE_INTEGER;
  const max = definition.max ?? Number.MAX_SAFE_INTEGER;
  const inRange = pool.filter((value) => value >= min && value <= max);
  const bounded = fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) });
  return inRange.length > 0 ? fc.oneof(fc.constantFrom(...inRange), bounded) : bounded;
}

const decimalArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DECIMAL_POOL) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Instants a rule's windows and cut-offs are built from, with 1 ms on either side. */
function boundaryInstants(now: Date): Date[] {
  const midnight = startOfShanghaiDay(now);
  const anchors = [now, ...DAY_POOL.map((days) => addDays(now, -days)), ...[-40, -7, -1, 0, 1].map((d) => addDays(midnight, d))];
  return anchors.flatMap((anchor) => [-1, 0, 1].map((ms) => new Date(anchor.getTime() + ms)));
}

function instantArb(now: Date): fc.Arbitrary<Date> {
  return fc.oneof(
    fc.constantFrom(...boundaryInstants(now)),
    fc.integer({ min: -400 * DAY_MS, max: 2 * DAY_MS }).map((ms) => new Date(now.getTime() + ms)),
  );
}

/** A rule's instant as "YYYY-MM-DD" (a Shanghai day start) or an ISO string with Z or +08:00. */
function ruleInstantArb(now: Date): fc.Arbitrary<string> {
  const withOffset = (instant: Date) => {
    const p = shanghaiParts(instant);
    const ms = String(instant.getTime() % 1000).padStart(3, '0');
    const time = [p.hour, p.minute, p.second].map((n) => String(n).padStart(2, '0')).join(':');
    return `${shanghaiDate(instant)}T${time}.${ms}+08:00`;
  };
  return fc.oneof(
    instantArb(now).map((instant) => shanghaiDate(instant)),
    instantArb(now).map((instant) => instant.toISOString()),
    instantArb(now).map(withOffset),
  );
}

/** Birthdays near today's month and day, some on 29 February, some missing. */
function birthdayArb(now: Date): fc.Arbitrary<string | null> {
  const nearToday = fc
    .record({
      offset: fc.oneof(fc.constantFrom(-1, 0, 1, 2, 364, 365, 366), fc.integer({ min: -3, max: 370 })),
      years: fc.constantFrom(0, 1, 17, 18, 30, 34, 35, 60),
    })
    .map(({ offset, years }) => {
      const date = shanghaiParts(addDays(now, offset));
      let year = date.year - years;
      if (date.month === 2 && date.day === 29) year -= year % 4;
      return `${year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
    });
  return fc.oneof(nearToday, fc.constantFrom('2000-02-29', '1988-02-29', '1990-03-01', '1990-02-28', null));
}

function nullable<T>(arbitrary: fc.Arbitrary<T>, isNullable: boolean): fc.Arbitrary<T | null> {
  return isNullable ? fc.option(arbitrary, { freq: 4 }) : arbitrary;
}

const listArb = fc.array(fc.constantFrom(...ITEM_POOL), { maxLength: 4 });

function eventsArb(now: Date): fc.Arbitrary<MemberEvent[]> {
  const type = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...EVENT_POOL) },
    { weight: 1, arbitrary: fc.constantFrom(...EVENT_TYPES) },
  );
  return fc.array(fc.record({ type, occurredAt: instantArb(now) }), { maxLength: 6 });
}

/** Members with unique ids; nullable facts are null one time in five. */
export function membersArb(now: Date, maxLength = 40): fc.Arbitrary<SegmentMember[]> {
  const F = SEGMENT_FIELDS;
  const int = (name: SegmentFieldName, pool: readonly number[] = INTEGER_POOL) =>
    nullable(integerArb(F[name], pool), F[name].nullable);
  const options = (name: SegmentFieldName) => {
    const definition: SegmentFieldDefinition = F[name];
    return nullable(fc.constantFrom(...Object.keys(definition.options ?? {})), definition.nullable);
  };
  const fen = (name: SegmentFieldName) => int(name, BIGINT_FACTS.has(name) ? BIGINT_POOL : INTEGER_POOL);
  const facts = fc.record({
    gender: options('gender'),
    birthday: birthdayArb(now),
    region: nullable(fc.constantFrom(...TEXT_POOL, ''), true),
    storeId: int('storeId'),
    sourceChannel: nullable(fc.constantFrom(...TEXT_POOL), true),
    registeredAt: instantArb(now),
    hasPhone: fc.boolean(),
    tier: options('tier'),
    growthValueFen: fen('growthValueFen'),
    pointsBalance: int('pointsBalance'),
    recencyDays: int('recencyDays'),
    frequency365: int('frequency365'),
    monetary365Fen: fen('monetary365Fen'),
    rfmR: int('rfmR'),
    rfmF: int('rfmF'),
    rfmM: int('rfmM'),
    rfmSegment: options('rfmSegment'),
    valueLayer: options('valueLayer'),
    lifecycle: options('lifecycle'),
    behaviour: options('behaviour'),
    activityScore: decimalArb,
    topCategories: listArb,
    topBrands: listArb,
    priceBand: options('priceBand'),
    tags: listArb,
    pAlive: nullable(decimalArb, true),
    expectedPurchases90: nullable(decimalArb, true),
    expectedValue365Fen: fen('expectedValue365Fen'),
    lastOrderAt: nullable(instantArb(now), true),
    firstOrderAt: nullable(instantArb(now), true),
    ordersTotal: int('ordersTotal'),
    spendTotalFen: fen('spendTotalFen'),
    events: eventsArb(now),
  });
  // The record's value types follow the catalogue, which the type system cannot see through `options`.
  return fc
    .array(facts, { minLength: Math.min(10, maxLength), maxLength, size: 'max' })
    .map((all) => all.map((member, index) => ({ ...(member as Omit<MemberFacts, 'memberId'>), memberId: index + 1 })));
}

function numberValueArb(definition: SegmentFieldDefinition, now: Date): fc.Arbitrary<number> {
  if (definition.kind === 'decimal') return decimalArb;
  if (definition.kind === 'birthdayMonth') {
    const month = shanghaiParts(now).month;
    return fc.oneof(fc.constantFrom(month, (month % 12) + 1), integerArb(definition, []));
  }
  if (definition.kind === 'age') return integerArb(definition, [0, 1, 17, 18, 29, 30, 34, 35, 36, 60]);
  return integerArb(definition, BIGINT_POOL);
}

function scalarArb(definition: SegmentFieldDefinition, now: Date): fc.Arbitrary<number | string> {
  if (definition.kind === 'enum') return fc.constantFrom(...Object.keys(definition.options ?? {}));
  if (definition.kind === 'text') return fc.constantFrom(...TEXT_POOL);
  return numberValueArb(definition, now);
}

const sortedPair = (arbitrary: fc.Arbitrary<number>) =>
  fc.tuple(arbitrary, arbitrary).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [number, number]);
const listOf = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { minLength: 1, maxLength: 4 });

function fieldConditionArb(now: Date, fields: readonly SegmentFieldName[]): fc.Arbitrary<SegmentCondition> {
  return fc.constantFrom(...fields).chain((field) => {
    const definition: SegmentFieldDefinition = SEGMENT_FIELDS[field];
    return fc.constantFrom(...segmentOperatorsFor(definition)).chain((op): fc.Arbitrary<SegmentCondition> => {
      const condition = <T>(value: fc.Arbitrary<T>) => value.map((v) => ({ field, op, value: v }) as SegmentCondition);
      switch (op) {
        case 'isNull':
        case 'isNotNull':
        case 'isEmpty':
          return fc.constant({ field, op });
        case 'eq':
        case 'neq':
          return condition(scalarArb(definition, now));
        case 'in':
        case 'notIn':
          return condition(listOf(scalarArb(definition, now)));
        case 'between':
          return condition(sortedPair(numberValueArb(definition, now)));
        case 'containsAny':
        case 'containsAll':
          return condition(listOf(fc.constantFrom(...ITEM_POOL)));
        case 'is':
          return condition(fc.boolean());
        case 'withinLastDays':
          return condition(fc.oneof(fc.constantFrom(...DAY_POOL), fc.integer({ min: 1, max: 400 })));
        case 'withinNextDays':
          return condition(fc.oneof(fc.constantFrom(0, 1, 7, 30, 365, 366), fc.integer({ min: 0, max: 366 })));
        case 'before':
        case 'after':
          return condition(ruleInstantArb(now));
        default:
          return condition(numberValueArb(definition, now));
      }
    });
  });
}

function windowArb(now: Date): fc.Arbitrary<EventWindow> {
  const range = fc
    .tuple(ruleInstantArb(now), ruleInstantArb(now))
    .map(([a, b]) => ({ from: a, to: b }))
    .filter((window) => {
      const { from, to } = eventWindowRange(window, now);
      return from.getTime() < to.getTime();
    });
  return fc.oneof(fc.record({ lastDays: fc.constantFrom(...DAY_POOL) }), range);
}

function eventConditionArb(now: Date): fc.Arbitrary<SegmentCondition> {
  const count = fc.integer({ min: 0, max: 4 });
  return fc.record({ event: fc.constantFrom(...EVENT_POOL), window: windowArb(now) }).chain(({ event, window }) =>
    fc.oneof(
      fc.record({
        event: fc.constant(event),
        window: fc.constant(window),
        op: fc.constantFrom(...COMPARISON_OPERATORS),
        value: count,
      }),
      fc.record({
        event: fc.constant(event),
        window: fc.constant(window),
        op: fc.constant('between' as const),
        value: sortedPair(count),
      }),
    ),
  );
}

export interface RuleArbOptions {
  /** Group levels above the conditions. Default 3. */
  depth?: number;
  /** Fields conditions are drawn from. Default: the whole catalogue. */
  fields?: readonly SegmentFieldName[];
  /** Whether event counts appear. Default true. */
  events?: boolean;
}

/** Random rules, at most three children per group. */
export function ruleArb(now: Date, options: RuleArbOptions = {}): fc.Arbitrary<SegmentRule> {
  const { depth = 3, fields = Object.keys(SEGMENT_FIELDS) as SegmentFieldName[], events = true } = options;
  const leaf = events
    ? fc.oneof({ weight: 4, arbitrary: fieldConditionArb(now, fields) }, { weight: 1, arbitrary: eventConditionArb(now) })
    : fieldConditionArb(now, fields);
  if (depth === 0) return leaf;
  const child = ruleArb(now, { ...options, depth: depth - 1 });
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.record({ all: fc.array(child, { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ any: fc.array(child, { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ not: child }) },
  );
}
