/** The fields of a PostgreSQL error that callers act on; both drivers report them under these names. */
export interface PgErrorInfo {
  /** SQLSTATE, e.g. '23505' unique violation, '23514' check violation, '23503' foreign key violation. */
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_CHECK_VIOLATION = '23514';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_NOT_NULL_VIOLATION = '23502';

function readInfo(candidate: unknown): PgErrorInfo | undefined {
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { code, constraint, table, column } = candidate as Record<string, unknown>;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { code, constraint: text(constraint), table: text(table), column: text(column) };
}

/**
 * The PostgreSQL error behind `error`, whether it is the driver's error or Drizzle's DrizzleQueryError
 * wrapping it (as `cause`). Undefined for anything else.
 *
 * Note: DrizzleQueryError's message contains the query parameters, so log the code and constraint, not
 * the message, where parameters may hold personal data.
 */
export function pgErrorOf(error: unknown): PgErrorInfo | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const info = readInfo(current);
    if (info) return info;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `error` is a unique violation, optionally of the named constraint or unique index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const info = pgErrorOf(error);
  return info?.code === PG_UNIQUE_VIOLATION && (constraint === undefined || info.constraint === constraint);
}

/** Socket errors of a connection that could not be made or was lost. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of a server that is going away or not taking connections (class 08 is matched as a whole). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres and PGlite say these in plain errors without a code. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'is not queryable',
  'Cannot use a pool after calling end on the pool',
  'timeout exceeded when trying to connect',
  'PGlite is closed',
];

/**
 * True when `error` (or what it wraps) says the database cannot be reached right now — refused, lost, shutting
 * down, out of connection slots, or closed — as opposed to a statement that failed. Such a request may succeed
 * when retried, so it is answered 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (
      typeof code === 'string' &&
      (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
    ) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((known) => message.includes(known))) return true;
    // AggregateError (a refused connection tried on IPv4 and IPv6) keeps the attempts in `errors`.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
