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
  /**
   * True when the request may have reached WeChat but no usable answer came back (timeout or reset after the
   * request was written, HTTP 5xx, an unreadable answer): WeChat may have done it. False when WeChat answered with
   * an errcode or the request provably never left (connection refused, DNS failure, connect timeout).
   */
  readonly outcomeUnknown: boolean;
  /** The API path that failed, e.g. `/sns/jscode2session`, for logs. */
  readonly api: string;

  constructor(init: {
    errcode: number;
    errmsg: string;
    api: string;
    source?: WechatErrorSource;
    retryable?: boolean;
    outcomeUnknown?: boolean;
  }) {
    super(`WeChat ${init.api} failed: ${init.errcode} ${init.errmsg}`);
    this.errcode = init.errcode;
    this.errmsg = init.errmsg;
    this.api = init.api;
    this.source = init.source ?? 'wechat';
    this.retryable = init.retryable ?? isRetryableErrcode(init.errcode);
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  static transport(api: string, errmsg: string, options: { retryable?: boolean; outcomeUnknown: boolean }): WechatError {
    return new WechatError({
      errcode: -1,
      errmsg,
      api,
      source: 'transport',
      retryable: options.retryable ?? true,
      outcomeUnknown: options.outcomeUnknown,
    });
  }
}

/** WeChat Pay v3 answers failures with an HTTP status and `{ code, message }`, e.g. 404 ORDER_NOT_EXIST. */
const RETRYABLE_PAY_CODES: ReadonlySet<string> = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'FREQUENCY_LIMITED', 'BANKERROR']);
/** Codes WeChat Pay documents as "may or may not be done: repeat with the same number". */
const UNKNOWN_OUTCOME_PAY_CODES: ReadonlySet<string> = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'BANKERROR']);

export class WechatPayError extends Error {
  override readonly name = 'WechatPayError';
  /** 0 when no HTTP answer arrived. */
  readonly httpStatus: number;
  readonly code: string;
  readonly retryable: boolean;
  /**
   * True when WeChat Pay may have acted on the request without a usable answer (timeout or reset after it was
   * written, HTTP 5xx, SYSTEM_ERROR, an answer that does not verify). Such a call is repeated only with the same
   * out_trade_no / out_refund_no, which WeChat Pay treats as the same order or refund.
   */
  readonly outcomeUnknown: boolean;

  constructor(init: { httpStatus: number; code: string; message: string; retryable?: boolean; outcomeUnknown?: boolean }) {
    super(`WeChat Pay ${init.httpStatus} ${init.code}: ${init.message}`);
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.retryable = init.retryable ?? (init.httpStatus >= 500 || init.httpStatus === 429 || RETRYABLE_PAY_CODES.has(init.code));
    this.outcomeUnknown = init.outcomeUnknown ?? (init.httpStatus >= 500 || UNKNOWN_OUTCOME_PAY_CODES.has(init.code));
  }

  /** A definite "no" from WeChat Pay: nothing was done, and the same request would be refused again. */
  get refused(): boolean {
    return !this.retryable && !this.outcomeUnknown;
  }
}
