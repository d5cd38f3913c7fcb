import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { TIER_CODES, type TierCode } from '@member-ops/shared';
import { campaigns, deliveries } from './campaigns';
import { FOLLOWUP_STATUSES, type FollowupStatus } from './codes';
import { createdAt, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { members } from './members';
import { orders } from './orders';
import { staffAccounts } from './staff';

/** A call or WeCom contact a rep should make; created by campaigns or by hand. */
export const followupTasks = pgTable(
  'followup_tasks',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    repId: idRef('rep_id')
      .notNull()
      .references(() => staffAccounts.id),
    campaignId: idRef('campaign_id').references(() => campaigns.id),
    /** The outbox row that created this task; unique, so a re-run cannot create it twice. */
    deliveryId: idRef('delivery_id')
      .unique()
      .references(() => deliveries.id),
    title: text('title'),
    dueAt: instant('due_at').notNull(),
    status: text('status').$type<FollowupStatus>().notNull().default('open'),
    outcomeNote: text('outcome_note'),
    convertedOrderId: idRef('converted_order_id').references(() => orders.id),
    createdBy: idRef('created_by').references(() => staffAccounts.id),
    createdAt: createdAt(),
    closedAt: instant('closed_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('followup_tasks_rep_status_due_idx').on(t.repId, t.status, t.dueAt),
    index('followup_tasks_member_idx').on(t.memberId, t.createdAt),
    index('followup_tasks_campaign_idx')
      .on(t.campaignId)
      .where(sql`${t.campaignId} is not null`),
    check('followup_tasks_status_check', oneOf(t.status, FOLLOWUP_STATUSES)),
    check('followup_tasks_closed_check', sql`${t.status} = 'open' or ${t.closedAt} is not null`),
  ],
);

/** FABE talk-tracks a rep follows when calling a member of a tier. */
export const talkTracks = pgTable(
  'talk_tracks',
  {
    id: idPrimaryKey(),
    tier: text('tier').$type<TierCode>().notNull(),
    title: text('title').notNull(),
    feature: text('feature').notNull(),
    advantage: text('advantage').notNull(),
    benefit: text('benefit').notNull(),
    evidence: text('evidence').notNull(),
    position: integer('position').notNull().default(0),
    active: boolean('active').notNull().default(true),
    updatedBy: idRef('updated_by').references(() => staffAccounts.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('talk_tracks_tier_idx').on(t.tier, t.position), check('talk_tracks_tier_check', oneOf(t.tier, TIER_CODES))],
);
