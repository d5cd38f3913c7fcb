import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import { evaluateSegmentRule } from './evaluate';
import { segmentRuleSchema } from './schema';
import { createFactsDb, memberWith, sqlVerdict } from './testing/facts-db';
import type { SegmentMember, SegmentRule } from './types';

/** 2025-06-15 12:00 in Shanghai. */
const NOW = fromShanghai(2025, 6, 15, 12);

let db: PGlite;
beforeAll(async () => {
  db = await createFactsDb();
}, 60_000);
afterAll(async () => {
  await db.close();
});

interface Case {
  rule: SegmentRule;
  member?: Partial<SegmentMember>;
  now?: Date;
  expected: boolean;
}

/** Each case must hold in JS and in SQL, and its negation must hold the other way round in both. */
function check(title: string, cases: Case[]) {
  describe(title, () => {
    it.each(cases.map((c) => [JSON.stringify(c.rule), c] as const))('%s', async (_, { rule, member, now, expected }) => {
      const subject = memberWith(member);
      const at = now ?? NOW;
      expect(segmentRuleSchema.parse(rule)).toEqual(rule);
      expect(evaluateSegmentRule(rule, subject, at)).toBe(expected);
      expect(evaluateSegmentRule({ not: rule }, subject, at)).toBe(!expected);
      expect(await sqlVerdict(db, rule, subject, at)).toBe(expected);
      expect(await sqlVerdict(db, { not: rule }, subject, at)).toBe(!expected);
    });
  });
}

check('integer fields', [
  { rule: { field: 'pointsBalance', op: 'eq', value: 1200 }, expected: true },
  { rule: { field: 'pointsBalance', op: 'eq', value: 1199 }, expected: false },
  { rule: { field: 'pointsBalance', op: 'neq', value: 1200 }, expected: false },
  { rule: { field: 'pointsBalance', op: 'gt', value: 1199 }, expected: true },
  { rule: { field: 'pointsBalance', op: 'gt', value: 1200 }, expected: false },
  { rule: { field: 'pointsBalance', op: 'gte', value: 1200 }, expected: true },
  { rule: { field: 'pointsBalance', op: 'lt', value: 1200 }, expected: false },
  { rule: { field: 'pointsBalance', op: 'lte', value: 1200 }, expected: true },
  { rule: { field: 'pointsBalance', op: 'between', value: [1000, 1200] }, expected: true },
  { rule: { field: 'pointsBalance', op: 'between', value: [1201, 5000] }, expected: false },
  { rule: { field: 'pointsBalance', op: 'in', value: [5, 1200] }, expected: true },
  { rule: { field: 'pointsBalance', op: 'notIn', value: [5, 1200] }, expected: false },
  { rule: { field: 'pointsBalance', op: 'gt', value: 9_007_199_254_740_991 }, expected: false },
  {
    rule: { field: 'growthValueFen', op: 'eq', value: 9_007_199_254_740_991 },
    member: { growthValueFen: 9_007_199_254_740_991 },
    expected: true,
  },
  {
    rule: { field: 'growthValueFen', op: 'lt', value: 9_007_199_254_740_991 },
    member: { growthValueFen: 9_007_199_254_740_990 },
    expected: true,
  },
  { rule: { field: 'rfmR', op: 'in', value: [4, 5] }, expected: true },
]);

check('nullable numbers: only neq, notIn and isNull hold on null', [
  { rule: { field: 'recencyDays', op: 'eq', value: 12 }, member: { recencyDays: null }, expected: false },
  { rule: { field: 'recencyDays', op: 'neq', value: 12 }, member: { recencyDays: null }, expected: true },
  { rule: { field: 'recencyDays', op: 'gt', value: 0 }, member: { recencyDays: null }, expected: false },
  { rule: { field: 'recencyDays', op: 'lte', value: 100 }, member: { recencyDays: null }, expected: false },
  { rule: { field: 'recencyDays', op: 'between', value: [0, 100] }, member: { recencyDays: null }, expected: false },
  { rule: { field: 'recencyDays', op: 'in', value: [12] }, member: { recencyDays: null }, expected: false },
  { rule: { field: 'recencyDays', op: 'notIn', value: [12] }, member: { recencyDays: null }, expected: true },
  { rule: { field: 'recencyDays', op: 'isNull' }, member: { recencyDays: null }, expected: true },
  { rule: { field: 'recencyDays', op: 'isNotNull' }, member: { recencyDays: null }, expected: false },
  { rule: { field: 'recencyDays', op: 'isNull' }, expected: false },
  { rule: { field: 'recencyDays', op: 'isNotNull' }, expected: true },
  {
    rule: { field: 'expectedValue365Fen', op: 'gte', value: 0 },
    member: { expectedValue365Fen: null },
    expected: false,
  },
]);

check('decimals compare exactly', [
  { rule: { field: 'activityScore', op: 'eq', value: 0.3 }, member: { activityScore: 0.1 + 0.2 }, expected: false },
  {
    rule: { field: 'activityScore', op: 'eq', value: 0.1 + 0.2 },
    member: { activityScore: 0.1 + 0.2 },
    expected: true,
  },
  { rule: { field: 'activityScore', op: 'gt', value: 0.3 }, member: { activityScore: 0.1 + 0.2 }, expected: true },
  { rule: { field: 'activityScore', op: 'eq', value: 0 }, member: { activityScore: -0 }, expected: true },
  { rule: { field: 'activityScore', op: 'lt', value: 1e-300 }, member: { activityScore: 5e-324 }, expected: true },
  { rule: { field: 'pAlive', op: 'between', value: [0.87, 0.87] }, expected: true },
  { rule: { field: 'pAlive', op: 'in', value: [0.5, 0.87] }, expected: true },
  { rule: { field: 'pAlive', op: 'gt', value: 0 }, member: { pAlive: null }, expected: false },
  { rule: { field: 'pAlive', op: 'neq', value: 0.5 }, member: { pAlive: null }, expected: true },
  { rule: { field: 'expectedPurchases90', op: 'isNull' }, member: { expectedPurchases90: null }, expected: true },
]);

const LEAP_DAY = '2000-02-29';
check('age in completed years on the Shanghai calendar', [
  { rule: { field: 'age', op: 'eq', value: 34 }, expected: true },
  { rule: { field: 'age', op: 'eq', value: 35 }, expected: false },
  { rule: { field: 'age', op: 'gte', value: 35 }, expected: false },
  { rule: { field: 'age', op: 'gt', value: 33 }, expected: true },
  { rule: { field: 'age', op: 'lt', value: 35 }, expected: true },
  { rule: { field: 'age', op: 'lte', value: 33 }, expected: false },
  { rule: { field: 'age', op: 'between', value: [30, 34] }, expected: true },
  { rule: { field: 'age', op: 'between', value: [35, 40] }, expected: false },
  { rule: { field: 'age', op: 'in', value: [18, 34] }, expected: true },
  { rule: { field: 'age', op: 'notIn', value: [34] }, expected: false },
  { rule: { field: 'age', op: 'eq', value: 35 }, member: { birthday: '1990-06-15' }, expected: true },
  { rule: { field: 'age', op: 'eq', value: 34 }, member: { birthday: '1990-06-16' }, expected: true },
  {
    rule: { field: 'age', op: 'eq', value: 35 },
    member: { birthday: '1990-06-15' },
    now: fromShanghai(2025, 6, 15),
    expected: true,
  },
  {
    rule: { field: 'age', op: 'eq', value: 34 },
    member: { birthday: '1990-06-15' },
    now: new Date(fromShanghai(2025, 6, 15).getTime() - 1),
    expected: true,
  },
  {
    rule: { field: 'age', op: 'eq', value: 24 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2025, 2, 28, 23),
    expected: true,
  },
  {
    rule: { field: 'age', op: 'eq', value: 25 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2025, 3, 1),
    expected: true,
  },
  {
    rule: { field: 'age', op: 'eq', value: 24 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2024, 2, 29),
    expected: true,
  },
  {
    rule: { field: 'age', op: 'eq', value: 23 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2024, 2, 28),
    expected: true,
  },
  { rule: { field: 'age', op: 'gte', value: 0 }, member: { birthday: null }, expected: false },
  { rule: { field: 'age', op: 'neq', value: 30 }, member: { birthday: null }, expected: true },
  { rule: { field: 'age', op: 'isNull' }, member: { birthday: null }, expected: true },
]);

check('birthday month and upcoming birthdays', [
  { rule: { field: 'birthdayMonth', op: 'eq', value: 6 }, expected: true },
  { rule: { field: 'birthdayMonth', op: 'in', value: [1, 2] }, expected: false },
  { rule: { field: 'birthdayMonth', op: 'isNull' }, member: { birthday: null }, expected: true },
  { rule: { field: 'birthday', op: 'withinNextDays', value: 5 }, expected: true },
  { rule: { field: 'birthday', op: 'withinNextDays', value: 4 }, expected: false },
  { rule: { field: 'birthday', op: 'withinNextDays', value: 0 }, member: { birthday: '1990-06-15' }, expected: true },
  { rule: { field: 'birthday', op: 'withinNextDays', value: 364 }, member: { birthday: '1990-06-14' }, expected: true },
  {
    rule: { field: 'birthday', op: 'withinNextDays', value: 363 },
    member: { birthday: '1990-06-14' },
    expected: false,
  },
  {
    rule: { field: 'birthday', op: 'withinNextDays', value: 3 },
    member: { birthday: '1990-01-02' },
    now: fromShanghai(2025, 12, 30, 23, 59),
    expected: true,
  },
  {
    rule: { field: 'birthday', op: 'withinNextDays', value: 1 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2025, 2, 28),
    expected: true,
  },
  {
    rule: { field: 'birthday', op: 'withinNextDays', value: 0 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2025, 2, 28),
    expected: false,
  },
  {
    rule: { field: 'birthday', op: 'withinNextDays', value: 0 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2024, 2, 29),
    expected: true,
  },
  {
    rule: { field: 'birthday', op: 'withinNextDays', value: 0 },
    member: { birthday: LEAP_DAY },
    now: fromShanghai(2024, 3, 1),
    expected: false,
  },
  { rule: { field: 'birthday', op: 'withinNextDays', value: 366 }, member: { birthday: null }, expected: false },
  { rule: { field: 'birthday', op: 'isNotNull' }, member: { birthday: null }, expected: false },
]);

check('enums and text compare by exact code points', [
  { rule: { field: 'tier', op: 'eq', value: 'gold' }, expected: true },
  { rule: { field: 'tier', op: 'eq', value: 'silver' }, expected: false },
  { rule: { field: 'tier', op: 'neq', value: 'gold' }, expected: false },
  { rule: { field: 'tier', op: 'in', value: ['gold', 'diamond'] }, expected: true },
  { rule: { field: 'tier', op: 'notIn', value: ['gold'] }, expected: false },
  { rule: { field: 'rfmSegment', op: 'eq', value: 'important_value' }, member: { rfmSegment: null }, expected: false },
  { rule: { field: 'rfmSegment', op: 'neq', value: 'important_value' }, member: { rfmSegment: null }, expected: true },
  {
    rule: { field: 'rfmSegment', op: 'in', value: ['important_value'] },
    member: { rfmSegment: null },
    expected: false,
  },
  {
    rule: { field: 'rfmSegment', op: 'notIn', value: ['important_value'] },
    member: { rfmSegment: null },
    expected: true,
  },
  { rule: { field: 'rfmSegment', op: 'isNull' }, member: { rfmSegment: null }, expected: true },
  { rule: { field: 'region', op: 'eq', value: '上海' }, expected: true },
  { rule: { field: 'region', op: 'eq', value: 'beijing' }, member: { region: 'Beijing' }, expected: false },
  { rule: { field: 'region', op: 'eq', value: 'é' }, member: { region: 'e\u0301' }, expected: false },
  { rule: { field: 'region', op: 'in', value: ['北京', '上海'] }, expected: true },
  { rule: { field: 'region', op: 'eq', value: '上海' }, member: { region: null }, expected: false },
  { rule: { field: 'region', op: 'neq', value: '上海' }, member: { region: null }, expected: true },
  { rule: { field: 'sourceChannel', op: 'isNotNull' }, expected: true },
]);

check('booleans', [
  { rule: { field: 'hasPhone', op: 'is', value: true }, expected: true },
  { rule: { field: 'hasPhone', op: 'is', value: false }, expected: false },
  { rule: { field: 'hasPhone', op: 'is', value: false }, member: { hasPhone: false }, expected: true },
]);

check('timestamps', [
  { rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 12 }, expected: true },
  { rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 11 }, expected: false },
  {
    rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 7 },
    member: { lastOrderAt: addDays(NOW, -7) },
    expected: true,
  },
  {
    rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 7 },
    member: { lastOrderAt: new Date(addDays(NOW, -7).getTime() - 1) },
    expected: false,
  },
  { rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 7 }, member: { lastOrderAt: NOW }, expected: true },
  {
    rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 7 },
    member: { lastOrderAt: new Date(NOW.getTime() + 1) },
    expected: false,
  },
  { rule: { field: 'lastOrderAt', op: 'before', value: '2025-06-04' }, expected: true },
  { rule: { field: 'lastOrderAt', op: 'before', value: '2025-06-03' }, expected: false },
  { rule: { field: 'lastOrderAt', op: 'before', value: '2025-06-03T14:00:00+08:00' }, expected: false },
  { rule: { field: 'lastOrderAt', op: 'after', value: '2025-06-03T14:00:00+08:00' }, expected: false },
  { rule: { field: 'lastOrderAt', op: 'after', value: '2025-06-03T05:59:59.999Z' }, expected: true },
  { rule: { field: 'registeredAt', op: 'after', value: '2024-01-10' }, expected: true },
  { rule: { field: 'lastOrderAt', op: 'withinLastDays', value: 3650 }, member: { lastOrderAt: null }, expected: false },
  { rule: { field: 'lastOrderAt', op: 'before', value: '2100-01-01' }, member: { lastOrderAt: null }, expected: false },
  { rule: { field: 'firstOrderAt', op: 'isNull' }, member: { firstOrderAt: null }, expected: true },
]);

check('text arrays', [
  { rule: { field: 'tags', op: 'containsAny', value: ['VIP', 'x'] }, expected: true },
  { rule: { field: 'tags', op: 'containsAny', value: ['vip'] }, expected: false },
  {
    rule: { field: 'tags', op: 'containsAll', value: ['VIP', '新客'] },
    member: { tags: ['新客', 'VIP'] },
    expected: true,
  },
  { rule: { field: 'tags', op: 'containsAll', value: ['VIP', 'x'] }, expected: false },
  { rule: { field: 'tags', op: 'isEmpty' }, expected: false },
  { rule: { field: 'tags', op: 'isEmpty' }, member: { tags: [] }, expected: true },
  { rule: { field: 'tags', op: 'containsAny', value: ['VIP'] }, member: { tags: [] }, expected: false },
  { rule: { field: 'tags', op: 'containsAny', value: ['NULL', '{x}'] }, member: { tags: ['NULL'] }, expected: true },
  { rule: { field: 'topCategories', op: 'containsAll', value: ['护肤'] }, expected: true },
  {
    rule: { field: 'topBrands', op: 'containsAny', value: ['a,b'] },
    member: { topBrands: ['a', 'b'] },
    expected: false,
  },
]);

const EVENTS = [
  { type: 'add_to_cart', occurredAt: addDays(NOW, -1) },
  { type: 'add_to_cart', occurredAt: addDays(NOW, -10) },
  { type: 'sign_in', occurredAt: addDays(NOW, -2) },
  { type: 'add_to_cart', occurredAt: new Date(NOW.getTime() + 1) },
];
check('event counts in a window', [
  {
    rule: { event: 'add_to_cart', window: { lastDays: 7 }, op: 'gte', value: 1 },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: { event: 'add_to_cart', window: { lastDays: 30 }, op: 'eq', value: 2 },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: { event: 'add_to_cart', window: { lastDays: 30 }, op: 'gt', value: 2 },
    member: { events: EVENTS },
    expected: false,
  },
  {
    rule: { event: 'add_to_cart', window: { lastDays: 10 }, op: 'between', value: [2, 3] },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: { event: 'sign_in', window: { lastDays: 1 }, op: 'eq', value: 0 },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: { event: 'sign_in', window: { lastDays: 7 }, op: 'neq', value: 1 },
    member: { events: EVENTS },
    expected: false,
  },
  {
    rule: { event: 'add_to_cart', window: { lastDays: 365 }, op: 'neq', value: 0 },
    member: { events: [] },
    expected: false,
  },
  {
    rule: { event: 'favorite', window: { lastDays: 365 }, op: 'lt', value: 1 },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: { event: 'add_to_cart', window: { from: '2025-06-05', to: '2025-06-05' }, op: 'eq', value: 1 },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: { event: 'add_to_cart', window: { from: '2025-06-05T12:00:01+08:00', to: '2025-06-30' }, op: 'eq', value: 2 },
    member: { events: EVENTS },
    expected: true,
  },
  {
    rule: {
      event: 'add_to_cart',
      window: { from: '2025-06-01', to: '2025-06-05T12:00:00+08:00' },
      op: 'lte',
      value: 0,
    },
    member: { events: EVENTS },
    expected: true,
  },
]);

check('groups', [
  { rule: { all: [] }, expected: true },
  { rule: { any: [] }, expected: false },
  {
    rule: {
      all: [
        { field: 'tier', op: 'eq', value: 'gold' },
        { field: 'region', op: 'isNull' },
      ],
    },
    expected: false,
  },
  {
    rule: {
      any: [
        { field: 'tier', op: 'eq', value: 'silver' },
        { field: 'region', op: 'isNotNull' },
      ],
    },
    expected: true,
  },
  {
    rule: {
      not: {
        any: [
          { field: 'region', op: 'eq', value: '北京' },
          { field: 'rfmSegment', op: 'eq', value: 'general_value' },
        ],
      },
    },
    member: { region: null, rfmSegment: null },
    expected: true,
  },
]);
