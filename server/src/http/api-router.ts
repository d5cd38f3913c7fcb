import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { AppError, type FieldProblem, validationError } from '../errors';
import {
  canonicalKey,
  publicAnswerCache,
  sendPublicAnswer,
  serializeAnswer,
  type PublicAnswerCache,
  type PublicCachePolicy,
} from './public-cache';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

/**
 * One HTTP endpoint: its contracts (zod, from shared/) and its handler. The same definition validates
 * requests and produces the OpenAPI document, so the docs cannot drift from the code.
 */
export interface RouteSpec<B = unknown, Q = unknown, P = unknown, R = unknown> {
  method: Method;
  /** Koa-router path relative to the router prefix, e.g. `/orders/:id`. */
  path: string;
  summary: string;
  tags: string[];
  description?: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  response: z.ZodType<R>;
  /** Success status; 200 unless given. */
  status?: number;
  /** Security scheme names for the docs (e.g. ['member'] or ['staff']). */
  security?: string[];
  /** Run before validation and the handler, e.g. memberAuth / staffAuth / requireRole. */
  middleware?: Middleware[];
  /** Extra documented error statuses besides 400 and 500. */
  errors?: number[];
  /**
   * The answer is the same for everyone who sends the same URL (no sign-in, no personal data): it gets a strong ETag,
   * `Cache-Control: public` with this policy, 304 for a matching If-None-Match, and is kept in the router's micro-cache
   * keyed by the parsed params and query. Such a route has no middleware and its handler does not read `ctx`.
   * Every other /api answer stays `no-store`. Refused input (400) and errors are never cached.
   */
  publicCache?: PublicCachePolicy;
  handler: (input: RouteInput<B, Q, P>, ctx: Context) => Promise<R> | R;
}

/** @koa/router plus the list of route specs for the OpenAPI document. */
export class ApiRouter {
  readonly router: Router;
  readonly specs: RouteSpec[] = [];
  /** Serialized answers of the routes with `publicCache`; off (TTL 0) unless given. */
  readonly publicAnswers: PublicAnswerCache;

  constructor(
    readonly prefix: string,
    options: { publicAnswers?: PublicAnswerCache } = {},
  ) {
    this.router = new Router({ prefix });
    this.publicAnswers = options.publicAnswers ?? publicAnswerCache({ ttlMs: 0, maxEntries: 0, clock: () => new Date() });
  }

  add<B, Q, P, R>(spec: RouteSpec<B, Q, P, R>): this {
    this.specs.push(spec as RouteSpec);
    if (spec.publicCache) return this.addPublic(spec, spec.publicCache);
    this.router[spec.method](spec.path, ...(spec.middleware ?? []), async (ctx) => {
      const input = parseRouteInput(spec, { body: ctx.request.body ?? {}, query: ctx.query, params: ctx.params });
      const defaultStatus = ctx.status;
      const result = await spec.handler(input, ctx);
      // A handler may choose its own status (e.g. 503 from health); otherwise the spec's.
      const chosenStatus = ctx.status === defaultStatus ? (spec.status ?? 200) : ctx.status;
      ctx.body = result;
      ctx.status = chosenStatus;
    });
    return this;
  }

  private addPublic<B, Q, P, R>(spec: RouteSpec<B, Q, P, R>, policy: PublicCachePolicy): this {
    // A middleware may sign someone in or vary the answer by who asks; a shared cache would then leak it.
    if (spec.method !== 'get' || spec.middleware?.length || spec.security?.length) {
      throw new Error(
        `${spec.method.toUpperCase()} ${spec.path}: only a GET with no middleware and no security may be publicly cached`,
      );
    }
    this.router.get(spec.path, async (ctx) => {
      const input = parseRouteInput(spec, { body: {}, query: ctx.query, params: ctx.params });
      const key = canonicalKey(spec.path, { params: input.params, query: input.query });
      const answer = await this.publicAnswers.get(key, async () => serializeAnswer(await spec.handler(input, ctx)));
      sendPublicAnswer(ctx, answer, policy, spec.status ?? 200);
    });
    return this;
  }

  routes() {
    return this.router.routes();
  }

  allowedMethods() {
    return this.router.allowedMethods({ throw: false });
  }
}

/** Validates params, query and body together so one 400 names every bad field. */
function parseRouteInput<B, Q, P>(
  spec: RouteSpec<B, Q, P, unknown>,
  raw: { body: unknown; query: unknown; params: unknown },
): RouteInput<B, Q, P> {
  const problems: FieldProblem[] = [];
  const parse = <T>(schema: z.ZodType<T> | undefined, value: unknown, location: string): T => {
    if (!schema) return undefined as T;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(...(validationError(result.error, location).fields ?? []));
    return undefined as T;
  };
  const input = {
    params: parse(spec.params, raw.params, 'params'),
    query: parse(spec.query, raw.query, 'query'),
    body: parse(spec.body, raw.body, 'body'),
  };
  if (problems.length > 0) {
    const first = problems[0] as FieldProblem;
    throw new AppError('VALIDATION_FAILED', `Invalid input — ${first.field}: ${first.message}`, problems);
  }
  return input;
}
