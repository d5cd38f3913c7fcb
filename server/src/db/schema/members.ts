import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgTable, text, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { GENDERS, TIER_CODES, type Gender, type TierCode } from '@member-ops/shared';
import { REP_ASSIGNMENT_REASONS, type RepAssignmentReason } from './codes';
import { createdAt, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { staffAccounts, stores } from './staff';

/**
 * One row per shopper. The phone is kept three ways: `phone_cipher` (AES-GCM, base64 text so both drivers
 * return the same JS type), `phone_hash` (keyed HMAC, the only searchable form) and `phone_tail` (last four
 * digits, for staff lookup within a store). All three are set together or not at all.
 */
export const members = pgTable(
  'members',
  {
    id: idPrimaryKey(),
    openid: text('openid').notNull().unique(),
    unionid: text('unionid'),
    phoneCipher: text('phone_cipher'),
    phoneHash: text('phone_hash'),
    phoneTail: text('phone_tail'),
    nickname: text('nickname'),
    avatarUrl: text('avatar_url'),
    gender: text('gender').$type<Gender>().notNull().default('unknown'),
    birthday: date('birthday', { mode: 'string' }),
    region: text('region'),
    storeId: idRef('store_id').references(() => stores.id),
    sourceChannel: text('source_channel'),
    sourceScene: text('source_scene'),
    inviterMemberId: idRef('inviter_member_id').references((): AnyPgColumn => members.id),
    registeredAt: instant('registered_at').notNull().defaultNow(),
    privacyConsentAt: instant('privacy_consent_at'),
    tier: text('tier').$type<TierCode>().notNull().default('normal'),
    tierSince: instant('tier_since'),
    /** When the current tier comes up for review (保级); null for the base tier. */
    tierKeepUntil: instant('tier_keep_until'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    doNotContact: boolean('do_not_contact').notNull().default(false),
    ownerRepId: idRef('owner_rep_id').references(() => staffAccounts.id),
    /** Set when the member asks for deletion; personal columns are blanked in the same transaction. */
    deletedAt: instant('deleted_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('members_unionid_key')
      .on(t.unionid)
      .where(sql`${t.unionid} is not null`),
    uniqueIndex('members_phone_hash_key')
      .on(t.phoneHash)
      .where(sql`${t.phoneHash} is not null`),
    index('members_store_phone_tail_idx')
      .on(t.storeId, t.phoneTail)
      .where(sql`${t.phoneTail} is not null`),
    /** The console's members list filtered by store, in keyset (id) order. */
    index('members_store_id_idx')
      .on(t.storeId, t.id)
      .where(sql`${t.deletedAt} is null`),
    /** Tier (with id, so an audience rule's tier filter is an index-only scan) of members not deleted. */
    index('members_tier_idx')
      .on(t.tier, t.id)
      .where(sql`${t.deletedAt} is null`),
    index('members_owner_rep_idx')
      .on(t.ownerRepId)
      .where(sql`${t.ownerRepId} is not null`),
    index('members_inviter_idx')
      .on(t.inviterMemberId)
      .where(sql`${t.inviterMemberId} is not null`),
    index('members_registered_at_idx').on(t.registeredAt),
    index('members_tags_idx').using('gin', t.tags),
    check('members_gender_check', oneOf(t.gender, GENDERS)),
    check('members_tier_check', oneOf(t.tier, TIER_CODES)),
    check('members_phone_parts_check', sql`num_nulls(${t.phoneCipher}, ${t.phoneHash}, ${t.phoneTail}) in (0, 3)`),
    check('members_phone_tail_check', sql`${t.phoneTail} ~ '^[0-9]{4}$'`),
    check('members_inviter_not_self_check', sql`${t.inviterMemberId} <> ${t.id}`),
  ],
);

export const memberSessions = pgTable(
  'member_sessions',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    lastSeenAt: instant('last_seen_at'),
  },
  (t) => [
    index('member_sessions_member_idx').on(t.memberId),
    check('member_sessions_expiry_check', sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);

/**
 * History of who owned a member (members.owner_rep_id is the current owner). At most one open
 * assignment per member, so a handover must close the old row before opening the new one.
 */
export const repAssignments = pgTable(
  'rep_assignments',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    repId: idRef('rep_id')
      .notNull()
      .references(() => staffAccounts.id),
    reason: text('reason').$type<RepAssignmentReason>().notNull(),
    assignedBy: idRef('assigned_by').references(() => staffAccounts.id),
    assignedAt: instant('assigned_at').notNull().defaultNow(),
    endedAt: instant('ended_at'),
  },
  (t) => [
    uniqueIndex('rep_assignments_open_key')
      .on(t.memberId)
      .where(sql`${t.endedAt} is null`),
    index('rep_assignments_rep_idx').on(t.repId, t.assignedAt),
    check('rep_assignments_reason_check', oneOf(t.reason, REP_ASSIGNMENT_REASONS)),
    check('rep_assignments_period_check', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.assignedAt}`),
  ],
);
