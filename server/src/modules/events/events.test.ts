import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatchResponse } from '@member-ops/shared';
import { DATABASE_KINDS, execute } from '../../db';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerAuthRoutes } from '../auth';
import { call, signIn } from '../auth/auth.testing';
import { registerMeRoutes } from '../me';
import { registerEventsRoutes } from './events.routes';

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = new Date('2026-05-10T04:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

for (const kind of DATABASE_KINDS) {
  describe(`events [${kind}]`, () => {
    let server: TestServer;
    const db = () => server.testDatabase.database.db;
    const post = (token: string, events: unknown[]) =>
      call<EventBatchResponse & { error?: { fields?: { field: string }[] } }>(server.url, 'POST', '/api/events', token, {
        events,
      });
    const storedCount = async (memberId: number) =>
      (await execute<{ n: number }>(db(), sql`select count(*)::int as n from events where member_id = ${memberId}`))[0]?.n;

    /** A signed-in shopper who accepted the privacy policy, as the mini-program's first launch does. */
    const consentingMember = async (code: string) => {
      const login = await signIn(server.url, code);
      expect((await call(server.url, 'POST', '/api/me/privacy-consent', login.token)).status).toBe(200);
      return login;
    };

    beforeAll(async () => {
      server = await startTestServer(kind, {
        now: NOW,
        registerRoutes: (api, context) => {
          registerAuthRoutes(api, context);
          registerMeRoutes(api, context);
          registerEventsRoutes(api, context);
        },
      });
    }, 60_000);
    afterAll(async () => {
      await server.stop();
    });

    it('refuses every batch from a member without privacy consent, storing and counting nothing', async () => {
      const { token, member } = await signIn(server.url, 'sandbox-no-consent');
      const batch = [
        { type: 'page_view', clientEventId: 'n1', occurredAt: at(-MINUTE), path: 'pages/index/index?utm=x', dwellMs: 800 },
        { type: 'search', clientEventId: 'n2', occurredAt: at(0), keyword: '面霜' },
      ];
      const refused = await call<{ error: { code: string; message: string } }>(server.url, 'POST', '/api/events', token, {
        events: batch,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('CONSENT_REQUIRED');
      expect(refused.body.error.message).toMatch(/隐私政策/);
      // A batch whose events would all be dropped by triage (too old) is refused the same way.
      const old = await call(server.url, 'POST', '/api/events', token, {
        events: [{ type: 'sign_in', clientEventId: 'n3', occurredAt: at(-40 * DAY) }],
      });
      expect(old.status).toBe(403);
      const counts = await execute<{ events: number; receipts: number; activity: number; score: number | null }>(
        db(),
        sql`select (select count(*) from events where member_id = ${member.id})::int as events,
                   (select count(*) from event_receipts where member_id = ${member.id})::int as receipts,
                   (select count(*) from member_activity where member_id = ${member.id})::int as activity,
                   (select activity_score from member_metrics where member_id = ${member.id}) as score`,
      );
      expect(counts[0]).toMatchObject({ events: 0, receipts: 0, activity: 0 });
      expect(counts[0]?.score ?? 0).toBe(0);

      // After consent the same batch is accepted in full: the refusal left no receipt behind.
      expect((await call(server.url, 'POST', '/api/me/privacy-consent', token)).status).toBe(200);
      const accepted = await post(token, batch);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(await storedCount(member.id)).toBe(2);
    });

    it('stores each client event once across and within batches, and keeps activity counters exact', async () => {
      const { token, member } = await consentingMember('sandbox-eve');
      const first = await post(token, [
        { type: 'page_view', clientEventId: 'e1', occurredAt: at(-10 * MINUTE), path: 'pages/index/index', dwellMs: 3000 },
        { type: 'page_view', clientEventId: 'e2', occurredAt: at(-5 * MINUTE), path: 'pages/item/index', dwellMs: 1500 },
        { type: 'search', clientEventId: 'e3', occurredAt: at(-4 * MINUTE), keyword: '面霜' },
        { type: 'page_view', clientEventId: 'e1', occurredAt: at(-10 * MINUTE), path: 'pages/index/index', dwellMs: 3000 },
      ]);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ accepted: 3, duplicates: 1, clamped: 0, clampedEventIds: [], rejected: [] });

      const retry = await post(token, [
        { type: 'page_view', clientEventId: 'e2', occurredAt: at(-5 * MINUTE), path: 'pages/item/index', dwellMs: 1500 },
        { type: 'product_view', clientEventId: 'e4', occurredAt: at(-3 * MINUTE), productId: 42, skuId: 420 },
        { type: 'page_view', clientEventId: 'e5', occurredAt: at(-2 * MINUTE), path: 'pages/cart/index', dwellMs: 500 },
      ]);
      expect(retry.body).toMatchObject({ accepted: 2, duplicates: 1 });
      expect(await storedCount(member.id)).toBe(5);

      const activity = await execute<{
        event_type: string;
        event_count: number;
        dwell_ms_total: number;
        first_at: Date;
        last_at: Date;
      }>(
        db(),
        sql`select event_type, event_count, dwell_ms_total, first_at, last_at from member_activity
            where member_id = ${member.id} order by event_type`,
      );
      expect(activity).toEqual([
        {
          event_type: 'page_view',
          event_count: 3,
          dwell_ms_total: 5000,
          first_at: new Date(at(-10 * MINUTE)),
          last_at: new Date(at(-2 * MINUTE)),
        },
        {
          event_type: 'product_view',
          event_count: 1,
          dwell_ms_total: 0,
          first_at: new Date(at(-3 * MINUTE)),
          last_at: new Date(at(-3 * MINUTE)),
        },
        {
          event_type: 'search',
          event_count: 1,
          dwell_ms_total: 0,
          first_at: new Date(at(-4 * MINUTE)),
          last_at: new Date(at(-4 * MINUTE)),
        },
      ]);
      const [productView] = await execute<{ product_id: number; payload: unknown }>(
        db(),
        sql`select product_id, payload from events where member_id = ${member.id} and client_event_id = 'e4'`,
      );
      expect(productView).toEqual({ product_id: 42, payload: { skuId: 420 } });
    });

    it('clamps future events to the server time and rejects events older than 30 days', async () => {
      const { token, member } = await consentingMember('sandbox-frank');
      const response = await post(token, [
        { type: 'sign_in', clientEventId: 'future', occurredAt: at(2 * DAY) },
        { type: 'sign_in', clientEventId: 'slightly-ahead', occurredAt: at(4 * MINUTE) },
        { type: 'share', clientEventId: 'ancient', occurredAt: at(-31 * DAY) },
        { type: 'category_view', clientEventId: 'last-month', occurredAt: at(-20 * DAY), category: 'skincare' },
      ]);
      expect(response.body).toEqual({
        accepted: 3,
        duplicates: 0,
        clamped: 1,
        clampedEventIds: ['future'],
        rejected: [{ clientEventId: 'ancient', reason: 'too_old' }],
      });
      const rows = await execute<{ client_event_id: string; occurred_at: Date }>(
        db(),
        sql`select client_event_id, occurred_at from events where member_id = ${member.id} order by client_event_id`,
      );
      expect(rows).toEqual([
        { client_event_id: 'future', occurred_at: NOW },
        { client_event_id: 'last-month', occurred_at: new Date(at(-20 * DAY)) },
        { client_event_id: 'slightly-ahead', occurred_at: new Date(at(4 * MINUTE)) },
      ]);
    });

    it('refuses a batch with a bad event, naming the field, and stores none of it', async () => {
      const { token, member } = await consentingMember('sandbox-gina');
      const good = (n: number) => ({ type: 'sign_in', clientEventId: `g${n}`, occurredAt: at(0) });
      const response = await post(token, [good(0), good(1), good(2), { type: 'search', clientEventId: 'g3', occurredAt: at(0) }]);
      expect(response.status).toBe(400);
      expect(response.body.error?.fields?.map((f) => f.field)).toEqual(['body.events.3.keyword']);

      const badType = await post(token, [{ type: 'teleport', clientEventId: 'g4', occurredAt: at(0) }]);
      expect(badType.status).toBe(400);
      expect(badType.body.error?.fields?.[0]?.field).toBe('body.events.0.type');
      const tooMany = await post(
        token,
        Array.from({ length: 101 }, (_, n) => good(n)),
      );
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error?.fields?.[0]?.field).toBe('body.events');
      expect((await post(token, [])).status).toBe(400);
      const badTime = await post(token, [{ ...good(5), occurredAt: 'yesterday' }]);
      expect(badTime.body.error?.fields?.[0]?.field).toBe('body.events.0.occurredAt');
      expect(await storedCount(member.id)).toBe(0);
      expect((await call(server.url, 'POST', '/api/events', undefined, { events: [good(6)] })).status).toBe(401);
    });

    it('answers 429 with Retry-After once a member exceeds the burst', async () => {
      const { token, member } = await consentingMember('sandbox-hank');
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let n = 0; n < 41; n++) {
        const response = await post(token, [{ type: 'sign_in', clientEventId: randomUUID(), occurredAt: at(0) }]);
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
      }
      // The test clock stands still, so no tokens come back: exactly the burst of 40 gets through.
      expect(statuses.filter((status) => status === 200)).toHaveLength(40);
      expect(statuses[40]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(await storedCount(member.id)).toBe(40);
      // Another member is not affected.
      const other = await consentingMember('sandbox-ivy');
      expect((await post(other.token, [{ type: 'sign_in', clientEventId: 'x', occurredAt: at(0) }])).status).toBe(200);
      server.setNow(new Date(NOW.getTime() + 1000));
      expect((await post(token, [{ type: 'sign_in', clientEventId: 'after-wait', occurredAt: at(0) }])).status).toBe(200);
    });

    it('counts concurrent retries of the same batch once', async () => {
      const { token, member } = await consentingMember('sandbox-jack');
      const batch = Array.from({ length: 20 }, (_, n) => ({
        type: 'favorite',
        clientEventId: `j${n}`,
        occurredAt: at(0),
        productId: n + 1,
      }));
      const answers = await Promise.all([1, 2, 3, 4].map(() => post(token, batch)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(answers.reduce((sum, a) => sum + a.body.accepted, 0)).toBe(20);
      expect(answers.reduce((sum, a) => sum + a.body.duplicates, 0)).toBe(60);
      expect(await storedCount(member.id)).toBe(20);
      const [activity] = await execute<{ event_count: number }>(
        db(),
        sql`select event_count from member_activity where member_id = ${member.id} and event_type = 'favorite'`,
      );
      expect(activity?.event_count).toBe(20);
    });
  });
}
