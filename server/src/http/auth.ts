import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Context, Middleware } from 'koa';
import type { StaffRole, TierCode } from '@member-ops/shared';
import type { Database, Executor } from '../db';
import { memberSessions, members, staffAccounts, staffSessions } from '../db/schema';
import { AppError } from '../errors';

/** Shopper sessions last 30 days; staff sessions a working day. */
export const MEMBER_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const STAFF_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is refreshed at most this often, so reads don't turn into writes. */
const LAST_SEEN_GRANULARITY_MS = 5 * 60 * 1000;

export interface AuthMember {
  id: number;
  openid: string;
  storeId: number | null;
  tier: TierCode;
  sessionId: number;
}

export interface AuthStaff {
  id: number;
  username: string;
  role: StaffRole;
  storeId: number | null;
  sessionId: number;
}

declare module 'koa' {
  interface DefaultState {
    member?: AuthMember;
    staff?: AuthStaff;
  }
}

/** Tokens are random and only their SHA-256 is stored, so a database dump holds no usable session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

function bearerToken(ctx: Context): string {
  const header = ctx.get('authorization');
  const match = /^Bearer ([\w-]{20,200})$/.exec(header);
  if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'Sign in first: missing or malformed bearer token');
  return match[1];
}

export async function createMemberSession(
  executor: Executor,
  memberId: number,
  now: Date,
  ttlMs = MEMBER_SESSION_TTL_MS,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, tokenHash } = newSessionToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await executor.insert(memberSessions).values({ memberId, tokenHash, createdAt: now, expiresAt, lastSeenAt: now });
  return { token, expiresAt };
}

export async function createStaffSession(
  executor: Executor,
  staffId: number,
  now: Date,
  meta: { ip?: string; userAgent?: string } = {},
  ttlMs = STAFF_SESSION_TTL_MS,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, tokenHash } = newSessionToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await executor
    .insert(staffSessions)
    .values({ staffId, tokenHash, createdAt: now, expiresAt, lastSeenAt: now, ip: meta.ip, userAgent: meta.userAgent });
  return { token, expiresAt };
}

/** Revokes the session the request was made with (logout). */
export async function revokeSession(executor: Executor, kind: 'member' | 'staff', sessionId: number, now: Date): Promise<void> {
  const table = kind === 'member' ? memberSessions : staffSessions;
  await executor.update(table).set({ revokedAt: now }).where(eq(table.id, sessionId));
}

/** Requires a live shopper session; sets `ctx.state.member`. `now` is injectable for tests. */
export function memberAuth(database: Database, now: () => Date = () => new Date()): Middleware {
  return async (ctx, next) => {
    const at = now();
    const [row] = await database.db
      .select({
        sessionId: memberSessions.id,
        lastSeenAt: memberSessions.lastSeenAt,
        id: members.id,
        openid: members.openid,
        storeId: members.storeId,
        tier: members.tier,
      })
      .from(memberSessions)
      .innerJoin(members, eq(members.id, memberSessions.memberId))
      .where(
        and(
          eq(memberSessions.tokenHash, hashToken(bearerToken(ctx))),
          isNull(memberSessions.revokedAt),
          gt(memberSessions.expiresAt, at),
          isNull(members.deletedAt),
        ),
      )
      .limit(1);
    if (!row) throw new AppError('UNAUTHENTICATED', 'Session expired or revoked: sign in again');
    if (!row.lastSeenAt || at.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) {
      await database.db.update(memberSessions).set({ lastSeenAt: at }).where(eq(memberSessions.id, row.sessionId));
    }
    ctx.state.member = { id: row.id, openid: row.openid, storeId: row.storeId, tier: row.tier, sessionId: row.sessionId };
    await next();
  };
}

/** Requires a live staff session of an active account; sets `ctx.state.staff`. */
export function staffAuth(database: Database, now: () => Date = () => new Date()): Middleware {
  return async (ctx, next) => {
    const at = now();
    const [row] = await database.db
      .select({
        sessionId: staffSessions.id,
        lastSeenAt: staffSessions.lastSeenAt,
        id: staffAccounts.id,
        username: staffAccounts.username,
        role: staffAccounts.role,
        storeId: staffAccounts.storeId,
      })
      .from(staffSessions)
      .innerJoin(staffAccounts, eq(staffAccounts.id, staffSessions.staffId))
      .where(
        and(
          eq(staffSessions.tokenHash, hashToken(bearerToken(ctx))),
          isNull(staffSessions.revokedAt),
          gt(staffSessions.expiresAt, at),
          eq(staffAccounts.active, true),
        ),
      )
      .limit(1);
    if (!row) throw new AppError('UNAUTHENTICATED', 'Staff session expired or revoked: sign in again');
    if (!row.lastSeenAt || at.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) {
      await database.db.update(staffSessions).set({ lastSeenAt: at }).where(eq(staffSessions.id, row.sessionId));
    }
    ctx.state.staff = { id: row.id, username: row.username, role: row.role, storeId: row.storeId, sessionId: row.sessionId };
    await next();
  };
}

/** After staffAuth: only these roles may pass (403 otherwise, whatever the client's menu shows). */
export function requireRole(...roles: StaffRole[]): Middleware {
  return async (ctx, next) => {
    const staff = ctx.state.staff;
    if (!staff) throw new AppError('UNAUTHENTICATED', 'Staff sign-in required');
    if (!roles.includes(staff.role)) throw new AppError('FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}`);
    await next();
  };
}

export function currentMember(ctx: Context): AuthMember {
  const member = ctx.state.member;
  if (!member) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return member;
}

export function currentStaff(ctx: Context): AuthStaff {
  const staff = ctx.state.staff;
  if (!staff) throw new AppError('UNAUTHENTICATED', 'Staff sign-in required');
  return staff;
}
