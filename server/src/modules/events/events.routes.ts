import { EventBatchRequest, EventBatchResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { recordEvents } from './events.service';
import { DEFAULT_EVENTS_RATE_LIMIT, memberRateLimit, type RateLimit } from './rate-limit';

export interface EventsRouteOptions {
  /** Per-member limit on batches; relaxed by load tests. */
  rateLimit?: RateLimit;
}

export function registerEventsRoutes(api: ApiRouter, context: ServerContext, options: EventsRouteOptions = {}): void {
  const rateLimit = options.rateLimit ?? DEFAULT_EVENTS_RATE_LIMIT;
  api.add({
    method: 'post',
    path: '/events',
    summary: 'Record a batch of behaviour events (idempotent by client event id)',
    description: [
      'Up to 100 events per batch; each type requires its own fields (page_view: path, product_view / add_to_cart /',
      'favorite / comment: productId, search: keyword, category_view: category); a bad event is a 400 naming',
      '`body.events.<i>.<field>` and nothing of the batch is stored.',
      'An event whose clientEventId this member already sent (earlier, or earlier in the same batch) is acknowledged',
      'in `duplicates` and not stored again.',
      'Clock skew: an event more than 5 minutes in the future is stored with the server time instead (listed in',
      '`clampedEventIds`); an event older than 30 days is not stored and listed in `rejected` with reason `too_old`.',
      'Per-member activity counters are updated in the same statement as the events.',
      'A member who has not accepted the privacy policy (POST /api/me/privacy-consent) gets 403 CONSENT_REQUIRED with a',
      'Chinese message and nothing of the batch is stored or counted; the client drops its queue and stops tracking.',
      `Rate limit: ${rateLimit.ratePerSecond} batches per second per member with bursts of ${rateLimit.burst}, counted per`,
      'server process; over it the answer is 429 RATE_LIMITED with Retry-After.',
    ].join(' '),
    tags: ['events'],
    security: ['member'],
    middleware: [memberAuth(context.database, context.clock), memberRateLimit(rateLimit, context.clock)],
    body: EventBatchRequest,
    response: EventBatchResponse,
    errors: [401, 403, 429],
    handler: ({ body }, ctx) => recordEvents(context.database, currentMember(ctx).id, body.events, context.clock()),
  });
}
