/**
 * Stored state and kind codes that only the server uses. Each list is also a CHECK constraint, so a
 * new code needs a migration. Product-wide names (tiers, lifecycle, RFM segments, event types, roles)
 * come from shared/src/vocabulary.ts instead.
 */

export const ORDER_CHANNELS = ['mini_program', 'pos'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export const ORDER_STATUSES = ['pending', 'paid', 'cancelled', 'expired', 'refunding', 'refunded', 'partially_refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses of an order that was paid at some point; RFM, tiers and the covering index use this set. */
export const PAID_ORDER_STATUSES = [
  'paid',
  'refunding',
  'refunded',
  'partially_refunded',
] as const satisfies readonly OrderStatus[];

export const PAYMENT_METHODS = ['wechat_pay', 'pos'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_STATUSES = ['prepared', 'succeeded', 'failed', 'closed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const REFUND_STATUSES = ['pending', 'processing', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const PRODUCT_STATUSES = ['draft', 'on_sale', 'off_sale'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** Ledger kinds that add points (each must carry points > 0). */
export const POINTS_CREDIT_KINDS = ['earn', 'sign_in', 'bonus', 'refund_return'] as const;
/** Ledger kinds that take points away (each must carry points < 0). */
export const POINTS_DEBIT_KINDS = ['spend', 'expire', 'clawback'] as const;
/** `adjust` is a manual correction by staff and may go either way. */
export const POINTS_ENTRY_KINDS = [...POINTS_CREDIT_KINDS, ...POINTS_DEBIT_KINDS, 'adjust'] as const;
export type PointsEntryKind = (typeof POINTS_ENTRY_KINDS)[number];

export const RULE_CONFIG_KINDS = [
  'tier',
  'points',
  'rfm',
  'lifecycle',
  'behaviour',
  'value_layer',
  'preference',
  'clv',
  'campaign_guards',
] as const;
export type RuleConfigKind = (typeof RULE_CONFIG_KINDS)[number];

export const TIER_CHANGE_REASONS = ['upgrade', 'review_keep', 'review_downgrade', 'manual', 'refund'] as const;
export type TierChangeReason = (typeof TIER_CHANGE_REASONS)[number];

export const SEGMENT_KINDS = ['builtin', 'custom'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/** What a segment_changes row tracks; `segment` means entering or leaving a custom segment. */
export const SEGMENT_DIMENSIONS = ['tier', 'rfm_segment', 'lifecycle', 'value_layer', 'behaviour', 'segment'] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];

export const COUPON_TYPES = ['amount_off', 'percent_off', 'no_threshold', 'free_shipping'] as const;
export type CouponType = (typeof COUPON_TYPES)[number];

export const COUPON_VALIDITY_KINDS = ['fixed', 'days_after_issue'] as const;
export type CouponValidityKind = (typeof COUPON_VALIDITY_KINDS)[number];

export const COUPON_TEMPLATE_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export type CouponTemplateStatus = (typeof COUPON_TEMPLATE_STATUSES)[number];

export const COUPON_STATUSES = ['available', 'locked', 'used', 'expired', 'revoked'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

export const COUPON_SOURCES = ['campaign', 'claim', 'tier_benefit', 'points', 'manual'] as const;
export type CouponSource = (typeof COUPON_SOURCES)[number];

export const CAMPAIGN_KINDS = ['broadcast', 'recurring', 'triggered', 'journey'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'finished'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Status of a campaign run or a job run. */
export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const ENROLLMENT_EXIT_REASONS = ['completed', 'converted', 'ineligible', 'do_not_contact', 'campaign_ended'] as const;
export type EnrollmentExitReason = (typeof ENROLLMENT_EXIT_REASONS)[number];

export const DELIVERY_CHANNELS = ['subscribe_message', 'coupon', 'followup_task', 'points', 'tag'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/**
 * `unknown`: a message handed to WeChat whose answer was never recorded (its worker died mid-send). It may have
 * reached the member, so it is never sent again and its consent credit counts as used.
 */
export const DELIVERY_STATUSES = ['pending', 'deferred', 'sent', 'unknown', 'skipped', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const SUBSCRIPTION_RESULTS = ['accept', 'reject', 'ban'] as const;
export type SubscriptionResult = (typeof SUBSCRIPTION_RESULTS)[number];

export const FOLLOWUP_STATUSES = ['open', 'contacted', 'no_answer', 'converted', 'do_not_contact'] as const;
export type FollowupStatus = (typeof FOLLOWUP_STATUSES)[number];

export const REP_ASSIGNMENT_REASONS = ['initial', 'balance', 'handover', 'manual'] as const;
export type RepAssignmentReason = (typeof REP_ASSIGNMENT_REASONS)[number];

/** Facts that may start a triggered campaign, enqueued in member_triggers. */
export const MEMBER_TRIGGER_KINDS = ['first_purchase', 'tier_up', 'tier_down', 'points_expiring'] as const;
export type MemberTriggerKind = (typeof MEMBER_TRIGGER_KINDS)[number];
