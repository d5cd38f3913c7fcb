/**
 * Event ingestion benchmark: the real server over real HTTP on a fresh database; `clients` shoppers sign in
 * through the WeChat sandbox and each posts `batches` batches of `batchSize` events back to back, concurrently.
 * Afterwards every client re-sends a tenth of its batches (a flaky network's retries), and SQL checks that each
 * sent event is stored exactly once and the activity counters agree.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { EventBatchResponse, EventInput, WechatLoginResponse } from '@member-ops/shared';
import { execute, type DatabaseKind } from '../../../server/src/db';
import { registerAuthRoutes } from '../../../server/src/modules/auth';
import { registerEventsRoutes } from '../../../server/src/modules/events';
import { registerMeRoutes } from '../../../server/src/modules/me';
import { startTestServer } from '../../../server/src/testing/server';

export interface EventsBenchOptions {
  kind: DatabaseKind;
  clients: number;
  /** Batches per client. */
  batches: number;
  batchSize: number;
}

export interface EventsBenchResult {
  database: DatabaseKind;
  clients: number;
  /** Distinct events sent in the timed phase. */
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Event rows in the database for the benchmark's members. */
  stored: number;
  /** Stored rows beyond one per client event id (must be 0). */
  duplicates: number;
  /** Sent events with no stored row (must be 0). */
  lost: number;
  /** Batches sent a second time after the timed phase; all their events must come back as duplicates. */
  resentBatches: number;
  /** member_activity's total count equals the stored rows. */
  activityMatches: boolean;
}

/**
 * Every client is its own member, but one client posts far faster than a phone flushes (a phone sends a batch every
 * few seconds), so the per-member limit is lifted here; it is measured separately by the events tests.
 */
const UNLIMITED = { ratePerSecond: 1_000_000, burst: 1_000_000 };

const EVENT_KINDS: ((n: number) => Pick<EventInput, 'type'> & Record<string, unknown>)[] = [
  (n) => ({ type: 'page_view', path: `pages/item/index?id=${n % 500}`, dwellMs: (n * 37) % 20_000 }),
  (n) => ({ type: 'product_view', productId: (n % 500) + 1 }),
  (n) => ({ type: 'search', keyword: ['面霜', '防晒', '口红', '精华'][n % 4] }),
  (n) => ({ type: 'category_view', category: ['skincare', 'makeup', 'fragrance'][n % 3] }),
  (n) => ({ type: 'add_to_cart', productId: (n % 500) + 1, skuId: (n % 1500) + 1 }),
];

function batchOf(client: number, batch: number, size: number, now: number): EventInput[] {
  return Array.from({ length: size }, (_, i) => {
    const n = batch * size + i;
    const kind = EVENT_KINDS[n % EVENT_KINDS.length] as (typeof EVENT_KINDS)[number];
    return {
      ...kind(n),
      clientEventId: `b${client}-${batch}-${i}`,
      occurredAt: new Date(now - (size - i) * 1000).toISOString(),
    } as EventInput;
  });
}

async function postBatch(url: string, token: string, events: EventInput[]): Promise<EventBatchResponse> {
  const response = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ events }),
  });
  const body = (await response.json()) as EventBatchResponse;
  if (response.status !== 200) throw new Error(`POST /api/events answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Signs a shopper in and accepts the privacy policy: events are only taken from members who consented. */
async function signIn(url: string, code: string): Promise<WechatLoginResponse> {
  const response = await fetch(`${url}/api/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  const login = (await response.json()) as WechatLoginResponse;
  const consent = await fetch(`${url}/api/me/privacy-consent`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.token}` },
  });
  if (consent.status !== 200) throw new Error(`privacy consent answered ${consent.status}: ${await consent.text()}`);
  return login;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

export async function runEventsBench(options: EventsBenchOptions): Promise<EventsBenchResult> {
  const { kind, clients, batches, batchSize } = options;
  const server = await startTestServer(kind, {
    registerRoutes: (api, context) => {
      registerAuthRoutes(api, context, { signInRateLimit: UNLIMITED });
      registerMeRoutes(api, context);
      registerEventsRoutes(api, context, { rateLimit: UNLIMITED });
    },
  });
  try {
    const members = await Promise.all(Array.from({ length: clients }, (_, c) => signIn(server.url, `sandbox-bench${c}`)));
    const now = Date.now();
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      members.map(async (login, client) => {
        for (let batch = 0; batch < batches; batch++) {
          const sentAt = performance.now();
          const answer = await postBatch(server.url, login.token, batchOf(client, batch, batchSize, now));
          latencies.push(performance.now() - sentAt);
          if (answer.accepted !== batchSize) throw new Error(`batch ${client}/${batch}: ${JSON.stringify(answer)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const resendEvery = 10;
    let resentBatches = 0;
    await Promise.all(
      members.map(async (login, client) => {
        for (let batch = 0; batch < batches; batch += resendEvery) {
          const answer = await postBatch(server.url, login.token, batchOf(client, batch, batchSize, now));
          if (answer.accepted !== 0 || answer.duplicates !== batchSize) {
            throw new Error(`re-sent batch ${client}/${batch} was stored again: ${JSON.stringify(answer)}`);
          }
          resentBatches += 1;
        }
      }),
    );

    const memberIds = sql.join(
      members.map((m) => sql`${m.member.id}`),
      sql`, `,
    );
    const [counts] = await execute<{ stored: number; distinct_ids: number; activity: number }>(
      server.testDatabase.database.db,
      sql`select (select count(*)::int from events where member_id in (${memberIds})) as stored,
                 (select count(distinct (member_id, client_event_id))::int from events where member_id in (${memberIds})) as distinct_ids,
                 (select coalesce(sum(event_count), 0)::int from member_activity where member_id in (${memberIds})) as activity`,
    );
    const sent = clients * batches * batchSize;
    const stored = counts?.stored ?? 0;
    const distinctIds = counts?.distinct_ids ?? 0;
    latencies.sort((a, b) => a - b);
    return {
      database: kind,
      clients,
      events: sent,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: Math.round(sent / seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      stored,
      duplicates: stored - distinctIds,
      lost: sent - distinctIds,
      resentBatches,
      activityMatches: counts?.activity === stored,
    };
  } finally {
    await server.stop();
  }
}
