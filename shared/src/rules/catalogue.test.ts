import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, TIER_CODES } from '../vocabulary';
import { getSegmentRuleCatalogue, MEMBER_FACT_COLUMNS, SEGMENT_FIELDS, segmentFieldDefinition } from './catalogue';

describe('segment rule catalogue', () => {
  const catalogue = getSegmentRuleCatalogue();
  const field = (name: string) => catalogue.fields.find((option) => option.field === name);

  it('lists every field once with a Chinese label and at least one operator', () => {
    expect(catalogue.fields.map((option) => option.field)).toEqual(Object.keys(SEGMENT_FIELDS));
    for (const option of catalogue.fields) {
      expect(option.label).toMatch(/[\u4e00-\u9fff]/);
      expect(option.operators.length).toBeGreaterThan(0);
      for (const operator of option.operators) expect(operator.label).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('offers the operators that fit each kind, with null checks only on nullable fields', () => {
    const ops = (name: string) => field(name)?.operators.map((operator) => operator.op);
    expect(ops('tier')).toEqual(['eq', 'neq', 'in', 'notIn']);
    expect(ops('rfmSegment')).toEqual(['eq', 'neq', 'in', 'notIn', 'isNull', 'isNotNull']);
    expect(ops('pointsBalance')).toEqual(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'notIn']);
    expect(ops('tags')).toEqual(['containsAny', 'containsAll', 'isEmpty']);
    expect(ops('hasPhone')).toEqual(['is']);
    expect(ops('lastOrderAt')).toEqual(['withinLastDays', 'before', 'after', 'isNull', 'isNotNull']);
    expect(ops('birthday')).toEqual(['withinNextDays', 'isNull', 'isNotNull']);
  });

  it('carries vocabularies, units and bounds for the builder', () => {
    expect(field('tier')?.options?.map((option) => option.value)).toEqual([...TIER_CODES]);
    expect(field('tier')?.options?.[2]).toEqual({ value: 'gold', label: '金卡会员' });
    expect(field('monetary365Fen')?.unit).toBe('fen');
    expect(field('rfmR')).toMatchObject({ min: 1, max: 5 });
    expect(field('age')).toMatchObject({ min: 0, max: 150, nullable: true });
    expect(catalogue.eventTypes.map((event) => event.type)).toEqual([...EVENT_TYPES]);
    expect(catalogue.eventOperators.map((operator) => operator.op)).toEqual(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between']);
    expect(catalogue.limits.maxDepth).toBe(8);
  });

  it('maps every fact to a snake_case column and finds only own catalogue keys', () => {
    for (const column of Object.values(MEMBER_FACT_COLUMNS)) expect(column).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(segmentFieldDefinition('tier')?.source).toBe('tier');
    expect(segmentFieldDefinition('hasOwnProperty')).toBeUndefined();
  });
});
