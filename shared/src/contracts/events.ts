import { z } from 'zod';
import { JsonInput, text } from './common';

/** Limits of the event ingestion endpoint; the tracking client batches within them. */
export const EVENT_BATCH_MAX = 100;
/** Events stamped further ahead than this are clamped to the server's time. */
export const EVENT_MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Events older than this are rejected (the receipts that make retries idempotent are kept this long). */
export const EVENT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

const productId = z.int().positive().max(Number.MAX_SAFE_INTEGER);

const EventBase = z.object({
  clientEventId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only (a UUID fits)')
    .meta({ description: 'Unique per member; a retried event with the same id is acknowledged, not stored again' }),
  occurredAt: z.iso.datetime({ offset: true }).meta({ description: 'Client time of the event (ISO 8601)' }),
  path: text(256).optional().meta({ description: 'Mini-program page path' }),
  dwellMs: z
    .int()
    .nonnegative()
    .max(24 * 60 * 60 * 1000)
    .optional(),
  productId: productId.optional(),
  skuId: productId.optional(),
  category: text(64).optional(),
  keyword: text(100).optional(),
  payload: z
    .record(text(64, { min: 0, trim: false }), JsonInput)
    .refine((value) => JSON.stringify(value).length <= 2048, 'at most 2 KB of JSON')
    .optional(),
});

/** One behaviour event; the fields a type needs are required for that type. */
export const EventInput = z.discriminatedUnion('type', [
  EventBase.extend({ type: z.literal('page_view'), path: text(256) }),
  EventBase.extend({ type: z.literal('product_view'), productId }),
  EventBase.extend({ type: z.literal('search'), keyword: text(100) }),
  EventBase.extend({ type: z.literal('category_view'), category: text(64) }),
  EventBase.extend({ type: z.literal('add_to_cart'), productId }),
  EventBase.extend({ type: z.literal('favorite'), productId }),
  EventBase.extend({ type: z.literal('share') }),
  EventBase.extend({ type: z.literal('comment'), productId }),
  EventBase.extend({ type: z.literal('coupon_claim') }),
  EventBase.extend({ type: z.literal('sign_in') }),
]);
export type EventInput = z.infer<typeof EventInput>;

export const EventBatchRequest = z
  .object({ events: z.array(EventInput).min(1).max(EVENT_BATCH_MAX) })
  .meta({ id: 'EventBatchRequest' });
export type EventBatchRequest = z.infer<typeof EventBatchRequest>;

export const EVENT_REJECTION_REASONS = ['too_old'] as const;

export const EventBatchResponse = z
  .object({
    accepted: z.int().nonnegative().meta({ description: 'Events stored by this request' }),
    duplicates: z
      .int()
      .nonnegative()
      .meta({ description: 'Events already received (earlier or within this batch): acknowledged, not stored again' }),
    clamped: z.int().nonnegative().meta({ description: 'Accepted events whose future time was set to the server time' }),
    clampedEventIds: z.array(z.string()),
    rejected: z.array(z.object({ clientEventId: z.string(), reason: z.enum(EVENT_REJECTION_REASONS) })),
  })
  .meta({ id: 'EventBatchResponse' });
export type EventBatchResponse = z.infer<typeof EventBatchResponse>;
