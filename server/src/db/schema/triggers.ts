import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { MEMBER_TRIGGER_KINDS, type MemberTriggerKind } from './codes';
import { idPrimaryKey, idRef, instant, oneOf } from './columns';
import { members } from './members';

/**
 * The trigger outbox: business facts that may start a triggered campaign (first purchase, tier up), written in
 * the transaction that establishes the fact and drained later by the campaign scheduler. UNIQUE (member_id,
 * kind, dedupe_key) makes a retried payment notification enqueue the same fact once.
 */
export const memberTriggers = pgTable(
  'member_triggers',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').$type<MemberTriggerKind>().notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: instant('occurred_at').notNull(),
    processedAt: instant('processed_at'),
  },
  (t) => [
    unique('member_triggers_once_key').on(t.memberId, t.kind, t.dedupeKey),
    index('member_triggers_unprocessed_idx')
      .on(t.occurredAt)
      .where(sql`${t.processedAt} is null`),
    check('member_triggers_kind_check', oneOf(t.kind, MEMBER_TRIGGER_KINDS)),
  ],
);
