import type { Middleware } from 'koa';
import { currentMember } from '../../http/auth';
import { rateLimit, type RateLimit } from '../../http/rate-limit';

export type { RateLimit };

/** A tracking client flushes every few seconds; this leaves room for offline backlogs without letting one member flood. */
export const DEFAULT_EVENTS_RATE_LIMIT: RateLimit = { ratePerSecond: 20, burst: 40 };

/**
 * A token bucket per member, in this process's memory (see tokenBuckets). Runs after memberAuth.
 * Over the limit → 429 RATE_LIMITED with Retry-After (whole seconds until one token is back).
 */
export function memberRateLimit(limit: RateLimit, clock: () => Date): Middleware {
  return rateLimit({
    limit,
    clock,
    keyOf: (ctx) => currentMember(ctx).id,
    message: 'Too many event batches; wait before sending more',
  });
}
