import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
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
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: instant('locked_until'),
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
    check('staff_accounts_failed_login_count_check', sql`${t.failedLoginCount} >= 0`),
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
