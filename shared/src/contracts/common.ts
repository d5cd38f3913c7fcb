import { z } from 'zod';

/** Every error the API returns has this shape. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' }),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'ErrorResponse' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.number().int().nonnegative(),
    database: z.object({
      ok: z.boolean(),
      kind: z.enum(['pglite', 'postgres']),
      latencyMs: z.number().nonnegative().nullable(),
      error: z.string().optional(),
    }),
    wechatMode: z.enum(['sandbox', 'live']),
    /** Which server process answered: with WEB_CONCURRENCY > 1, its cluster worker id (restarts get new ids). */
    process: z.object({ pid: z.number().int().positive(), worker: z.number().int().positive().nullable() }),
  })
  .meta({ id: 'HealthResponse' });
export type HealthResponse = z.infer<typeof HealthResponse>;

/** Paging parameters shared by list endpoints. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const UNSAFE_TEXT_MESSAGE = '不能包含空字符（NUL）或不成对的代理字符';

/**
 * True when `value` holds no NUL (which PostgreSQL text and jsonb refuse) and no UTF-16 surrogate without its
 * partner (which no encoding can store; drivers would silently turn it into U+FFFD). Nothing a person types
 * contains either. A loop, not a regex: the mini-program's older JavaScript engines have no lookbehind.
 */
export function isSafeText(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit === 0) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      index++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * Free text from a client: at most `max` characters, no NUL and no unpaired surrogate; trimmed and non-empty
 * unless told otherwise. Every string a request carries goes through this (or a regex that admits neither).
 *
 * @example
 * const SaveNote = z.object({ note: text(200), memo: text(500, { min: 0 }).optional(), password: text(256, { trim: false }) });
 */
export function text(max: number, options: { min?: number; trim?: boolean } = {}) {
  const base = options.trim === false ? z.string() : z.string().trim();
  return base
    .min(options.min ?? 1)
    .max(max)
    .refine(isSafeText, UNSAFE_TEXT_MESSAGE);
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const JSON_MAX_DEPTH = 32;
export const JSON_MAX_NODES = 10_000;

/** The first reason `value` is not plain, bounded JSON data, or undefined when it is. Iterative: any depth is safe. */
function jsonProblem(value: unknown): { path: (string | number)[]; message: string } | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let nodes = 0; stack.length > 0; nodes++) {
    if (nodes >= JSON_MAX_NODES) return { path: [], message: `至多 ${JSON_MAX_NODES} 个值` };
    const { value: current, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (path.length > JSON_MAX_DEPTH) return { path: path.slice(0, JSON_MAX_DEPTH), message: `嵌套至多 ${JSON_MAX_DEPTH} 层` };
    if (typeof current === 'string') {
      if (!isSafeText(current)) return { path, message: UNSAFE_TEXT_MESSAGE };
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path, message: '数字超出范围' };
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (UNSAFE_KEYS.has(key) || !isSafeText(key) || key.length > 64) return { path: [...path, key], message: '不允许的键名' };
        stack.push({ value: item, path: [...path, key] });
      }
    } else if (typeof current !== 'boolean' && current !== null) {
      return { path, message: '不是 JSON 值' };
    }
  }
  return undefined;
}

/**
 * Any JSON value a client may send where the contract leaves the shape to a later parser (segment rules, rule
 * configs, event payloads): at most JSON_MAX_DEPTH levels and JSON_MAX_NODES values, finite numbers, safe text,
 * and no `__proto__` / `constructor` / `prototype` keys.
 */
export const JsonInput = z.unknown().superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
});
