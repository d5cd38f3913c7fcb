import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { RUN_STATUSES, type RunStatus } from './codes';
import { idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { members } from './members';
import { staffAccounts } from './staff';

/**
 * Who did what, append-only (UPDATE and DELETE are refused by a trigger in the 0001 migration). Every export
 * and every full-phone view writes a row. `detail` must never hold a phone number, token or key.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: idPrimaryKey(),
    actorStaffId: idRef('actor_staff_id').references(() => staffAccounts.id),
    actorMemberId: idRef('actor_member_id').references(() => members.id),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    requestId: text('request_id'),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_staff_at_idx').on(t.actorStaffId, t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
  ],
);

/**
 * Every run of a scheduled job is claimed by inserting (job_name, period_key); the unique key makes the
 * second server's insert fail, so a job never runs twice for one period. A crashed run is recognised by a
 * stale heartbeat_at and may be taken over by an UPDATE that checks the old heartbeat.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: idPrimaryKey(),
    jobName: text('job_name').notNull(),
    periodKey: text('period_key').notNull(),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    instanceId: text('instance_id').notNull(),
    startedAt: instant('started_at').notNull().defaultNow(),
    heartbeatAt: instant('heartbeat_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
    progress: jsonb('progress').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
  },
  (t) => [
    unique('job_runs_claim_key').on(t.jobName, t.periodKey),
    index('job_runs_running_idx')
      .on(t.heartbeatAt)
      .where(sql`${t.status} = 'running'`),
    check('job_runs_status_check', oneOf(t.status, RUN_STATUSES)),
    check('job_runs_finished_check', sql`(${t.status} = 'running') = (${t.finishedAt} is null)`),
  ],
);

/** Small named settings and caches (e.g. the WeChat access token with its expiry, the current RFM as-of). */
export const kvSettings = pgTable('kv_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  expiresAt: instant('expires_at'),
  updatedAt: updatedAt(),
});
