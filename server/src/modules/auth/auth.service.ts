import { and, eq, isNull, sql } from 'drizzle-orm';
import type { LoginSource, WechatLoginResponse } from '@member-ops/shared';
import { withTransaction, type Database } from '../../db';
import { members, stores } from '../../db/schema';
import { AppError } from '../../errors';
import { createMemberSession } from '../../http/auth';
import type { ServerContext } from '../../server';
import { WechatError, type WechatSession } from '../../wechat';

/** WeChat's answers to a login code that are the client's fault, and what the client is told. */
const LOGIN_CODE_ERRORS: Record<number, () => AppError> = {
  40029: () =>
    new AppError('VALIDATION_FAILED', 'The login code is invalid: call wx.login again', [
      { field: 'body.code', message: 'invalid login code (WeChat 40029)' },
    ]),
  40163: () =>
    new AppError('UNAUTHENTICATED', 'The login code was already used: call wx.login again', [
      { field: 'body.code', message: 'login code already used (WeChat 40163)' },
    ]),
};

/**
 * jscode2session, with WeChat's answers mapped to client errors (bad code) or 503 with Retry-After (WeChat busy,
 * unreachable or not answering within WECHAT_TIMEOUT_MS).
 */
export async function exchangeLoginCode(context: ServerContext, code: string): Promise<WechatSession> {
  try {
    return await context.wechat.wechat.code2Session(code);
  } catch (error) {
    if (!(error instanceof WechatError)) throw error;
    const clientError = LOGIN_CODE_ERRORS[error.errcode];
    if (clientError) throw clientError();
    context.logger.warn(
      { errcode: error.errcode, api: error.api, source: error.source, reason: error.errmsg },
      'auth: jscode2session failed',
    );
    throw new AppError('UNAVAILABLE', '微信登录暂时不可用，请稍后重试');
  }
}

/** A store or inviter named in the login source must exist; checked before the one-time code is spent. */
export async function assertLoginSourceExists(database: Database, source: LoginSource | undefined): Promise<void> {
  const problems: { field: string; message: string }[] = [];
  if (source?.storeId !== undefined) {
    const [store] = await database.db.select({ id: stores.id }).from(stores).where(eq(stores.id, source.storeId));
    if (!store) problems.push({ field: 'body.source.storeId', message: 'no such store' });
  }
  if (source?.inviterMemberId !== undefined) {
    const [inviter] = await database.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.id, source.inviterMemberId), isNull(members.deletedAt)));
    if (!inviter) problems.push({ field: 'body.source.inviterMemberId', message: 'no such member' });
  }
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', `Invalid input — ${problems[0]?.field}: no such record`, problems);
}

const memberColumns = {
  id: members.id,
  nickname: members.nickname,
  avatarUrl: members.avatarUrl,
  tier: members.tier,
  hasPhone: sql<boolean>`${members.phoneHash} is not null`,
  deletedAt: members.deletedAt,
};

/**
 * Finds the member of `openid` or creates it, then opens a session. Two first logins of the same openid racing
 * each other create one member: the insert skips on conflict and the loser reads the winner's row in a new
 * statement (whose snapshot sees it). The source is recorded only by the insert, so a later login never rewrites
 * where the member came from.
 */
export async function signInMember(
  database: Database,
  session: WechatSession,
  source: LoginSource | undefined,
  now: Date,
): Promise<WechatLoginResponse> {
  return withTransaction(database, async (tx) => {
    const findByOpenid = () => tx.select(memberColumns).from(members).where(eq(members.openid, session.openId));
    let [member] = await findByOpenid();
    let isNew = false;
    if (!member) {
      [member] = await tx
        .insert(members)
        .values({
          openid: session.openId,
          unionid: session.unionId ?? null,
          storeId: source?.storeId ?? null,
          sourceChannel: source?.channel ?? null,
          sourceScene: source?.scene ?? null,
          inviterMemberId: source?.inviterMemberId ?? null,
          registeredAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning(memberColumns);
      isNew = member !== undefined;
      [member] = member ? [member] : await findByOpenid();
    }
    // Still nothing: the unionid belongs to a member with another openid (the same person in another app).
    if (!member) throw new AppError('CONFLICT', 'This WeChat account is already linked to another membership');
    if (member.deletedAt) throw new AppError('FORBIDDEN', 'This membership was deleted at the member’s request');
    const { token, expiresAt } = await createMemberSession(tx, member.id, now);
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      member: {
        id: member.id,
        nickname: member.nickname,
        avatarUrl: member.avatarUrl,
        tier: member.tier,
        hasPhone: member.hasPhone,
        isNew,
      },
    };
  });
}
