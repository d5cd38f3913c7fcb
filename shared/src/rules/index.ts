export type {
  ComparisonOperator,
  EventCountCondition,
  EventWindow,
  FieldCondition,
  MemberEvent,
  MemberFactKey,
  MemberFacts,
  SegmentCondition,
  SegmentMember,
  SegmentOperator,
  SegmentRule,
} from './types';
export {
  MEMBER_FACT_COLUMNS,
  SEGMENT_FIELDS,
  SEGMENT_OPERATOR_LABELS,
  SEGMENT_RULE_BUDGET,
  SEGMENT_RULE_LIMITS,
  getSegmentRuleCatalogue,
  segmentFieldDefinition,
  segmentOperatorsFor,
} from './catalogue';
export type {
  SegmentFieldDefinition,
  SegmentFieldKind,
  SegmentFieldName,
  SegmentFieldOption,
  SegmentOperatorOption,
  SegmentRuleCatalogue,
} from './catalogue';
export { segmentRuleSchema, storedSegmentRuleSchema } from './schema';
export { eventWindowDays, segmentRuleBudgetIssues } from './budget';
export type { SegmentRuleBudgetIssue, SegmentRuleCost } from './budget';
export { evaluateSegmentRule, segmentRuleEventTypes } from './evaluate';
export { compileSegmentMemberIdsQuery, compileSegmentRuleToSql } from './compile-sql';
export type { CompiledSegmentSql, SegmentEventColumns, SegmentSqlOptions } from './compile-sql';
export { describeSegmentRule } from './describe';
