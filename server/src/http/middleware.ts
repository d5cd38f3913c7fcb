import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger';
import { AppError, databaseBusyError } from '../errors';
import { databaseTimeoutOf } from '../db/unavailable';
import { isDatabaseUnavailable } from '../db/pg-error';

/** Seconds a client is asked to wait before retrying a 503 (database unreachable, WeChat down). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

declare module 'koa' {
  interface DefaultState {
    requestId: string;
  }
  interface DefaultContext {
    log: Logger;
  }
}

/** Gives every request an id (honouring a sane incoming `X-Request-Id`) and a child logger; logs one line per request. */
export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    ctx.log = logger.child({ requestId });
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      // Only the path: query strings may carry codes or tokens.
      ctx.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms }, 'request');
    }
  };
}

/**
 * The one error path. `AppError` → its status and `{ error: { code, message, fields? } }`;
 * body-parser and other http-errors with `expose` keep their status; an unreachable database is a 503 with
 * Retry-After; anything else is a masked 500.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const appError = toAppError(err);
      const databaseTimeout = databaseTimeoutOf(err);
      if (databaseTimeout) {
        // Not the error itself: Drizzle's message carries the query's parameters.
        ctx.log.warn({ databaseTimeout, requestId: ctx.state.requestId }, 'database limit reached');
      } else if (appError.status >= 500) {
        ctx.log.error({ err, requestId: ctx.state.requestId }, 'request failed');
      }
      const retryAfter = appError.retryAfter ?? (appError.code === 'UNAVAILABLE' ? UNAVAILABLE_RETRY_AFTER_SECONDS : undefined);
      if (retryAfter !== undefined) ctx.set('Retry-After', String(retryAfter));
      // An error is about this request at this moment: no cache may keep it, whatever a route had set.
      ctx.remove('ETag');
      ctx.set('Cache-Control', 'no-store');
      ctx.status = appError.status;
      ctx.body = {
        error: {
          code: appError.code,
          message: appError.message,
          ...(appError.fields ? { fields: appError.fields } : {}),
          ...(appError.status >= 500 ? { requestId: ctx.state.requestId } : {}),
        },
      };
    }
  };
}

/** Errors of the body parser (co-body / raw-body) as client errors. */
export function bodyParseError(err: unknown): AppError {
  const status = (err as { status?: unknown }).status;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
  return new AppError('BAD_REQUEST', 'Malformed request body: expected valid JSON');
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (databaseTimeoutOf(err)) return databaseBusyError();
  const httpError = err as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  if (typeof httpError.status === 'number' && httpError.expose === true) {
    if (httpError.status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    if (httpError.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
    if (httpError.status === 400) return new AppError('BAD_REQUEST', 'Malformed request body');
    return new AppError('BAD_REQUEST', String(httpError.message), undefined, httpError.status);
  }
  // A lost or refused database connection is worth a retry; a failed statement is not.
  if (isDatabaseUnavailable(err)) return new AppError('UNAVAILABLE', '服务暂时不可用，请稍后重试');
  return new AppError('INTERNAL', 'Internal server error');
}

/** The policy of every API answer: nothing may load or run from it, nor frame it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Conservative security headers for an API that also serves the console and the h5 shop. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-site');
    if (ctx.path.startsWith('/api/')) {
      ctx.set('Cache-Control', 'no-store');
      // JSON is never a document; a route that serves a page (the docs) sets its own policy.
      ctx.set('Content-Security-Policy', API_CSP);
    }
    await next();
  };
}

/** Counts requests in flight so shutdown can wait for them to finish. */
export function inflightTracker(): { middleware: Middleware; count: () => number; idle: () => Promise<void> } {
  let inflight = 0;
  let waiters: (() => void)[] = [];
  const middleware: Middleware = async (_ctx, next) => {
    inflight += 1;
    try {
      await next();
    } finally {
      inflight -= 1;
      if (inflight === 0) {
        for (const resolve of waiters) resolve();
        waiters = [];
      }
    }
  };
  return {
    middleware,
    count: () => inflight,
    idle: () => (inflight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
