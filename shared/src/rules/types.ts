import type {
  BehaviourState,
  EventType,
  Gender,
  LifecycleStage,
  PriceBand,
  RfmSegment,
  TierCode,
  ValueLayer,
} from '../vocabulary';

/**
 * Everything the rule language knows about one member: one row of the server's `member_facts` view.
 * Times are UTC instants; `birthday` is a calendar date; money is integer fen.
 */
export interface MemberFacts {
  memberId: number;
  gender: Gender;
  /** "YYYY-MM-DD" */
  birthday: string | null;
  region: string | null;
  storeId: number | null;
  sourceChannel: string | null;
  registeredAt: Date;
  hasPhone: boolean;
  tier: TierCode;
  growthValueFen: number;
  pointsBalance: number;
  recencyDays: number | null;
  frequency365: number;
  monetary365Fen: number;
  rfmR: number | null;
  rfmF: number | null;
  rfmM: number | null;
  rfmSegment: RfmSegment | null;
  valueLayer: ValueLayer | null;
  lifecycle: LifecycleStage;
  behaviour: BehaviourState | null;
  activityScore: number;
  topCategories: readonly string[];
  topBrands: readonly string[];
  priceBand: PriceBand | null;
  tags: readonly string[];
  pAlive: number | null;
  expectedPurchases90: number | null;
  expectedValue365Fen: number | null;
  lastOrderAt: Date | null;
  firstOrderAt: Date | null;
  ordersTotal: number;
  spendTotalFen: number;
}

export type MemberFactKey = keyof MemberFacts;

/** One tracked event of a member, as the evaluator needs it. */
export interface MemberEvent {
  type: string;
  occurredAt: Date;
}

/** The input of the JS evaluator: the facts plus the member's events when the rule counts events. */
export type SegmentMember = MemberFacts & { events?: readonly MemberEvent[] };

export type ComparisonOperator = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

export type SegmentOperator =
  | ComparisonOperator
  | 'between'
  | 'in'
  | 'notIn'
  | 'isNull'
  | 'isNotNull'
  | 'containsAny'
  | 'containsAll'
  | 'isEmpty'
  | 'is'
  | 'withinLastDays'
  | 'before'
  | 'after'
  | 'withinNextDays';

/**
 * A condition on one catalogue field. Which operators and values fit which field is checked by
 * `segmentRuleSchema`; the shapes below only tie each operator to the form of its value.
 */
export type FieldCondition =
  | { field: string; op: 'eq' | 'neq'; value: number | string }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { field: string; op: 'between'; value: readonly [number, number] }
  | { field: string; op: 'in' | 'notIn'; value: readonly (number | string)[] }
  | { field: string; op: 'isNull' | 'isNotNull' | 'isEmpty' }
  | { field: string; op: 'containsAny' | 'containsAll'; value: readonly string[] }
  | { field: string; op: 'is'; value: boolean }
  | { field: string; op: 'withinLastDays' | 'withinNextDays'; value: number }
  /** value: "YYYY-MM-DD" (start of that Shanghai day) or an ISO date-time with offset */
  | { field: string; op: 'before' | 'after'; value: string };

/**
 * A time window for counting events: the last N×24 h up to `now` (both ends inclusive), or
 * `from` (inclusive) to `to` (exclusive). A date-only `from` is the start of that Shanghai day;
 * a date-only `to` includes that whole Shanghai day.
 */
export type EventWindow = { lastDays: number } | { from: string; to: string };

export type EventCountCondition =
  | { event: EventType; window: EventWindow; op: ComparisonOperator; value: number }
  | { event: EventType; window: EventWindow; op: 'between'; value: readonly [number, number] };

export type SegmentCondition = FieldCondition | EventCountCondition;

/** A custom segment: a tree of all / any / not over conditions. `all: []` is everyone, `any: []` no one. */
export type SegmentRule =
  { all: readonly SegmentRule[] } | { any: readonly SegmentRule[] } | { not: SegmentRule } | SegmentCondition;
