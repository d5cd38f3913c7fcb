import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { STAFF_ROLES, type StaffRole } from '@member-ops/shared';
import { createdAt, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';

export const stores = pgTable('stores', {
  id: idPrimaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  address: text('address'),
  phone: text('phone'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const staffAccounts = pgTable(
  'staff_accounts',
  {
    id: idPrimaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<StaffRole>().notNull(),
    /** Store staff belong to one store; sales reps may be tied to one for portfolio balancing. */
    storeId: idRef('store_id').references(() => stores.id),
    /** The rep's phone for tap-to-call and WeCom; not member data. */
    phone: text('phone'),
    active: boolean('active').notNull().default(true),
    passwordChangedAt: instant('password_changed_at'),
    lastLoginAt: instant('last_login_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Logins are case-insensitive, so uniqueness is too.
    uniqueIndex('staff_accounts_username_lower_key').on(sql`lower(${t.username})`),
    index('staff_accounts_store_role_idx').on(t.storeId, t.role),
    check('staff_accounts_role_check', oneOf(t.role, STAFF_ROLES)),
    check('staff_accounts_store_staff_has_store_check', sql`${t.role} <> 'store_staff' or ${t.storeId} is not null`),
  ],
);

/**
 * Failed staff sign-ins, counted per (client address, account name) and per account name across all addresses
 * (client_ip = ''). The name is kept as a SHA-256 of its lower-case form: people type passwords into the username
 * field, and names that belong to no account are counted exactly like real ones. Rows are reset by a successful
 * sign-in from that address, by an admin's unlock, or after a day without failures; the daily purge removes them.
 */
export const signInThrottles = pgTable(
  'sign_in_throttles',
  {
    accountKey: text('account_key').notNull(),
    clientIp: text('client_ip').notNull(),
    failures: integer('failures').notNull().default(0),
    lastFailureAt: instant('last_failure_at'),
    lockedUntil: instant('locked_until'),
  },
  (t) => [
    primaryKey({ columns: [t.accountKey, t.clientIp] }),
    index('sign_in_throttles_last_failure_idx').on(t.lastFailureAt),
    check('sign_in_throttles_failures_check', sql`${t.failures} >= 0`),
  ],
);

/** Sessions keep only a hash of the bearer token, so a leaked table cannot be replayed. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: idPrimaryKey(),
    staffId: idRef('staff_id')
      .notNull()
      .references(() => staffAccounts.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    lastSeenAt: instant('last_seen_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('staff_sessions_staff_idx').on(t.staffId),
    check('staff_sessions_expiry_check', sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);
