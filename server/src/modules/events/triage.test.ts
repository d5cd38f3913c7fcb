import { describe, expect, it } from 'vitest';
import type { EventInput } from '@member-ops/shared';
import { triageEvents } from './triage';

const now = new Date('2026-05-10T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('triageEvents', () => {
  it('keeps the first copy of a client id and counts the others as duplicates', () => {
    const events: EventInput[] = [
      { type: 'search', clientEventId: 'b', occurredAt: at(0), keyword: '防晒' },
      { type: 'sign_in', clientEventId: 'a', occurredAt: at(0) },
      { type: 'search', clientEventId: 'b', occurredAt: at(-MINUTE), keyword: '口红' },
    ];
    const batch = triageEvents(events, now);
    expect(batch.rows.map((row) => [row.client_event_id, row.keyword])).toEqual([
      ['a', null],
      ['b', '防晒'],
    ]);
    expect(batch.duplicatesInBatch).toBe(1);
  });

  it('clamps events more than five minutes ahead to now and rejects events older than 30 days', () => {
    const events: EventInput[] = [
      { type: 'sign_in', clientEventId: 'ahead-ok', occurredAt: at(5 * MINUTE) },
      { type: 'sign_in', clientEventId: 'ahead', occurredAt: at(5 * MINUTE + 1) },
      { type: 'sign_in', clientEventId: 'old-ok', occurredAt: at(-30 * DAY) },
      { type: 'sign_in', clientEventId: 'old', occurredAt: at(-30 * DAY - 1) },
    ];
    const batch = triageEvents(events, now);
    expect([...batch.clampedIds]).toEqual(['ahead']);
    expect(batch.rows.find((row) => row.client_event_id === 'ahead')?.occurred_at).toBe(now.toISOString());
    expect(batch.rows.find((row) => row.client_event_id === 'ahead-ok')?.occurred_at).toBe(at(5 * MINUTE));
    expect(batch.rejected).toEqual([{ clientEventId: 'old', reason: 'too_old' }]);
    expect(batch.rows.map((row) => row.client_event_id)).toEqual(['ahead', 'ahead-ok', 'old-ok']);
  });

  it('keeps the sku in the payload, since events have no sku column', () => {
    const [row] = triageEvents(
      [{ type: 'add_to_cart', clientEventId: 'c', occurredAt: at(0), productId: 7, skuId: 70, payload: { qty: 2 } }],
      now,
    ).rows;
    expect(row).toMatchObject({ product_id: 7, payload: { qty: 2, skuId: 70 } });
  });
});
