import type { Middleware } from 'koa';
import { AppError } from '../../errors';
import { currentMember } from '../../http/auth';

export interface RateLimit {
  /** Sustained requests per second per member. */
  ratePerSecond: number;
  /** Requests a member may send at once after being idle. */
  burst: number;
}

/** A tracking client flushes every few seconds; this leaves room for offline backlogs without letting one member flood. */
export const DEFAULT_EVENTS_RATE_LIMIT: RateLimit = { ratePerSecond: 20, burst: 40 };

/** Idle buckets are full again and can be forgotten; swept when the map grows past this. */
const SWEEP_THRESHOLD = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per member, in this process's memory: with several server processes each grants the full rate,
 * so the effective limit is the per-process limit times the number of processes. Runs after memberAuth.
 * Over the limit → 429 RATE_LIMITED with Retry-After (whole seconds until one token is back).
 */
export function memberRateLimit(limit: RateLimit, clock: () => Date): Middleware {
  const buckets = new Map<number, Bucket>();
  const refill = (bucket: Bucket, at: number) =>
    Math.min(limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * limit.ratePerSecond);

  return async (ctx, next) => {
    const memberId = currentMember(ctx).id;
    const at = clock().getTime();
    if (buckets.size > SWEEP_THRESHOLD) {
      for (const [id, bucket] of buckets) if (refill(bucket, at) >= limit.burst) buckets.delete(id);
    }
    const bucket = buckets.get(memberId) ?? { tokens: limit.burst, at };
    const tokens = refill(bucket, at);
    if (tokens < 1) {
      buckets.set(memberId, { tokens, at });
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((1 - tokens) / limit.ratePerSecond))));
      throw new AppError('RATE_LIMITED', 'Too many event batches; wait before sending more');
    }
    buckets.set(memberId, { tokens: tokens - 1, at });
    await next();
  };
}
