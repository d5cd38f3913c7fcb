import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import {
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUSES,
  DELIVERY_CHANNELS,
  DELIVERY_STATUSES,
  ENROLLMENT_EXIT_REASONS,
  RUN_STATUSES,
  type CampaignKind,
  type CampaignStatus,
  type DeliveryChannel,
  type DeliveryStatus,
  type EnrollmentExitReason,
  type RunStatus,
} from './codes';
import { createdAt, fen, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { members } from './members';
import { orders } from './orders';
import { segments } from './segments';
import { staffAccounts } from './staff';

export const campaigns = pgTable(
  'campaigns',
  {
    id: idPrimaryKey(),
    /** Stable code of a built-in campaign such as the sleeping-customer wake-up journey. */
    builtinCode: text('builtin_code').unique(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').$type<CampaignKind>().notNull(),
    status: text('status').$type<CampaignStatus>().notNull().default('draft'),
    segmentId: idRef('segment_id').references(() => segments.id),
    /** An inline audience rule, used when no saved segment is referenced. */
    audience: jsonb('audience').$type<Record<string, unknown>>(),
    trigger: jsonb('trigger').$type<Record<string, unknown>>(),
    cron: text('cron'),
    holdoutRatioBp: integer('holdout_ratio_bp').notNull().default(1000),
    attributionDays: integer('attribution_days').notNull().default(7),
    budgetFen: fen('budget_fen'),
    /** Leave out members any campaign contacted within this many days (0 = no such rule). */
    excludeContactedDays: integer('exclude_contacted_days').notNull().default(0),
    /** Face value of coupons issued so far, charged against the budget in the issuing transaction. */
    committedFen: fen('committed_fen').notNull().default(0),
    startsAt: instant('starts_at'),
    endsAt: instant('ends_at'),
    createdBy: idRef('created_by').references(() => staffAccounts.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('campaigns_status_kind_idx').on(t.status, t.kind),
    check('campaigns_kind_check', oneOf(t.kind, CAMPAIGN_KINDS)),
    check('campaigns_status_check', oneOf(t.status, CAMPAIGN_STATUSES)),
    check('campaigns_holdout_check', sql`${t.holdoutRatioBp} between 0 and 10000`),
    check('campaigns_attribution_check', sql`${t.attributionDays} > 0`),
    check('campaigns_exclude_contacted_check', sql`${t.excludeContactedDays} >= 0`),
    check('campaigns_budget_check', sql`${t.committedFen} >= 0 and ${t.committedFen} <= ${t.budgetFen}`),
    check('campaigns_window_check', sql`${t.endsAt} > ${t.startsAt}`),
    check('campaigns_recurring_has_cron_check', sql`${t.kind} <> 'recurring' or ${t.cron} is not null`),
    check('campaigns_triggered_has_trigger_check', sql`${t.kind} <> 'triggered' or ${t.trigger} is not null`),
  ],
);

/**
 * The ordered steps of a campaign. A broadcast has one; a journey waits `wait_days` after the previous step
 * and may branch (e.g. exit when the member bought since enrolling).
 */
export const campaignSteps = pgTable(
  'campaign_steps',
  {
    id: idPrimaryKey(),
    campaignId: idRef('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    position: integer('position').notNull(),
    action: jsonb('action').$type<Record<string, unknown>>().notNull(),
    waitDays: integer('wait_days').notNull().default(0),
    branch: jsonb('branch').$type<Record<string, unknown>>(),
  },
  (t) => [
    unique('campaign_steps_position_key').on(t.campaignId, t.position),
    check('campaign_steps_position_check', sql`${t.position} >= 0 and ${t.waitDays} >= 0`),
  ],
);

/** One row per scheduled firing (period_key e.g. `2025-03-01` for a daily run), claimed exactly once. */
export const campaignRuns = pgTable(
  'campaign_runs',
  {
    id: idPrimaryKey(),
    campaignId: idRef('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    periodKey: text('period_key').notNull(),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    audienceSize: integer('audience_size'),
    progress: jsonb('progress').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
    startedAt: instant('started_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
  },
  (t) => [
    unique('campaign_runs_period_key').on(t.campaignId, t.periodKey),
    check('campaign_runs_status_check', oneOf(t.status, RUN_STATUSES)),
  ],
);

/** A member's passage through a journey. entry_key allows re-entry (e.g. one per sleeping spell). */
export const campaignEnrollments = pgTable(
  'campaign_enrollments',
  {
    id: idPrimaryKey(),
    campaignId: idRef('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    entryKey: text('entry_key').notNull(),
    holdout: boolean('holdout').notNull().default(false),
    enteredAt: instant('entered_at').notNull().defaultNow(),
    currentStep: integer('current_step').notNull().default(0),
    /** When the next step is due; null once the member has left the journey. */
    nextStepAt: instant('next_step_at'),
    exitedAt: instant('exited_at'),
    exitReason: text('exit_reason').$type<EnrollmentExitReason>(),
    convertedOrderId: idRef('converted_order_id').references(() => orders.id),
  },
  (t) => [
    unique('campaign_enrollments_entry_key').on(t.memberId, t.campaignId, t.entryKey),
    index('campaign_enrollments_due_idx')
      .on(t.campaignId, t.nextStepAt)
      .where(sql`${t.exitedAt} is null`),
    check('campaign_enrollments_exit_check', sql`(${t.exitedAt} is null) = (${t.exitReason} is null)`),
    check(
      'campaign_enrollments_exit_reason_check',
      sql`${t.exitReason} is null or ${oneOf(t.exitReason, ENROLLMENT_EXIT_REASONS)}`,
    ),
    check('campaign_enrollments_current_step_check', sql`${t.currentStep} >= 0`),
  ],
);

/**
 * The outbox. A delivery is decided in the transaction that decides to contact the member and carried out
 * after commit by the worker (FOR UPDATE SKIP LOCKED over due pending/deferred rows). UNIQUE (member_id,
 * step_id, occurrence_key) means the same step never reaches the same member twice for one occurrence, even
 * with two servers or a crash between decide and send. Holdout members get a row too (status skipped,
 * holdout true) so results can compare against them.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: idPrimaryKey(),
    campaignId: idRef('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    stepId: idRef('step_id')
      .notNull()
      .references(() => campaignSteps.id),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    runId: idRef('run_id').references(() => campaignRuns.id),
    enrollmentId: idRef('enrollment_id').references(() => campaignEnrollments.id),
    occurrenceKey: text('occurrence_key').notNull(),
    channel: text('channel').$type<DeliveryChannel>().notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    holdout: boolean('holdout').notNull().default(false),
    /** Quiet hours and frequency caps defer a delivery by moving this forward. */
    notBefore: instant('not_before').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    skipReason: text('skip_reason'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('deliveries_once_key').on(t.memberId, t.stepId, t.occurrenceKey),
    index('deliveries_due_idx')
      .on(t.notBefore)
      .where(sql`${t.status} in ('pending', 'deferred')`),
    index('deliveries_member_sent_idx')
      .on(t.memberId, t.sentAt)
      .where(sql`${t.sentAt} is not null`),
    index('deliveries_campaign_status_idx').on(t.campaignId, t.status),
    check('deliveries_channel_check', oneOf(t.channel, DELIVERY_CHANNELS)),
    check('deliveries_status_check', oneOf(t.status, DELIVERY_STATUSES)),
    check('deliveries_attempts_check', sql`${t.attempts} >= 0`),
    // An unknown outcome keeps the instant the message was handed to WeChat: frequency caps count it as a send.
    check('deliveries_sent_has_time_check', sql`(${t.status} in ('sent', 'unknown')) = (${t.sentAt} is not null)`),
    check('deliveries_skipped_has_reason_check', sql`${t.status} <> 'skipped' or ${t.skipReason} is not null`),
    check('deliveries_holdout_not_sent_check', sql`not (${t.holdout} and ${t.status} in ('sent', 'unknown'))`),
  ],
);
