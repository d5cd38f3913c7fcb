import type { z } from 'zod';

/** The fixed list of error codes a client can see. */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /** The member has not accepted the privacy policy, so behaviour data may not be collected. */
  CONSENT_REQUIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** A SKU of the order has fewer units left than ordered (a flash sale's last unit went); nothing was reserved. */
  SOLD_OUT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  /** A segment rule within the budget still ran past the preview statement timeout: the operator simplifies it. */
  RULE_TOO_COSTLY: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  UNAVAILABLE: 503,
  /** The database did not answer within its limits (frozen, overloaded, pool exhausted); sent with Retry-After. */
  DATABASE_BUSY: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `items.0.quantity`. */
  field: string;
  message: string;
}

/** An error that is safe to show to the client as `{ error: { code, message, fields? } }`. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Seconds sent as the Retry-After header, when set. */
  retryAfter?: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldProblem[],
    status?: number,
  ) {
    super(message);
    this.status = status ?? ERROR_CODES[code];
  }
}

/** Turns a zod error into a 400 naming every bad field; `location` prefixes the path (body / query / params). */
export function validationError(error: z.ZodError, location: string): AppError {
  const fields = error.issues.map((issue) => ({
    field: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = fields[0];
  const summary = first ? `${first.field}: ${first.message}` : 'invalid input';
  return new AppError('VALIDATION_FAILED', `Invalid input — ${summary}`, fields);
}

/** Seconds a client is told to wait (Retry-After) when the database is busy. */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 5;

/** 503 with Retry-After: the database did not answer in time. The same for every limit; the log says which. */
export function databaseBusyError(): AppError {
  const error = new AppError('DATABASE_BUSY', '系统繁忙，请稍后重试');
  error.retryAfter = DATABASE_BUSY_RETRY_AFTER_SECONDS;
  return error;
}

/** 422 when a rule's query ran past its statement timeout: the same rule would again, so no Retry-After. */
export function ruleTooCostlyError(limitMs: number): AppError {
  const limit = limitMs < 1000 ? `${limitMs} 毫秒` : `${Math.round(limitMs / 100) / 10} 秒`;
  return new AppError('RULE_TOO_COSTLY', `规则计算超过 ${limit}被中止：请减少条件（尤其是事件次数条件）或缩短事件时间窗口后再试`);
}
