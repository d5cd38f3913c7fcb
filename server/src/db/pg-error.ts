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
