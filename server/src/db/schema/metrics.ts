import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  pgView,
  primaryKey,
  smallint,
  text,
} from 'drizzle-orm/pg-core';
import {
  BEHAVIOUR_STATES,
  EVENT_TYPES,
  LIFECYCLE_STAGES,
  PRICE_BANDS,
  RFM_SEGMENTS,
  VALUE_LAYERS,
  type BehaviourState,
  type EventType,
  type Gender,
  type LifecycleStage,
  type PriceBand,
  type RfmSegment,
  type TierCode,
  type ValueLayer,
} from '@member-ops/shared';
import { fen, idRef, instant, nullOrOneOf, oneOf, updatedAt } from './columns';
import { members } from './members';

const emptyTextArray = sql`'{}'::text[]`;

/**
 * Per-member aggregates and derived classifications. Purchases update the aggregates incrementally in the
 * payment transaction; the nightly refresh recomputes the windowed ones and the classifications set-based.
 * `points_balance` is maintained by a trigger on points_ledger and refuses any other write (0001 migration),
 * so it always equals the sum of the member's ledger entries.
 */
export const memberMetrics = pgTable(
  'member_metrics',
  {
    memberId: idRef('member_id')
      .primaryKey()
      .references(() => members.id),
    pointsBalance: integer('points_balance').notNull().default(0),
    /** Tier growth value: paid spend minus refunds over the trailing 365 days. */
    growthValueFen: fen('growth_value_fen').notNull().default(0),
    frequency365: integer('frequency_365').notNull().default(0),
    monetary365Fen: fen('monetary_365_fen').notNull().default(0),
    ordersTotal: integer('orders_total').notNull().default(0),
    spendTotalFen: fen('spend_total_fen').notNull().default(0),
    firstOrderAt: instant('first_order_at'),
    lastOrderAt: instant('last_order_at'),
    /** Mean days between paid orders, for the personal-cadence lifecycle; null below two orders. */
    meanGapDays: doublePrecision('mean_gap_days'),
    /** R of RFM: whole 24 h periods from the last counted order to `segments_as_of`; null for a non-buyer. */
    recencyDays: integer('recency_days'),
    rfmR: smallint('rfm_r'),
    rfmF: smallint('rfm_f'),
    rfmM: smallint('rfm_m'),
    rfmSegment: text('rfm_segment').$type<RfmSegment>(),
    valueLayer: text('value_layer').$type<ValueLayer>(),
    lifecycle: text('lifecycle').$type<LifecycleStage>().notNull().default('prospect'),
    behaviour: text('behaviour').$type<BehaviourState>(),
    /** Time-decayed score as of `activity_score_at`; decay it forward from there before comparing. */
    activityScore: doublePrecision('activity_score').notNull().default(0),
    activityScoreAt: instant('activity_score_at'),
    topCategories: text('top_categories').array().notNull().default(emptyTextArray),
    topBrands: text('top_brands').array().notNull().default(emptyTextArray),
    priceBand: text('price_band').$type<PriceBand>(),
    pAlive: doublePrecision('p_alive'),
    expectedPurchases90: doublePrecision('expected_purchases_90'),
    expectedPurchases365: doublePrecision('expected_purchases_365'),
    expectedValue365Fen: fen('expected_value_365_fen'),
    /** When rfm_*, value_layer, lifecycle and behaviour were last classified. */
    segmentsAsOf: instant('segments_as_of'),
    clvAsOf: instant('clv_as_of'),
    /** Last campaign contact actually sent, for "not contacted in N days" audiences and frequency caps. */
    lastContactedAt: instant('last_contacted_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    /** Lifecycle and F with the member id, so audiences on them are index-only scans. */
    index('member_metrics_lifecycle_idx').on(t.lifecycle, t.frequency365, t.memberId),
    index('member_metrics_rfm_segment_idx').on(t.rfmSegment),
    index('member_metrics_value_layer_idx').on(t.valueLayer),
    index('member_metrics_behaviour_idx').on(t.behaviour),
    index('member_metrics_last_order_at_idx').on(t.lastOrderAt),
    check(
      'member_metrics_amounts_check',
      sql`${t.growthValueFen} >= 0 and ${t.monetary365Fen} >= 0 and ${t.spendTotalFen} >= 0 and ${t.frequency365} >= 0 and ${t.ordersTotal} >= 0`,
    ),
    check('member_metrics_orders_window_check', sql`${t.frequency365} <= ${t.ordersTotal}`),
    check(
      'member_metrics_rfm_scores_check',
      sql`${t.rfmR} between 1 and 5 and ${t.rfmF} between 1 and 5 and ${t.rfmM} between 1 and 5`,
    ),
    check('member_metrics_rfm_segment_check', nullOrOneOf(t.rfmSegment, RFM_SEGMENTS)),
    check('member_metrics_value_layer_check', nullOrOneOf(t.valueLayer, VALUE_LAYERS)),
    check('member_metrics_lifecycle_check', oneOf(t.lifecycle, LIFECYCLE_STAGES)),
    check('member_metrics_behaviour_check', nullOrOneOf(t.behaviour, BEHAVIOUR_STATES)),
    check('member_metrics_price_band_check', nullOrOneOf(t.priceBand, PRICE_BANDS)),
    check('member_metrics_activity_score_check', sql`${t.activityScore} >= 0`),
    check('member_metrics_recency_days_check', sql`${t.recencyDays} >= 0`),
    check('member_metrics_p_alive_check', sql`${t.pAlive} between 0 and 1`),
    check(
      'member_metrics_predictions_check',
      sql`${t.expectedPurchases90} >= 0 and ${t.expectedPurchases365} >= 0 and ${t.expectedValue365Fen} >= 0`,
    ),
    check('member_metrics_order_times_check', sql`${t.firstOrderAt} <= ${t.lastOrderAt}`),
  ],
);

/**
 * Per member, the unrounded decayed preference scores behind top_categories, top_brands and price_band, as of
 * `scores_at` (decay them forward from there, as the activity score): category and brand codes with their scores,
 * in parallel arrays sorted by code, and the price bands' scores in PRICE_BANDS order. A rebuild from history
 * writes them; a paid order or a full refund adds or takes away its lines, so the one-member update never
 * re-reads the member's history.
 */
export const memberPreferences = pgTable(
  'member_preferences',
  {
    memberId: idRef('member_id')
      .primaryKey()
      .references(() => members.id),
    scoresAt: instant('scores_at').notNull(),
    categoryCodes: text('category_codes').array().notNull().default(emptyTextArray),
    categoryScores: doublePrecision('category_scores')
      .array()
      .notNull()
      .default(sql`'{}'::float8[]`),
    brandCodes: text('brand_codes').array().notNull().default(emptyTextArray),
    brandScores: doublePrecision('brand_scores')
      .array()
      .notNull()
      .default(sql`'{}'::float8[]`),
    bandScores: doublePrecision('band_scores')
      .array()
      .notNull()
      .default(sql`'{0,0,0}'::float8[]`),
  },
  (t) => [
    check(
      'member_preferences_arrays_check',
      sql`cardinality(${t.categoryCodes}) = cardinality(${t.categoryScores}) and cardinality(${t.brandCodes}) = cardinality(${t.brandScores}) and cardinality(${t.bandScores}) = ${sql.raw(String(PRICE_BANDS.length))}`,
    ),
  ],
);

/** Per member and event type: counts and last time, updated in the same transaction as the events. */
export const memberActivity = pgTable(
  'member_activity',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    eventType: text('event_type').$type<EventType>().notNull(),
    eventCount: integer('event_count').notNull().default(0),
    dwellMsTotal: bigint('dwell_ms_total', { mode: 'number' }).notNull().default(0),
    firstAt: instant('first_at').notNull(),
    lastAt: instant('last_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.eventType] }),
    check('member_activity_event_type_check', oneOf(t.eventType, EVENT_TYPES)),
    check('member_activity_counts_check', sql`${t.eventCount} >= 0 and ${t.dwellMsTotal} >= 0`),
    check('member_activity_times_check', sql`${t.firstAt} <= ${t.lastAt}`),
  ],
);

/**
 * The one read model for audiences, segment rules and the member 360 page: a member's profile joined with
 * their metrics. Created by raw SQL in the 0001 migration (drizzle-kit does not manage it: `.existing()`).
 * recency_days is the value stored by the last segment refresh (whole 24 h periods as of its as-of time, the
 * shared RFM definition), so audiences and RFM scores agree; the 0004 migration replaced a now()-based one.
 */
export const memberFacts = pgView('member_facts', {
  memberId: bigint('member_id', { mode: 'number' }).notNull(),
  gender: text('gender').$type<Gender>().notNull(),
  birthday: date('birthday', { mode: 'string' }),
  region: text('region'),
  storeId: bigint('store_id', { mode: 'number' }),
  sourceChannel: text('source_channel'),
  registeredAt: instant('registered_at').notNull(),
  hasPhone: boolean('has_phone').notNull(),
  tier: text('tier').$type<TierCode>().notNull(),
  growthValueFen: fen('growth_value_fen').notNull(),
  pointsBalance: integer('points_balance').notNull(),
  recencyDays: integer('recency_days'),
  frequency365: integer('frequency_365').notNull(),
  monetary365Fen: fen('monetary_365_fen').notNull(),
  rfmR: smallint('rfm_r'),
  rfmF: smallint('rfm_f'),
  rfmM: smallint('rfm_m'),
  rfmSegment: text('rfm_segment').$type<RfmSegment>(),
  valueLayer: text('value_layer').$type<ValueLayer>(),
  lifecycle: text('lifecycle').$type<LifecycleStage>().notNull(),
  behaviour: text('behaviour').$type<BehaviourState>(),
  activityScore: doublePrecision('activity_score').notNull(),
  topCategories: text('top_categories').array().notNull(),
  topBrands: text('top_brands').array().notNull(),
  priceBand: text('price_band').$type<PriceBand>(),
  tags: text('tags').array().notNull(),
  pAlive: doublePrecision('p_alive'),
  expectedPurchases90: doublePrecision('expected_purchases_90'),
  expectedValue365Fen: fen('expected_value_365_fen'),
  lastOrderAt: instant('last_order_at'),
  firstOrderAt: instant('first_order_at'),
  ordersTotal: integer('orders_total').notNull(),
  spendTotalFen: fen('spend_total_fen').notNull(),
}).existing();
