import pino, { type Logger } from 'pino';
import { pgErrorOf } from './db/pg-error';

/** Paths that must never reach a log line: tokens, keys, phone numbers, codes. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["wechatpay-signature"]',
  '*.phone',
  '*.phoneNumber',
  '*.purePhoneNumber',
  '*.password',
  '*.token',
  '*.access_token',
  '*.session_key',
  '*.secret',
  '*.apiV3Key',
  '*.privateKey',
  '*.code',
];

/** The statement of a failed query in an error's cause chain: Drizzle and PGlite attach `query` and `params`. */
function failedStatementOf(error: unknown): { statement: string; paramCount: number } | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { query, params } = current as { query?: unknown; params?: unknown };
    if (typeof query === 'string') return { statement: query, paramCount: Array.isArray(params) ? params.length : 0 };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The innermost message of the chain: the database's own words, not Drizzle's wrapper (which lists the values). */
function innermostMessage(error: Error): string {
  let message = error.message;
  for (let current: unknown = error.cause, depth = 0; current instanceof Error && depth < 5; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

/**
 * Errors for the log. A failed database statement is logged as its statement text, its parameter count, the
 * SQLSTATE and the constraint — never the parameter values, which Drizzle puts in its message, PGlite in
 * `params` and PostgreSQL in `detail` ("Failing row contains …") and in quoted parts of its message.
 */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const failed = failedStatementOf(value);
  const database = pgErrorOf(value);
  if (!failed && !database) return pino.stdSerializers.err(value);
  const stackFrames = (value.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
  return {
    type: value.name,
    message: failed ? `Failed query with ${failed.paramCount} parameters: ${failed.statement}` : 'Database error',
    ...(failed ?? {}),
    // `code` would be redacted (REDACTED_PATHS hides `*.code`, the WeChat login code): the SQLSTATE goes by its name.
    ...(database
      ? { sqlState: database.code, constraint: database.constraint, table: database.table, column: database.column }
      : {}),
    databaseMessage: innermostMessage(value)
      .replace(/"[^"]*"/g, '"…"')
      .split('\n')[0],
    stack: stackFrames.join('\n'),
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      // The pid tells apart the lines of the processes of one server (WEB_CONCURRENCY > 1).
      base: { service: 'member-ops', pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
