import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { SUBSCRIPTION_RESULTS, type SubscriptionResult } from './codes';
import { createdAt, idPrimaryKey, idRef, instant, nullOrOneOf, oneOf, updatedAt } from './columns';
import { members } from './members';

/** A field of a subscribe-message template, with WeChat's type (thing, number, phrase, name, time ...). */
export interface SubscribeTemplateField {
  key: string;
  type: string;
  label: string;
}

/** The one-time subscribe-message templates configured in the WeChat console. */
export const subscribeTemplates = pgTable('subscribe_templates', {
  templateId: text('template_id').primaryKey(),
  title: text('title').notNull(),
  /** What the template is used for, e.g. coupon_arrived, points_expiring, order_paid. */
  purpose: text('purpose'),
  fields: jsonb('fields').$type<SubscribeTemplateField[]>().notNull().default([]),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Our own count of one-time sends each member granted per template (WeChat does not report it). A send
 * decrements with `SET credits = credits - 1 WHERE credits > 0`; the CHECK keeps it from going negative.
 */
export const subscriptionCredits = pgTable(
  'subscription_credits',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    templateId: text('template_id').notNull(),
    credits: integer('credits').notNull().default(0),
    lastResult: text('last_result').$type<SubscriptionResult>(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.templateId] }),
    // Named by hand: the generated name would pass PostgreSQL's 63-character limit.
    foreignKey({
      name: 'subscription_credits_template_fk',
      columns: [t.templateId],
      foreignColumns: [subscribeTemplates.templateId],
    }),
    index('subscription_credits_template_idx')
      .on(t.templateId)
      .where(sql`${t.credits} > 0`),
    check('subscription_credits_credits_check', sql`${t.credits} >= 0`),
    check('subscription_credits_last_result_check', nullOrOneOf(t.lastResult, SUBSCRIPTION_RESULTS)),
  ],
);

/** Every answer a member gave to a subscribe request, as reported by wx.requestSubscribeMessage. */
export const subscriptionEvents = pgTable(
  'subscription_events',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    templateId: text('template_id').notNull(),
    result: text('result').$type<SubscriptionResult>().notNull(),
    /** Where the request was made: a page tap or the payment callback. */
    context: text('context'),
    /** The client's id for one answer (one tap); a retried request with the same id is recorded once. */
    requestId: text('request_id'),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [
    index('subscription_events_member_at_idx').on(t.memberId, t.at),
    unique('subscription_events_request_key').on(t.memberId, t.requestId, t.templateId),
    foreignKey({
      name: 'subscription_events_template_fk',
      columns: [t.templateId],
      foreignColumns: [subscribeTemplates.templateId],
    }),
    check('subscription_events_result_check', oneOf(t.result, SUBSCRIPTION_RESULTS)),
  ],
);
