import type { Context, Middleware } from 'koa';
import { AppError } from '../errors';

export interface RateLimit {
  /** Sustained requests per second per key. */
  ratePerSecond: number;
  /** Requests a key may send at once after being idle. */
  burst: number;
}

/** Idle buckets are full again and can be forgotten; swept when the map grows past this. */
const SWEEP_THRESHOLD = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per key, in this process's memory: with several server processes each grants the full rate, so
 * the effective limit is the per-process limit times the number of processes.
 * `take` spends one token, or answers how many whole seconds remain until one is back.
 */
export function tokenBuckets<K>(limit: RateLimit, clock: () => Date): { take: (key: K) => number | undefined } {
  const buckets = new Map<K, Bucket>();
  const refill = (bucket: Bucket, at: number) =>
    Math.min(limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * limit.ratePerSecond);
  return {
    take: (key) => {
      const at = clock().getTime();
      if (buckets.size > SWEEP_THRESHOLD) {
        for (const [k, bucket] of buckets) if (refill(bucket, at) >= limit.burst) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at };
      const tokens = refill(bucket, at);
      if (tokens < 1) {
        buckets.set(key, { tokens, at });
        return Math.max(1, Math.ceil((1 - tokens) / limit.ratePerSecond));
      }
      buckets.set(key, { tokens: tokens - 1, at });
      return undefined;
    },
  };
}

/** Over the limit → 429 RATE_LIMITED with Retry-After and `message`; nothing behind it runs. */
export function rateLimit<K>(options: {
  limit: RateLimit;
  clock: () => Date;
  keyOf: (ctx: Context) => K;
  message: string;
}): Middleware {
  const buckets = tokenBuckets<K>(options.limit, options.clock);
  return async (ctx, next) => {
    const retryAfter = buckets.take(options.keyOf(ctx));
    if (retryAfter !== undefined) {
      ctx.set('Retry-After', String(retryAfter));
      throw new AppError('RATE_LIMITED', options.message);
    }
    await next();
  };
}
