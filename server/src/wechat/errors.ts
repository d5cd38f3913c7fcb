/**
 * Errors raised by the WeChat adapters. `retryable` tells a caller (an outbox worker, a job) whether the same call may
 * succeed later; permanent failures must not be retried because WeChat will give the same answer.
 */

/** errcodes WeChat documents as temporary: system busy, per-minute and per-day quotas, concurrency limits. */
const RETRYABLE_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011, 45033, 45047]);

/** errcodes that mean the access token is no longer valid; the token is refreshed and the call repeated once. */
export const ACCESS_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

export function isRetryableErrcode(errcode: number): boolean {
  return RETRYABLE_ERRCODES.has(errcode) || ACCESS_TOKEN_ERRCODES.has(errcode);
}

/**
 * `source: 'wechat'` — WeChat answered with a non-zero errcode.
 * `source: 'transport'` — no usable answer (network failure, HTTP 5xx, non-JSON body); errcode is then -1,
 * WeChat's own code for "try again later".
 */
export type WechatErrorSource = 'wechat' | 'transport';

export class WechatError extends Error {
  override readonly name = 'WechatError';
  readonly errcode: number;
  readonly errmsg: string;
  readonly retryable: boolean;
  readonly source: WechatErrorSource;
  /** The API path that failed, e.g. `/sns/jscode2session`, for logs. */
  readonly api: string;

  constructor(init: { errcode: number; errmsg: string; api: string; source?: WechatErrorSource; retryable?: boolean }) {
    super(`WeChat ${init.api} failed: ${init.errcode} ${init.errmsg}`);
    this.errcode = init.errcode;
    this.errmsg = init.errmsg;
    this.api = init.api;
    this.source = init.source ?? 'wechat';
    this.retryable = init.retryable ?? isRetryableErrcode(init.errcode);
  }

  static transport(api: string, errmsg: string, retryable = true): WechatError {
    return new WechatError({ errcode: -1, errmsg, api, source: 'transport', retryable });
  }
}

/** WeChat Pay v3 answers failures with an HTTP status and `{ code, message }`, e.g. 404 ORDER_NOT_EXIST. */
const RETRYABLE_PAY_CODES: ReadonlySet<string> = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'FREQUENCY_LIMITED', 'BANKERROR']);

export class WechatPayError extends Error {
  override readonly name = 'WechatPayError';
  /** 0 when no HTTP answer arrived. */
  readonly httpStatus: number;
  readonly code: string;
  readonly retryable: boolean;

  constructor(init: { httpStatus: number; code: string; message: string; retryable?: boolean }) {
    super(`WeChat Pay ${init.httpStatus} ${init.code}: ${init.message}`);
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.retryable = init.retryable ?? (init.httpStatus >= 500 || init.httpStatus === 429 || RETRYABLE_PAY_CODES.has(init.code));
  }
}
