import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { SEGMENT_DIMENSIONS, SEGMENT_KINDS, type SegmentDimension, type SegmentKind } from './codes';
import { createdAt, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { members } from './members';
import { jobRuns } from './ops';
import { staffAccounts } from './staff';

/** A saved audience: a JSON rule over member_facts (see shared/src/rules). Builtins have a stable code. */
export const segments = pgTable(
  'segments',
  {
    id: idPrimaryKey(),
    code: text('code').unique(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').$type<SegmentKind>().notNull().default('custom'),
    rule: jsonb('rule').$type<Record<string, unknown>>().notNull(),
    memberCount: integer('member_count'),
    refreshedAt: instant('refreshed_at'),
    createdBy: idRef('created_by').references(() => staffAccounts.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    archivedAt: instant('archived_at'),
  },
  (t) => [
    check('segments_kind_check', oneOf(t.kind, SEGMENT_KINDS)),
    check('segments_builtin_has_code_check', sql`${t.kind} <> 'builtin' or ${t.code} is not null`),
    check('segments_member_count_check', sql`${t.memberCount} >= 0`),
  ],
);

/** Materialised membership of each segment as of its last refresh; keyed by member first for co-location. */
export const segmentMemberships = pgTable(
  'segment_memberships',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    segmentId: idRef('segment_id')
      .notNull()
      .references(() => segments.id),
    since: instant('since').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.segmentId] }),
    index('segment_memberships_segment_idx').on(t.segmentId, t.memberId),
  ],
);

/**
 * One row each time a member's classification changes, written by the refresh that noticed it. Drives the
 * migration charts and the "entered a stage / segment" triggers. For dimension `segment` the values are
 * 'in' / 'out' and segment_id says which segment.
 */
export const segmentChanges = pgTable(
  'segment_changes',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    dimension: text('dimension').$type<SegmentDimension>().notNull(),
    segmentId: idRef('segment_id').references(() => segments.id),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    asOf: instant('as_of').notNull(),
    runId: idRef('run_id').references(() => jobRuns.id),
  },
  (t) => [
    index('segment_changes_dimension_as_of_idx').on(t.dimension, t.asOf),
    index('segment_changes_member_as_of_idx').on(t.memberId, t.asOf),
    check('segment_changes_dimension_check', oneOf(t.dimension, SEGMENT_DIMENSIONS)),
    check('segment_changes_segment_id_check', sql`(${t.dimension} = 'segment') = (${t.segmentId} is not null)`),
    check('segment_changes_changed_check', sql`${t.fromValue} is distinct from ${t.toValue}`),
  ],
);

/**
 * Members whose stored order aggregates may no longer match their orders: a statement trigger on orders adds (or
 * re-versions) a row whenever an insert, update or delete touches a paid order. A refresh from the orders
 * re-aggregates these members (and those whose windows lost an order) and removes the rows it read — only if
 * their version is unchanged, so a mark added meanwhile survives.
 */
export const memberAggregateChanges = pgTable('member_aggregate_changes', {
  memberId: idRef('member_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().generatedByDefaultAsIdentity(),
});

/**
 * The cut points and means of one nightly refresh. Scoring a single member between refreshes uses the stored
 * cut points, so the batch and the one-member paths agree (ntile() would split ties arbitrarily).
 * Each *_cuts array holds the four quintile boundaries in ascending order.
 */
export const segmentStats = pgTable(
  'segment_stats',
  {
    id: idPrimaryKey(),
    asOf: instant('as_of').notNull(),
    configVersion: integer('config_version'),
    windowDays: integer('window_days').notNull(),
    buyers: integer('buyers').notNull(),
    recencyCuts: doublePrecision('recency_cuts').array().notNull(),
    frequencyCuts: doublePrecision('frequency_cuts').array().notNull(),
    monetaryCuts: doublePrecision('monetary_cuts').array().notNull(),
    recencyMean: doublePrecision('recency_mean').notNull(),
    frequencyMean: doublePrecision('frequency_mean').notNull(),
    monetaryMean: doublePrecision('monetary_mean').notNull(),
    /** Value-layer boundaries in fen: [mid threshold, high threshold], as shared valueLayerCutPointsSql returns them. */
    valueLayerCuts: doublePrecision('value_layer_cuts').array().notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    unique('segment_stats_as_of_key').on(t.asOf),
    check('segment_stats_buyers_check', sql`${t.buyers} >= 0 and ${t.windowDays} > 0`),
    check(
      'segment_stats_cuts_check',
      sql`cardinality(${t.recencyCuts}) = 4 and cardinality(${t.frequencyCuts}) = 4 and cardinality(${t.monetaryCuts}) = 4 and cardinality(${t.valueLayerCuts}) = 2`,
    ),
    check('segment_stats_value_layer_order_check', sql`${t.valueLayerCuts}[1] <= ${t.valueLayerCuts}[2]`),
  ],
);

/** A fitted BG/NBD + Gamma-Gamma model; member_metrics.p_alive etc. come from the latest fit. */
export const clvFits = pgTable(
  'clv_fits',
  {
    id: idPrimaryKey(),
    fittedAt: instant('fitted_at').notNull(),
    /** The calibration end date of the training data. */
    asOf: instant('as_of').notNull(),
    customers: integer('customers').notNull(),
    params: jsonb('params').$type<Record<string, number>>().notNull(),
    diagnostics: jsonb('diagnostics').$type<Record<string, unknown>>().notNull().default({}),
    runId: idRef('run_id').references(() => jobRuns.id),
  },
  (t) => [index('clv_fits_fitted_at_idx').on(t.fittedAt), check('clv_fits_customers_check', sql`${t.customers} >= 0`)],
);
