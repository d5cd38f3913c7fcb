import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { shanghaiParts, type StaffLoginRequest, type StaffLoginResponse, type StaffProfile } from '@member-ops/shared';
import { execute, withTransaction, type Database, type Executor } from '../../db';
import { auditLog, staffAccounts } from '../../db/schema';
import { AppError } from '../../errors';
import { createStaffSession } from '../../http/auth';
import { hashPassword, verifyPassword } from '../../security/password';

/** Five wrong passwords in a row lock the account for a quarter of an hour. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60 * 1000;

const WRONG_CREDENTIALS = 'Wrong username or password';

/** Refusal while an account is locked; the route turns `retryAfterSeconds` into a Retry-After header. */
export class AccountLockedError extends AppError {
  constructor(
    lockedUntil: Date,
    readonly retryAfterSeconds: number,
  ) {
    const { hour, minute } = shanghaiParts(lockedUntil);
    const at = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    super('RATE_LIMITED', `Too many failed sign-ins: this account is locked until ${at} (Beijing time)`);
  }
}

export interface LoginMeta {
  ip: string;
  userAgent: string;
  requestId: string | undefined;
}

/** Unknown usernames are checked against this hash, so they take as long as a wrong password. */
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

async function audit(
  executor: Executor,
  action: string,
  staffId: number | null,
  meta: LoginMeta,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await executor.insert(auditLog).values({
    action,
    actorStaffId: staffId,
    targetType: staffId === null ? null : 'staff_account',
    targetId: staffId === null ? null : String(staffId),
    detail,
    ip: meta.ip,
    requestId: meta.requestId ?? null,
  });
}

/**
 * Counts a failed password in one statement (so concurrent guesses all count) and locks the account when the
 * count reaches MAX_FAILED_LOGINS. A lock that has run out starts a fresh count.
 */
async function countFailure(
  database: Database,
  staffId: number,
  now: Date,
): Promise<{ count: number; lockedUntil: Date | null }> {
  const expired = sql`locked_until <= ${now.toISOString()}::timestamptz`;
  const nextCount = sql`case when ${expired} then 1 else failed_login_count + 1 end`;
  const [row] = await execute<{ failed_login_count: number; locked_until: Date | null }>(
    database.db,
    sql`update staff_accounts set
          failed_login_count = ${nextCount},
          locked_until = case when ${nextCount} >= ${MAX_FAILED_LOGINS} then ${new Date(now.getTime() + LOCK_MS).toISOString()}::timestamptz
                              when ${expired} then null else locked_until end,
          updated_at = ${now.toISOString()}::timestamptz
        where id = ${staffId}
        returning failed_login_count, locked_until`,
  );
  return { count: row?.failed_login_count ?? 0, lockedUntil: row?.locked_until ?? null };
}

function lockedError(lockedUntil: Date, now: Date): AccountLockedError {
  return new AccountLockedError(lockedUntil, Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)));
}

/**
 * Staff sign-in. An unknown username and a wrong password get the same answer after the same amount of work;
 * every attempt is audited. Locked accounts are refused without checking the password.
 */
export async function staffLogin(
  database: Database,
  credentials: StaffLoginRequest,
  meta: LoginMeta,
  now: Date,
): Promise<StaffLoginResponse> {
  const [account] = await database.db
    .select()
    .from(staffAccounts)
    .where(eq(sql`lower(${staffAccounts.username})`, credentials.username.toLowerCase()));
  if (!account) {
    await verifyPassword(credentials.password, await decoy());
    // The typed username is not recorded: people sometimes type their password into that field.
    await audit(database.db, 'staff.login_failed', null, meta, { reason: 'unknown_user' });
    throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  }
  if (account.lockedUntil && account.lockedUntil > now) {
    await audit(database.db, 'staff.login_refused', account.id, meta, { reason: 'locked' });
    throw lockedError(account.lockedUntil, now);
  }
  const passwordOk = await verifyPassword(credentials.password, account.passwordHash);
  if (!passwordOk || !account.active) {
    const failure = await countFailure(database, account.id, now);
    const reason = passwordOk ? 'inactive' : 'wrong_password';
    await audit(database.db, 'staff.login_failed', account.id, meta, { reason, failedCount: failure.count });
    if (failure.lockedUntil && failure.lockedUntil > now) throw lockedError(failure.lockedUntil, now);
    throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  }
  return withTransaction(database, async (tx) => {
    await tx
      .update(staffAccounts)
      .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, updatedAt: now })
      .where(eq(staffAccounts.id, account.id));
    const session = await createStaffSession(tx, account.id, now, { ip: meta.ip, userAgent: meta.userAgent });
    await audit(tx, 'staff.login', account.id, meta);
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), staff: profileOf(account) };
  });
}

function profileOf(account: typeof staffAccounts.$inferSelect): StaffProfile {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    storeId: account.storeId,
  };
}

export async function loadStaffProfile(database: Database, staffId: number): Promise<StaffProfile> {
  const [account] = await database.db.select().from(staffAccounts).where(eq(staffAccounts.id, staffId));
  if (!account) throw new AppError('NOT_FOUND', 'Staff account not found');
  return profileOf(account);
}

export async function auditStaffLogout(database: Database, staffId: number, meta: LoginMeta): Promise<void> {
  await audit(database.db, 'staff.logout', staffId, meta);
}
