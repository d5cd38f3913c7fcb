import {
  BEHAVIOUR_LABELS,
  BEHAVIOUR_STATES,
  EVENT_TYPES,
  GENDERS,
  LIFECYCLE_LABELS,
  LIFECYCLE_STAGES,
  PRICE_BANDS,
  RFM_SEGMENT_LABELS,
  RFM_SEGMENTS,
  TIER_CODES,
  TIER_LABELS,
  VALUE_LAYER_LABELS,
  VALUE_LAYERS,
} from '../vocabulary';
import type { EventType, Gender, PriceBand } from '../vocabulary';
import type { ComparisonOperator, MemberFactKey, SegmentOperator } from './types';

/**
 * How a field is compared. `age`, `birthdayMonth` and `birthday` are derived from the member's birthday
 * on the Shanghai calendar day of `now`.
 */
export type SegmentFieldKind =
  'integer' | 'decimal' | 'enum' | 'text' | 'boolean' | 'timestamp' | 'textArray' | 'age' | 'birthdayMonth' | 'birthday';

export interface SegmentFieldDefinition {
  label: string;
  kind: SegmentFieldKind;
  /** The member fact the field reads. */
  source: MemberFactKey;
  nullable: boolean;
  /** For `enum` fields: the allowed codes and their labels. */
  options?: Readonly<Record<string, string>>;
  /** `fen`: values are integer fen, shown as yuan. */
  unit?: 'fen';
  min?: number;
  max?: number;
}

/** The default column of each fact in the `member_facts` view. */
export const MEMBER_FACT_COLUMNS: Readonly<Record<MemberFactKey, string>> = {
  memberId: 'member_id',
  gender: 'gender',
  birthday: 'birthday',
  region: 'region',
  storeId: 'store_id',
  sourceChannel: 'source_channel',
  registeredAt: 'registered_at',
  hasPhone: 'has_phone',
  tier: 'tier',
  growthValueFen: 'growth_value_fen',
  pointsBalance: 'points_balance',
  recencyDays: 'recency_days',
  frequency365: 'frequency_365',
  monetary365Fen: 'monetary_365_fen',
  rfmR: 'rfm_r',
  rfmF: 'rfm_f',
  rfmM: 'rfm_m',
  rfmSegment: 'rfm_segment',
  valueLayer: 'value_layer',
  lifecycle: 'lifecycle',
  behaviour: 'behaviour',
  activityScore: 'activity_score',
  topCategories: 'top_categories',
  topBrands: 'top_brands',
  priceBand: 'price_band',
  tags: 'tags',
  pAlive: 'p_alive',
  expectedPurchases90: 'expected_purchases_90',
  expectedValue365Fen: 'expected_value_365_fen',
  lastOrderAt: 'last_order_at',
  firstOrderAt: 'first_order_at',
  ordersTotal: 'orders_total',
  spendTotalFen: 'spend_total_fen',
};

export const GENDER_LABELS: Readonly<Record<Gender, string>> = { male: '男', female: '女', unknown: '未知' };
export const PRICE_BAND_LABELS: Readonly<Record<PriceBand, string>> = { low: '低价位', mid: '中价位', high: '高价位' };
export const EVENT_TYPE_LABELS: Readonly<Record<EventType, string>> = {
  page_view: '浏览页面',
  product_view: '浏览商品',
  search: '搜索',
  category_view: '浏览类目',
  add_to_cart: '加购',
  favorite: '收藏',
  share: '分享',
  comment: '评论',
  coupon_claim: '领券',
  sign_in: '签到',
};

function labelled<T extends string>(codes: readonly T[], labels: Readonly<Record<T, string>>): Record<string, string> {
  return Object.fromEntries(codes.map((code) => [code, labels[code]]));
}

const int = (label: string, source: MemberFactKey, nullable: boolean, extra: Partial<SegmentFieldDefinition> = {}) =>
  ({ label, kind: 'integer', source, nullable, ...extra }) satisfies SegmentFieldDefinition;
const fen = (label: string, source: MemberFactKey, nullable: boolean) => int(label, source, nullable, { unit: 'fen' });
const rfmScore = (label: string, source: MemberFactKey) => int(label, source, true, { min: 1, max: 5 });

/** Every field a rule may name. The keys are the only identifiers that ever reach SQL. */
export const SEGMENT_FIELDS = {
  gender: { label: '性别', kind: 'enum', source: 'gender', nullable: false, options: labelled(GENDERS, GENDER_LABELS) },
  age: { label: '年龄', kind: 'age', source: 'birthday', nullable: true, min: 0, max: 150 },
  birthdayMonth: { label: '生日月份', kind: 'birthdayMonth', source: 'birthday', nullable: true, min: 1, max: 12 },
  birthday: { label: '生日', kind: 'birthday', source: 'birthday', nullable: true },
  region: { label: '地区', kind: 'text', source: 'region', nullable: true },
  storeId: int('注册门店', 'storeId', true),
  sourceChannel: { label: '来源渠道', kind: 'text', source: 'sourceChannel', nullable: true },
  registeredAt: { label: '注册时间', kind: 'timestamp', source: 'registeredAt', nullable: false },
  hasPhone: { label: '已绑定手机号', kind: 'boolean', source: 'hasPhone', nullable: false },
  tier: {
    label: '会员等级',
    kind: 'enum',
    source: 'tier',
    nullable: false,
    options: labelled(TIER_CODES, TIER_LABELS),
  },
  growthValueFen: fen('成长值', 'growthValueFen', false),
  pointsBalance: int('积分余额', 'pointsBalance', false),
  recencyDays: int('距上次购买天数', 'recencyDays', true),
  frequency365: int('近365天购买次数', 'frequency365', false),
  monetary365Fen: fen('近365天消费金额', 'monetary365Fen', false),
  rfmR: rfmScore('R分（近度）', 'rfmR'),
  rfmF: rfmScore('F分（频次）', 'rfmF'),
  rfmM: rfmScore('M分（金额）', 'rfmM'),
  rfmSegment: {
    label: 'RFM分群',
    kind: 'enum',
    source: 'rfmSegment',
    nullable: true,
    options: labelled(RFM_SEGMENTS, RFM_SEGMENT_LABELS),
  },
  valueLayer: {
    label: '价值分层',
    kind: 'enum',
    source: 'valueLayer',
    nullable: true,
    options: labelled(VALUE_LAYERS, VALUE_LAYER_LABELS),
  },
  lifecycle: {
    label: '生命周期',
    kind: 'enum',
    source: 'lifecycle',
    nullable: false,
    options: labelled(LIFECYCLE_STAGES, LIFECYCLE_LABELS),
  },
  behaviour: {
    label: '行为状态',
    kind: 'enum',
    source: 'behaviour',
    nullable: true,
    options: labelled(BEHAVIOUR_STATES, BEHAVIOUR_LABELS),
  },
  activityScore: { label: '活跃度得分', kind: 'decimal', source: 'activityScore', nullable: false },
  topCategories: { label: '偏好类目', kind: 'textArray', source: 'topCategories', nullable: false },
  topBrands: { label: '偏好品牌', kind: 'textArray', source: 'topBrands', nullable: false },
  priceBand: {
    label: '价格带',
    kind: 'enum',
    source: 'priceBand',
    nullable: true,
    options: labelled(PRICE_BANDS, PRICE_BAND_LABELS),
  },
  tags: { label: '标签', kind: 'textArray', source: 'tags', nullable: false },
  pAlive: { label: '存活概率', kind: 'decimal', source: 'pAlive', nullable: true },
  expectedPurchases90: { label: '预计90天购买次数', kind: 'decimal', source: 'expectedPurchases90', nullable: true },
  expectedValue365Fen: fen('预计365天消费金额', 'expectedValue365Fen', true),
  lastOrderAt: { label: '最近下单时间', kind: 'timestamp', source: 'lastOrderAt', nullable: true },
  firstOrderAt: { label: '首次下单时间', kind: 'timestamp', source: 'firstOrderAt', nullable: true },
  ordersTotal: int('累计订单数', 'ordersTotal', false),
  spendTotalFen: fen('累计消费金额', 'spendTotalFen', false),
} as const satisfies Record<string, SegmentFieldDefinition>;

export type SegmentFieldName = keyof typeof SEGMENT_FIELDS;

/** The definition of a field, or `undefined` for names outside the catalogue (inherited keys included). */
export function segmentFieldDefinition(field: string): SegmentFieldDefinition | undefined {
  return Object.hasOwn(SEGMENT_FIELDS, field) ? SEGMENT_FIELDS[field as SegmentFieldName] : undefined;
}

/** The definition of a field a rule names; rules that skipped validation fail here. */
export function fieldDefinitionOrThrow(field: string): SegmentFieldDefinition {
  const definition = segmentFieldDefinition(field);
  if (!definition) throw new Error(`unknown segment field "${field}"; validate rules with segmentRuleSchema`);
  return definition;
}

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
const NUMBER_OPERATORS: readonly SegmentOperator[] = [...COMPARISON_OPERATORS, 'between', 'in', 'notIn'];
const OPERATORS_BY_KIND: Readonly<Record<SegmentFieldKind, readonly SegmentOperator[]>> = {
  integer: NUMBER_OPERATORS,
  decimal: NUMBER_OPERATORS,
  age: NUMBER_OPERATORS,
  birthdayMonth: NUMBER_OPERATORS,
  enum: ['eq', 'neq', 'in', 'notIn'],
  text: ['eq', 'neq', 'in', 'notIn'],
  boolean: ['is'],
  timestamp: ['withinLastDays', 'before', 'after'],
  textArray: ['containsAny', 'containsAll', 'isEmpty'],
  birthday: ['withinNextDays'],
};

/** The operators a field accepts; nullable fields add isNull / isNotNull. */
export function segmentOperatorsFor(definition: SegmentFieldDefinition): readonly SegmentOperator[] {
  const operators = OPERATORS_BY_KIND[definition.kind];
  return definition.nullable ? [...operators, 'isNull', 'isNotNull'] : operators;
}

export const SEGMENT_OPERATOR_LABELS: Readonly<Record<SegmentOperator, string>> = {
  eq: '等于',
  neq: '不等于',
  gt: '大于',
  gte: '大于等于',
  lt: '小于',
  lte: '小于等于',
  between: '介于',
  in: '属于',
  notIn: '不属于',
  isNull: '为空',
  isNotNull: '不为空',
  containsAny: '包含任一',
  containsAll: '包含全部',
  isEmpty: '为空',
  is: '是',
  withinLastDays: '在最近N天内',
  before: '早于',
  after: '晚于',
  withinNextDays: '在未来N天内',
};

/** Bounds that keep a rule cheap to validate, evaluate and run. */
export const SEGMENT_RULE_LIMITS = {
  /** Nesting levels; a single condition is level 1. */
  maxDepth: 8,
  maxConditions: 100,
  /** Conditions plus groups, so a rule cannot be padded with empty groups. */
  maxNodes: 200,
  maxListValues: 100,
  maxTextLength: 100,
  maxWindowDays: 3660,
} as const;

/**
 * The cost budget of a rule, beyond its size: what makes the compiled SQL slow on a large member base.
 * A rule over it is refused (400 naming the part); a rule within it that still runs long is cut by the
 * server's preview statement timeout. 100 event conditions over 3,660 days each (366,000 event-days) took 61 s
 * on 5,000 members; the budget allows 1 % of that.
 */
export const SEGMENT_RULE_BUDGET = {
  /** Event-count conditions (each counts events for every member). */
  maxEventConditions: 10,
  /** Days of event history all event-count conditions scan together, e.g. 10 × 366 or 1 × 3,660. */
  maxEventWindowDays: 3660,
  /** Values in all in / notIn / containsAny / containsAll lists together. */
  maxListValuesTotal: 1000,
} as const;

export interface SegmentOperatorOption {
  op: SegmentOperator;
  label: string;
}

export interface SegmentFieldOption {
  field: SegmentFieldName;
  label: string;
  kind: SegmentFieldKind;
  nullable: boolean;
  unit?: 'fen';
  min?: number;
  max?: number;
  operators: SegmentOperatorOption[];
  /** For enum fields: the codes a value may take. */
  options?: { value: string; label: string }[];
}

export interface SegmentRuleCatalogue {
  fields: SegmentFieldOption[];
  eventTypes: { type: EventType; label: string }[];
  eventOperators: SegmentOperatorOption[];
  limits: typeof SEGMENT_RULE_LIMITS;
  budget: typeof SEGMENT_RULE_BUDGET;
}

const operatorOptions = (ops: readonly SegmentOperator[]): SegmentOperatorOption[] =>
  ops.map((op) => ({ op, label: SEGMENT_OPERATOR_LABELS[op] }));

/**
 * What a rule builder needs to render: fields with Chinese labels and their operators, event types, limits.
 * @example
 * const { fields } = getSegmentRuleCatalogue();
 * fields.find((f) => f.field === 'tier')?.operators.map((o) => o.op); // ['eq', 'neq', 'in', 'notIn']
 */
export function getSegmentRuleCatalogue(): SegmentRuleCatalogue {
  const fields = Object.entries(SEGMENT_FIELDS).map(([name, definition]): SegmentFieldOption => {
    const def: SegmentFieldDefinition = definition;
    return {
      field: name as SegmentFieldName,
      label: def.label,
      kind: def.kind,
      nullable: def.nullable,
      ...(def.unit ? { unit: def.unit } : {}),
      ...(def.min === undefined ? {} : { min: def.min }),
      ...(def.max === undefined ? {} : { max: def.max }),
      operators: operatorOptions(segmentOperatorsFor(def)),
      ...(def.options ? { options: Object.entries(def.options).map(([value, label]) => ({ value, label })) } : {}),
    };
  });
  return {
    fields,
    eventTypes: EVENT_TYPES.map((type) => ({ type, label: EVENT_TYPE_LABELS[type] })),
    eventOperators: operatorOptions([...COMPARISON_OPERATORS, 'between']),
    limits: SEGMENT_RULE_LIMITS,
    budget: SEGMENT_RULE_BUDGET,
  };
}
