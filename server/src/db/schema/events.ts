import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { EVENT_TYPES, type EventType } from '@member-ops/shared';
import { idRef, instant, oneOf } from './columns';
import { members } from './members';

/**
 * Behaviour events, append-only.
 *
 * Range-partitioned by month on `occurred_at` in the 0000 migration (drizzle-kit cannot declare partitioning,
 * so `PARTITION BY RANGE` was added to its CREATE TABLE by hand) on PGlite and PostgreSQL alike, so there is
 * one schema. A DEFAULT partition takes any month that has no partition yet; `ensureEventPartitions()`
 * creates monthly ones ahead and moves matching rows out of the default partition.
 *
 * A partitioned table's unique keys must contain the partition key, but `occurred_at` (client time, clamped
 * against the receive time) can differ between two deliveries of the same event. So "a retry never counts
 * twice" is enforced by `event_receipts` (UNIQUE member_id, client_event_id), which the insert goes through;
 * the events table itself is keyed (member_id, occurred_at, id), which also serves the member timeline.
 */
export const events = pgTable(
  'events',
  {
    id: bigint('id', { mode: 'number' }).notNull().generatedByDefaultAsIdentity(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    type: text('type').$type<EventType>().notNull(),
    clientEventId: text('client_event_id').notNull(),
    occurredAt: instant('occurred_at').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
    page: text('page'),
    productId: idRef('product_id'),
    category: text('category'),
    keyword: text('keyword'),
    dwellMs: integer('dwell_ms'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.occurredAt, t.id] }),
    index('events_member_type_occurred_idx').on(t.memberId, t.type, t.occurredAt),
    check('events_type_check', oneOf(t.type, EVENT_TYPES)),
    check('events_dwell_ms_check', sql`${t.dwellMs} >= 0`),
  ],
);

/**
 * The idempotency record of every accepted client event. Insert here with ON CONFLICT DO NOTHING and write
 * the event only for the rows that came back, in one statement or one transaction. Rows older than the
 * client's offline retention can be pruned by received_at; the events endpoint must then reject events
 * older than that retention, or a very late retry could count twice.
 */
export const eventReceipts = pgTable(
  'event_receipts',
  {
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    clientEventId: text('client_event_id').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.clientEventId] }),
    index('event_receipts_received_at_idx').on(t.receivedAt),
    check('event_receipts_client_event_id_check', sql`length(${t.clientEventId}) between 1 and 64`),
  ],
);
