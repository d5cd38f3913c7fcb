import { z } from 'zod';
import { ACCESS_TOKEN_ERRCODES, type WechatError } from './errors';
import { callWechatApi, joinUrl, jsonPost, type FetchLike } from './http';

export const SUBSCRIBE_SEND_API = '/cgi-bin/message/subscribe/send';

export type MiniprogramState = 'developer' | 'trial' | 'formal';
export type SubscribeLang = 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';

export interface SubscribeMessage {
  toOpenId: string;
  templateId: string;
  /** Mini-program page opened from the message, e.g. `pages/orders/detail?id=1`. */
  page?: string;
  /** Template keyword → value, e.g. `{ thing1: '会员升级', time2: '2024-05-01 10:00' }`. */
  data: Record<string, string>;
  miniprogramState?: MiniprogramState;
  lang?: SubscribeLang;
}

/**
 * Why a send failed. `user-refused` (43101) means the one-time grant is gone: the caller's credit ledger must drop
 * to zero for this template. The other permanent reasons are bugs or stale data; retrying cannot help.
 * `outcome-unknown`: the send reached WeChat but no answer came back (timeout or reset after it was written, HTTP
 * 5xx) — WeChat may have delivered it, so it is never repeated.
 */
export type SubscribeFailureReason =
  | 'user-refused'
  | 'invalid-openid'
  | 'invalid-data'
  | 'invalid-template'
  | 'invalid-page'
  | 'rejected'
  | 'busy'
  | 'rate-limited'
  | 'token-rejected'
  | 'transport'
  | 'outcome-unknown';

export type SubscribeSendResult =
  { ok: true } | { ok: false; retryable: boolean; reason: SubscribeFailureReason; errcode: number; errmsg: string };

const PERMANENT_REASONS: ReadonlyMap<number, SubscribeFailureReason> = new Map([
  [43101, 'user-refused'],
  [40003, 'invalid-openid'],
  [47003, 'invalid-data'],
  [40037, 'invalid-template'],
  [41030, 'invalid-page'],
]);

const TRANSIENT_REASONS: ReadonlyMap<number, SubscribeFailureReason> = new Map([
  [-1, 'busy'],
  [45009, 'rate-limited'],
  [45011, 'rate-limited'],
  // Only reached when the token was refused again right after a forced refresh.
  ...[...ACCESS_TOKEN_ERRCODES].map((errcode): [number, SubscribeFailureReason] => [errcode, 'token-rejected']),
]);

export function classifySubscribeError(error: WechatError): Exclude<SubscribeSendResult, { ok: true }> {
  const failure = { ok: false as const, errcode: error.errcode, errmsg: error.errmsg };
  if (error.source === 'transport') {
    // Only the send itself can have delivered a message; a failed token call never sent anything.
    if (error.outcomeUnknown && error.api === SUBSCRIBE_SEND_API)
      return { ...failure, retryable: false, reason: 'outcome-unknown' };
    return { ...failure, retryable: error.retryable, reason: 'transport' };
  }
  const permanent = PERMANENT_REASONS.get(error.errcode);
  if (permanent) return { ...failure, retryable: false, reason: permanent };
  const transient = TRANSIENT_REASONS.get(error.errcode);
  if (transient) return { ...failure, retryable: true, reason: transient };
  return { ...failure, retryable: error.retryable, reason: error.retryable ? 'busy' : 'rejected' };
}

const sendSuccessSchema = z.object({ errcode: z.number().optional() });

/** One send with a given token; WechatErrors propagate so the caller can refresh the token on 40001/42001. */
export async function postSubscribeMessage(
  fetch: FetchLike,
  baseUrl: string,
  accessToken: string,
  message: SubscribeMessage,
): Promise<void> {
  const data = Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value }]));
  await callWechatApi({
    fetch,
    api: SUBSCRIBE_SEND_API,
    url: joinUrl(baseUrl, SUBSCRIBE_SEND_API, { access_token: accessToken }),
    init: jsonPost({
      touser: message.toOpenId,
      template_id: message.templateId,
      page: message.page,
      data,
      miniprogram_state: message.miniprogramState ?? 'formal',
      lang: message.lang ?? 'zh_CN',
    }),
    schema: sendSuccessSchema,
  });
}
