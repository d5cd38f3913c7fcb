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
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  UNAVAILABLE: 503,
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
