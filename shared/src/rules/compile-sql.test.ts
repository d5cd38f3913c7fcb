import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import { compileSegmentMemberIdsQuery, compileSegmentRuleToSql } from './compile-sql';
import { createFactsDb, memberWith, replaceMembers } from './testing/facts-db';
import type { SegmentRule } from './types';

const NOW = fromShanghai(2025, 6, 15, 12);

let db: PGlite;
beforeAll(async () => {
  db = await createFactsDb();
}, 60_000);
afterAll(async () => {
  await db.close();
});

const placeholders = (sql: string) => [...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));

describe('compileSegmentRuleToSql', () => {
  it('compiles the documented example', () => {
    expect(compileSegmentRuleToSql({ field: 'tier', op: 'eq', value: 'gold' }, { now: NOW })).toEqual({
      sql: '(m.tier = $1::text)',
      params: ['gold'],
    });
  });

  it('passes values only as parameters', async () => {
    const hostile = "x'); DROP TABLE member_facts; --";
    const rule: SegmentRule = {
      any: [
        { field: 'region', op: 'eq', value: hostile },
        { field: 'tags', op: 'containsAny', value: [hostile] },
      ],
    };
    const { sql, params } = compileSegmentMemberIdsQuery(rule, { now: NOW });
    expect(sql).not.toContain('DROP');
    expect(params).toEqual([hostile, [hostile]]);
    await replaceMembers(db, [memberWith({ region: hostile })]);
    expect((await db.query(sql, params)).rows).toEqual([{ member_id: 1 }]);
    expect((await db.query('SELECT count(*)::int AS n FROM member_facts')).rows).toEqual([{ n: 1 }]);
  });

  it('numbers placeholders consecutively from firstParamIndex, one per parameter', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'age', op: 'between', value: [18, 30] },
        { field: 'lastOrderAt', op: 'withinLastDays', value: 30 },
        { event: 'sign_in', window: { from: '2025-06-01', to: '2025-06-10' }, op: 'between', value: [1, 3] },
      ],
    };
    const { sql, params } = compileSegmentRuleToSql(rule, { now: NOW, firstParamIndex: 5 });
    expect(placeholders(sql).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(params).toHaveLength(9);
    expect(params).toContain('2025-06-10T16:00:00.000Z');
  });

  it('never reads the database clock', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'age', op: 'gte', value: 18 },
        { field: 'birthday', op: 'withinNextDays', value: 7 },
        { field: 'registeredAt', op: 'withinLastDays', value: 30 },
        { event: 'share', window: { lastDays: 7 }, op: 'gte', value: 1 },
      ],
    };
    expect(compileSegmentRuleToSql(rule, { now: NOW }).sql).not.toMatch(/now\(|current_|localtime|interval/i);
  });

  it('follows another relation, alias, column names and events table', async () => {
    await db.exec(`
      CREATE TABLE IF NOT EXISTS member_facts_v2 AS SELECT member_id AS id, tier AS tier_code FROM member_facts WITH NO DATA;
      CREATE TABLE IF NOT EXISTS event_log (mid bigint, kind text, at timestamptz);
      TRUNCATE member_facts_v2; TRUNCATE event_log;
      INSERT INTO member_facts_v2 VALUES (1, 'gold'), (2, 'silver');
      INSERT INTO event_log VALUES (2, 'share', '2025-06-14T00:00:00Z');
    `);
    const rule: SegmentRule = {
      any: [
        { field: 'tier', op: 'eq', value: 'gold' },
        { event: 'share', window: { lastDays: 7 }, op: 'gte', value: 1 },
      ],
    };
    const { sql, params } = compileSegmentMemberIdsQuery(rule, {
      now: NOW,
      relation: 'public.member_facts_v2',
      memberAlias: 'f',
      columns: { memberId: 'id', tier: 'tier_code' },
      eventsTable: 'event_log',
      eventsAlias: 'ev',
      eventColumns: { memberId: 'mid', type: 'kind', occurredAt: 'at' },
    });
    expect(sql).toMatch(/^SELECT f\.id FROM public\.member_facts_v2 AS f WHERE /);
    expect((await db.query(`${sql} ORDER BY 1`, params)).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('refuses identifiers that are not plain names', () => {
    const rule: SegmentRule = { event: 'share', window: { lastDays: 7 }, op: 'gte', value: 1 };
    const compile = (options: object) => () => compileSegmentRuleToSql(rule, { now: NOW, ...options });
    expect(compile({ memberAlias: 'm; DROP TABLE x' })).toThrow('not a plain SQL identifier');
    expect(compile({ columns: { memberId: 'member_id"' } })).toThrow('not a plain SQL identifier');
    expect(compile({ eventsTable: 'a.b.c' })).toThrow('not a plain SQL identifier');
    expect(compile({ eventColumns: { type: 'type--' } })).toThrow('not a plain SQL identifier');
    expect(compile({ eventsAlias: 'm' })).toThrow('eventsAlias must differ from memberAlias');
    expect(compile({ firstParamIndex: 0 })).toThrow('firstParamIndex must be a positive integer');
    expect(compile({ firstParamIndex: 1.5 })).toThrow('firstParamIndex must be a positive integer');
    expect(() => compileSegmentMemberIdsQuery(rule, { now: NOW, relation: 'x y' })).toThrow('not a plain SQL identifier');
  });

  it('throws on rules that skipped validation', () => {
    const compile = (rule: unknown) => () => compileSegmentRuleToSql(rule as SegmentRule, { now: NOW });
    expect(compile({ field: 'toString', op: 'eq', value: 1 })).toThrow('unknown segment field "toString"');
    const mismatches = [
      { field: 'pointsBalance', op: 'containsAny', value: ['x'] },
      { field: 'age', op: 'containsAll', value: ['x'] },
      { field: 'tier', op: 'gt', value: 1 },
      { field: 'hasPhone', op: 'eq', value: true },
      { field: 'lastOrderAt', op: 'eq', value: '2025-01-01' },
      { field: 'tags', op: 'eq', value: 'VIP' },
      { field: 'birthday', op: 'eq', value: '2025-01-01' },
    ];
    for (const rule of mismatches) expect(compile(rule)).toThrow('cannot be compiled');
  });
});
