import { createHash } from 'node:crypto';
import type { Context } from 'koa';

/** How long browsers and shared caches (a CDN) may keep a public answer. */
export interface PublicCachePolicy {
  /** `max-age`: fresh for this many seconds. */
  maxAgeSeconds: number;
  /** `stale-while-revalidate`: then served stale for this many more while one request refreshes it. */
  staleWhileRevalidateSeconds?: number;
}

/** A public answer serialized once: the JSON body and its strong ETag (a hash of exactly those bytes). */
export interface SerializedAnswer {
  body: string;
  etag: string;
}

export interface PublicAnswerCacheOptions {
  /** How long an answer is reused, counted from the moment its query started; 0 turns the cache off. */
  ttlMs: number;
  /** Least recently used answers are dropped beyond this many. */
  maxEntries: number;
  clock: () => Date;
}

export interface PublicAnswerCache {
  /**
   * The answer stored under `key` if it is younger than the TTL; otherwise `compute`'s, stored on success. Callers
   * asking for a key while its computation runs share that computation (one database query for a crowd). A failure
   * is given to every caller waiting on it and never stored.
   */
  get: (key: string, compute: () => Promise<SerializedAnswer>) => Promise<SerializedAnswer>;
  /** Counters for tests and diagnostics. */
  stats: () => { entries: number; computations: number; sharedWaits: number; hits: number };
}

interface Entry {
  answer: SerializedAnswer;
  startedAtMs: number;
}

export function serializeAnswer(value: unknown): SerializedAnswer {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** An in-process micro-cache of public answers; each server process has its own. */
export function publicAnswerCache(options: PublicAnswerCacheOptions): PublicAnswerCache {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<SerializedAnswer>>();
  const counters = { computations: 0, sharedWaits: 0, hits: 0 };

  // A clock that went backwards makes an entry look young for too long: only [start, start + TTL) counts as fresh.
  const isFresh = (entry: Entry, nowMs: number) => nowMs >= entry.startedAtMs && nowMs - entry.startedAtMs < options.ttlMs;

  const compute = (key: string, work: () => Promise<SerializedAnswer>): Promise<SerializedAnswer> => {
    counters.computations += 1;
    const startedAtMs = options.clock().getTime();
    const running = work()
      .then((answer) => {
        entries.delete(key);
        entries.set(key, { answer, startedAtMs });
        while (entries.size > options.maxEntries) {
          const oldest = entries.keys().next().value as string;
          entries.delete(oldest);
        }
        return answer;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, running);
    return running;
  };

  return {
    get: (key, work) => {
      if (options.ttlMs <= 0) {
        counters.computations += 1;
        return work();
      }
      const entry = entries.get(key);
      if (entry && isFresh(entry, options.clock().getTime())) {
        counters.hits += 1;
        // Most recently used last: the Map's order is the eviction order.
        entries.delete(key);
        entries.set(key, entry);
        return Promise.resolve(entry.answer);
      }
      const running = inFlight.get(key);
      if (running) {
        counters.sharedWaits += 1;
        return running;
      }
      return compute(key, work);
    },
    stats: () => ({ entries: entries.size, ...counters }),
  };
}

/** `Cache-Control` of a public answer. */
export function publicCacheControl(policy: PublicCachePolicy): string {
  const swr = policy.staleWhileRevalidateSeconds;
  return `public, max-age=${policy.maxAgeSeconds}${swr ? `, stale-while-revalidate=${swr}` : ''}`;
}

/**
 * Sends a public answer with its ETag and Cache-Control; a GET or HEAD whose If-None-Match names that ETag gets
 * 304 Not Modified with no body.
 */
export function sendPublicAnswer(ctx: Context, answer: SerializedAnswer, policy: PublicCachePolicy, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = answer.body;
  ctx.set('ETag', answer.etag);
  ctx.set('Cache-Control', publicCacheControl(policy));
  // The CORS header differs by Origin; nothing else in the answer depends on the request beyond its URL.
  ctx.vary('Origin');
  if (ifNoneMatchNames(ctx.get('if-none-match'), answer.etag)) ctx.status = 304;
}

/**
 * RFC 9110 §13.1.2: If-None-Match names the current representation (weak comparison, or `*`). Unlike `ctx.fresh`,
 * a request's `Cache-Control: no-cache` does not matter here: it tells caches to revalidate, which is this request.
 */
export function ifNoneMatchNames(header: string, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** A key that names the same request however its query was spelled: the parsed input, object keys sorted. */
export function canonicalKey(path: string, input: unknown): string {
  return `${path} ${JSON.stringify(input, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )}`;
}
