import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { shanghaiParts, type StaffLoginRequest, type StaffLoginResponse, type StaffProfile } from '@member-ops/shared';
import { withTransaction, type Database, type Executor } from '../../db';
import { auditLog, staffAccounts } from '../../db/schema';
import { AppError } from '../../errors';
import { createStaffSession } from '../../http/auth';
import { hashPassword, verifyPassword } from '../../security/password';
import { accountKeyOf, accountLockFor, clearAddress, countAccountFailure, reserveAttempt } from './sign-in-throttle';

const WRONG_CREDENTIALS = '账号或密码错误';

/**
 * Refusal while sign-ins of this account from this address are throttled; the route turns `retryAfterSeconds` into
 * a Retry-After header. The words are the same whether the name belongs to an account or not.
 */
export class SignInThrottledError extends AppError {
  constructor(
    lockedUntil: Date,
    readonly retryAfterSeconds: number,
  ) {
    const { hour, minute } = shanghaiParts(lockedUntil);
    const at = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    super('RATE_LIMITED', `登录失败次数过多，请于 ${at}（北京时间）后再试，或请管理员解锁`);
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

function throttled(lockedUntil: Date, now: Date): SignInThrottledError {
  return new SignInThrottledError(lockedUntil, Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)));
}

/**
 * Staff sign-in. Failures are throttled per (client address, account name) and per account name overall (see
 * sign-in-throttle.ts); the typed name is throttled whether or not an account has it, so an unknown name and a wrong
 * password get the same answers (401, then 429 with the same words and Retry-After) after the same work. Every
 * attempt and every lockout is audited; the typed name never is (people type passwords into that field).
 */
export async function staffLogin(
  database: Database,
  credentials: StaffLoginRequest,
  meta: LoginMeta,
  now: Date,
): Promise<StaffLoginResponse> {
  const accountKey = accountKeyOf(credentials.username);
  const [account] = await database.db
    .select()
    .from(staffAccounts)
    .where(eq(sql`lower(${staffAccounts.username})`, credentials.username.trim().toLowerCase()));
  const staffId = account?.id ?? null;

  const accountLock = await accountLockFor(database.db, accountKey, credentials.username, meta.ip, now);
  if (accountLock) {
    await audit(database.db, 'staff.login_refused', staffId, meta, { reason: 'locked', scope: 'account' });
    throw throttled(accountLock, now);
  }
  const attempt = await reserveAttempt(database.db, accountKey, meta.ip, now);
  if (attempt.refused) {
    await audit(database.db, 'staff.login_refused', staffId, meta, { reason: 'locked', scope: 'address' });
    throw throttled(attempt.lockedUntil, now);
  }

  const passwordOk = await verifyPassword(credentials.password, account?.passwordHash ?? (await decoy()));
  if (account && passwordOk && account.active) {
    return withTransaction(database, async (tx) => {
      await clearAddress(tx, accountKey, meta.ip);
      await tx.update(staffAccounts).set({ lastLoginAt: now, updatedAt: now }).where(eq(staffAccounts.id, account.id));
      const session = await createStaffSession(tx, account.id, now, { ip: meta.ip, userAgent: meta.userAgent });
      await audit(tx, 'staff.login', account.id, meta);
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), staff: profileOf(account) };
    });
  }

  const reason = !account ? 'unknown_user' : passwordOk ? 'inactive' : 'wrong_password';
  await audit(database.db, 'staff.login_failed', staffId, meta, { reason, failedCount: attempt.failures });
  const overall = await countAccountFailure(database.db, accountKey, now);
  if (attempt.lockedUntil) {
    await audit(database.db, 'staff.login_locked', staffId, meta, {
      scope: 'address',
      failures: attempt.failures,
      lockedUntil: attempt.lockedUntil.toISOString(),
    });
  }
  if (overall.lockedUntil) {
    await audit(database.db, 'staff.login_locked', staffId, meta, {
      scope: 'account',
      failures: overall.failures,
      lockedUntil: overall.lockedUntil.toISOString(),
    });
  }
  if (attempt.lockedUntil) throw throttled(attempt.lockedUntil, now);
  throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
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
  if (!account) throw new AppError('NOT_FOUND', '员工账号不存在');
  return profileOf(account);
}

export async function auditStaffLogout(database: Database, staffId: number, meta: LoginMeta): Promise<void> {
  await audit(database.db, 'staff.logout', staffId, meta);
}
