import { and, eq, isNull, or } from 'drizzle-orm';
import { shanghaiDate, type BindPhoneResponse, type UpdateMeRequest } from '@member-ops/shared';
import { isUniqueViolation, type Database } from '../../db';
import { members } from '../../db/schema';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { encryptPhone, maskPhone, normalizePhone, phoneHash, phoneTail, type PhoneKeys } from '../../security/phone-crypto';
import { WechatError, type WechatClient } from '../../wechat';

const EARLIEST_BIRTHDAY = '1900-01-01';

/**
 * Applies a profile change. The birthday can be set once: it decides when birthday coupons arrive, so letting
 * it move would let a shopper collect them repeatedly. Setting the same date again is accepted.
 */
export async function updateProfile(database: Database, memberId: number, patch: UpdateMeRequest, now: Date): Promise<void> {
  if (patch.birthday !== undefined && (patch.birthday >= shanghaiDate(now) || patch.birthday < EARLIEST_BIRTHDAY)) {
    throw new AppError('VALIDATION_FAILED', 'Invalid input — body.birthday: must be a past date', [
      { field: 'body.birthday', message: `must be a date from ${EARLIEST_BIRTHDAY} up to yesterday` },
    ]);
  }
  const birthdayUnsetOrSame =
    patch.birthday === undefined ? undefined : or(isNull(members.birthday), eq(members.birthday, patch.birthday));
  const updated = await database.db
    .update(members)
    .set({ ...patch, updatedAt: now })
    .where(and(eq(members.id, memberId), birthdayUnsetOrSame))
    .returning({ id: members.id });
  if (updated.length === 0) {
    throw new AppError('CONFLICT', 'The birthday is already set and cannot be changed', [
      { field: 'body.birthday', message: 'already set; it can be set only once' },
    ]);
  }
}

export interface PhoneDeps {
  database: Database;
  wechat: WechatClient;
  phoneKeys: PhoneKeys;
  logger: Logger;
}

/** The number behind a getPhoneNumber code; WeChat's "invalid code" is the client's 400, anything else a 503. */
async function phoneFromCode(deps: PhoneDeps, code: string): Promise<string> {
  try {
    const info = await deps.wechat.getPhoneNumber(code);
    return normalizePhone(info.countryCode === '86' ? info.purePhoneNumber : info.phoneNumber);
  } catch (error) {
    if (error instanceof WechatError && error.errcode === 40029) {
      throw new AppError('VALIDATION_FAILED', 'The phone-number code is invalid or expired', [
        { field: 'body.code', message: 'invalid phone-number code (WeChat 40029)' },
      ]);
    }
    if (error instanceof RangeError) throw new AppError('UNPROCESSABLE', 'WeChat returned a number that is not a phone number');
    if (!(error instanceof WechatError)) throw error;
    deps.logger.warn(
      { errcode: error.errcode, api: error.api, source: error.source, reason: error.errmsg },
      'me: getPhoneNumber failed',
    );
    throw new AppError('UNAVAILABLE', '微信手机号服务暂时不可用，请稍后重试');
  }
}

/** Binds the phone behind a getPhoneNumber code: stored encrypted with its keyed hash and tail; 409 if another member has it. */
export async function bindPhone(deps: PhoneDeps, memberId: number, code: string, now: Date): Promise<BindPhoneResponse> {
  const phone = await phoneFromCode(deps, code);
  try {
    await deps.database.db
      .update(members)
      .set({
        phoneCipher: encryptPhone(phone, deps.phoneKeys),
        phoneHash: phoneHash(phone, deps.phoneKeys),
        phoneTail: phoneTail(phone),
        updatedAt: now,
      })
      .where(eq(members.id, memberId));
  } catch (error) {
    if (isUniqueViolation(error, 'members_phone_hash_key')) {
      throw new AppError('CONFLICT', 'This phone number is already bound to another membership');
    }
    throw error;
  }
  return { hasPhone: true, maskedPhone: maskPhone(phone) };
}

export async function recordPrivacyConsent(database: Database, memberId: number, now: Date): Promise<Date> {
  await database.db.update(members).set({ privacyConsentAt: now, updatedAt: now }).where(eq(members.id, memberId));
  return now;
}
