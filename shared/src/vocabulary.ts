/**
 * The fixed names the whole product uses for tiers, stages and segments: codes in storage and APIs,
 * Chinese labels on screens.
 */
export const TIER_CODES = ['normal', 'silver', 'gold', 'diamond'] as const;
export type TierCode = (typeof TIER_CODES)[number];
export const TIER_LABELS: Record<TierCode, string> = {
  normal: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
  diamond: '钻石会员',
};

export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'silent', 'sleeping', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const LIFECYCLE_LABELS: Record<LifecycleStage, string> = {
  prospect: '潜在',
  new: '新客',
  active: '活跃',
  silent: '沉默',
  sleeping: '沉睡',
  churned: '流失',
};

export const BEHAVIOUR_STATES = ['active', 'potential', 'churned'] as const;
export type BehaviourState = (typeof BEHAVIOUR_STATES)[number];
export const BEHAVIOUR_LABELS: Record<BehaviourState, string> = { active: '活跃', potential: '潜在', churned: '流失' };

export const VALUE_LAYERS = ['high', 'mid', 'low'] as const;
export type ValueLayer = (typeof VALUE_LAYERS)[number];
export const VALUE_LAYER_LABELS: Record<ValueLayer, string> = { high: '高价值', mid: '中价值', low: '低价值' };

export const PRICE_BANDS = ['low', 'mid', 'high'] as const;
export type PriceBand = (typeof PRICE_BANDS)[number];

/** The eight classic RFM segments; R↑ means more recent than the base's mean. */
export const RFM_SEGMENTS = [
  'important_value',
  'important_develop',
  'important_retain',
  'important_winback',
  'general_value',
  'general_develop',
  'general_retain',
  'general_winback',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
export const RFM_SEGMENT_LABELS: Record<RfmSegment, string> = {
  important_value: '重要价值',
  important_develop: '重要发展',
  important_retain: '重要保持',
  important_winback: '重要挽留',
  general_value: '一般价值',
  general_develop: '一般发展',
  general_retain: '一般保持',
  general_winback: '一般挽留',
};

export const EVENT_TYPES = [
  'page_view',
  'product_view',
  'search',
  'category_view',
  'add_to_cart',
  'favorite',
  'share',
  'comment',
  'coupon_claim',
  'sign_in',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const GENDERS = ['male', 'female', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export const STAFF_ROLES = ['admin', 'operator', 'store_staff', 'sales_rep'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * What became of one campaign delivery. `unknown`: the message was handed to WeChat but its answer was never
 * recorded (the worker died mid-send); WeChat may have delivered it, and it offers no way to ask.
 */
export const DELIVERY_OUTCOMES = ['pending', 'deferred', 'sent', 'unknown', 'skipped', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];
export const DELIVERY_OUTCOME_LABELS: Record<DeliveryOutcome, string> = {
  pending: '待发送',
  deferred: '延后',
  sent: '已发送',
  unknown: '结果未知',
  skipped: '未发送',
  failed: '发送失败',
};
