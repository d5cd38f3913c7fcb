import { QUERY_READ_TIMEOUT_MESSAGE } from './database';
import { pgErrorOf } from './pg-error';

/** SQLSTATEs of the server-side limits: statement_timeout (57014), lock_timeout (55P03), idle transaction (25P03). */
const TIMEOUT_CODES = new Map<string, DatabaseTimeoutKind>([
  ['57014', 'statement'],
  ['55P03', 'lock'],
  ['25P03', 'idle_in_transaction'],
]);

/** node-postgres' own messages when a client-side limit ran out. */
const DRIVER_MESSAGES = new Map<string, DatabaseTimeoutKind>([
  [QUERY_READ_TIMEOUT_MESSAGE, 'no_answer'],
  ['timeout exceeded when trying to connect', 'pool_acquire'],
  ['Connection terminated due to connection timeout', 'connect'],
]);

export type DatabaseTimeoutKind = 'statement' | 'lock' | 'idle_in_transaction' | 'no_answer' | 'pool_acquire' | 'connect';

/**
 * Which database limit `error` (the driver's error, or Drizzle's wrapper of it) ran into, or undefined when it is
 * not a timeout. Requests turn it into 503 with Retry-After; jobs record it as their failure.
 */
export function databaseTimeoutOf(error: unknown): DatabaseTimeoutKind | undefined {
  const code = pgErrorOf(error)?.code;
  if (code !== undefined) return TIMEOUT_CODES.get(code);
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const kind = DRIVER_MESSAGES.get(current.message);
    if (kind) return kind;
    current = current.cause;
  }
  return undefined;
}
