import {
  EVENT_MAX_AGE_MS,
  EVENT_MAX_FUTURE_SKEW_MS,
  type EventBatchResponse,
  type EventInput,
  type EventType,
} from '@member-ops/shared';

/** An event ready for the insert, in the events table's terms. */
export interface EventRow {
  client_event_id: string;
  type: EventType;
  occurred_at: string;
  page: string | null;
  product_id: number | null;
  category: string | null;
  keyword: string | null;
  dwell_ms: number | null;
  payload: Record<string, unknown>;
}

export interface TriagedBatch {
  /** Distinct, in-range events, sorted by client id (a stable lock order for concurrent batches of one member). */
  rows: EventRow[];
  duplicatesInBatch: number;
  clampedIds: Set<string>;
  rejected: EventBatchResponse['rejected'];
}

/**
 * Decides what to do with each event of a batch before anything is written: later copies of a client id within
 * the batch are duplicates; an event more than EVENT_MAX_FUTURE_SKEW_MS ahead of `now` is clamped to `now`
 * (a phone clock set wrong must not put events in the future); one older than EVENT_MAX_AGE_MS is rejected,
 * since its receipt may already be pruned and a retry could otherwise count twice.
 *
 * @example triageEvents([{ type: 'sign_in', clientEventId: 'a', occurredAt: '2026-01-01T00:00:00Z' }], now).rows.length // 1
 */
export function triageEvents(events: readonly EventInput[], now: Date): TriagedBatch {
  const seen = new Set<string>();
  const rows: EventRow[] = [];
  const clampedIds = new Set<string>();
  const rejected: EventBatchResponse['rejected'] = [];
  let duplicatesInBatch = 0;
  for (const event of events) {
    if (seen.has(event.clientEventId)) {
      duplicatesInBatch += 1;
      continue;
    }
    seen.add(event.clientEventId);
    const occurredAt = new Date(event.occurredAt);
    if (now.getTime() - occurredAt.getTime() > EVENT_MAX_AGE_MS) {
      rejected.push({ clientEventId: event.clientEventId, reason: 'too_old' });
      continue;
    }
    const clamped = occurredAt.getTime() - now.getTime() > EVENT_MAX_FUTURE_SKEW_MS;
    if (clamped) clampedIds.add(event.clientEventId);
    rows.push({
      client_event_id: event.clientEventId,
      type: event.type,
      occurred_at: (clamped ? now : occurredAt).toISOString(),
      page: event.path ?? null,
      product_id: event.productId ?? null,
      category: event.category ?? null,
      keyword: event.keyword ?? null,
      dwell_ms: event.dwellMs ?? null,
      payload: { ...event.payload, ...(event.skuId === undefined ? {} : { skuId: event.skuId }) },
    });
  }
  rows.sort((a, b) => (a.client_event_id < b.client_event_id ? -1 : a.client_event_id > b.client_event_id ? 1 : 0));
  return { rows, duplicatesInBatch, clampedIds, rejected };
}
