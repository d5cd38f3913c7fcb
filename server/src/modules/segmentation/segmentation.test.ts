import { sql } from 'drizzle-orm';
import { addDays, computeRfmBaseStats, type EventInput } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../scripts/src/seed';
import { DATABASE_KINDS, execute, type Database } from '../../db';
import { createTestDatabase, type TestDatabase } from '../../testing/database';
import { recordEvents } from '../events/events.service';
import { expectedMetrics, loadHistories, rfmInputOf, storedMetrics, storedStats } from './expected-from-shared';
import { refreshSegments, segmentationConfigAt, type RefreshStage } from './index';
import { TEST_PHONE_KEYS as phoneKeys } from '../../testing/seeded-server';

const NOW = new Date('2026-03-15T04:00:00Z');

/** member_metrics (but updated_at) and the segment_stats row of `asOf`. */
/**
 * What a refresh decides: aggregates, R and the activity score as member_facts shows them (as of the refresh),
 * scores and classifications. Not the bookkeeping instants (segments_as_of, activity_score_at and the values
 * stored with them), which record when a member's row was last written — a refresh writes only the members
 * whose classification changes.
 */
async function snapshot(database: Database, asOf: Date) {
  const metrics = await execute(
    database.db,
    sql`select mm.member_id, mm.orders_total, mm.spend_total_fen, mm.first_order_at, mm.last_order_at, mm.mean_gap_days,
          mm.frequency_365, mm.monetary_365_fen, mm.growth_value_fen, f.recency_days, mm.rfm_r, mm.rfm_f, mm.rfm_m,
          mm.rfm_segment, mm.value_layer, mm.lifecycle, mm.behaviour, f.activity_score, mm.top_categories, mm.top_brands
        from member_metrics mm join member_facts f on f.member_id = mm.member_id order by mm.member_id`,
  );
  const stats = await execute(
    database.db,
    sql`select as_of, window_days, buyers, recency_cuts, frequency_cuts, monetary_cuts, recency_mean, frequency_mean,
          monetary_mean, value_layer_cuts, details from segment_stats where as_of = ${asOf}`,
  );
  return { metrics, stats };
}

function relativelyClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

for (const kind of DATABASE_KINDS) {
  describe(`segment refresh [${kind}]`, () => {
    let test: TestDatabase | undefined;
    const database = (): Database => {
      if (!test) throw new Error('the seeded database is not ready');
      return test.database;
    };
    beforeAll(async () => {
      test = await createTestDatabase(kind);
      await seedDemoShop(test.database, { phoneKeys, now: NOW, seed: 'segmentation-test', members: 200 });
    }, 180_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    it('gives every member the fields the shared functions compute from their history', async () => {
      const asOf = addDays(NOW, -40);
      // A third of the members get a CLV prediction, which their value layer must use instead of M.
      await database().db.execute(
        sql`update member_metrics set expected_value_365_fen = (member_id * 7919) % 200000 where member_id % 3 = 0`,
      );
      const stages: [RefreshStage, number, number][] = [];
      const result = await refreshSegments(database(), { asOf, onProgress: (s, d, t) => void stages.push([s, d, t]) });
      expect(stages.map(([s, d]) => `${s}:${d}`)).toEqual(['aggregates:0', 'stats:1', 'classify:2', 'classify:3']);

      const config = await segmentationConfigAt(database().db, asOf);
      // A replay knows only the refunds settled by asOf; the seeded shop has some settled after it.
      const [later] = await execute<{ n: number }>(
        database().db,
        sql`select count(*)::int as n from refunds r join orders o on o.id = r.order_id
            where r.status = 'succeeded' and r.succeeded_at > ${asOf} and o.paid_at <= ${asOf}`,
      );
      expect(later?.n).toBeGreaterThan(0);
      const histories = await loadHistories(database().db, asOf);
      const jsStats = computeRfmBaseStats(
        [...histories.values()].map((h) => rfmInputOf(h, asOf, config)),
        asOf,
        config.rfm,
      );
      const stats = await storedStats(database().db, asOf);
      expect(stats).toEqual(jsStats);
      expect(result.buyers).toBe(jsStats?.buyerCount);

      const rows = await execute<Record<string, unknown> & { member_id: number; activity_score: number }>(
        database().db,
        sql`select * from member_metrics order by member_id`,
      );
      expect(rows).toHaveLength(histories.size);
      const seen = new Set<string>();
      const bands = new Set<string | null>();
      for (const row of rows) {
        const history = histories.get(row.member_id);
        if (!history) throw new Error(`member ${row.member_id} has no history`);
        const expected = expectedMetrics(history, asOf, jsStats, config);
        const { activityScore, behaviour, ...exact } = expected;
        expect({ id: row.member_id, ...storedMetrics(row) }, `member ${row.member_id}`).toEqual({ id: row.member_id, ...exact });
        expect(relativelyClose(row.activity_score, activityScore), `${row.activity_score} vs ${activityScore}`).toBe(true);
        expect(row.behaviour).toBe(behaviour);
        seen.add(`${String(row.lifecycle)}/${String(row.rfm_segment)}/${String(row.value_layer)}/${behaviour}`);
        bands.add(row.price_band as string | null);
      }
      // Every price band, and members without one, occur.
      expect(bands).toEqual(new Set(['low', 'mid', 'high', null]));
      // The shop must exercise the classifications, or the comparison proves little.
      expect(seen.size).toBeGreaterThan(10);
    });

    it('replays an as-of deterministically, whatever was refreshed before', async () => {
      const a = addDays(NOW, -100);
      const b = addDays(NOW, -10);
      await refreshSegments(database(), { asOf: a });
      const first = await snapshot(database(), a);
      await refreshSegments(database(), { asOf: a });
      expect(await snapshot(database(), a)).toEqual(first);
      await refreshSegments(database(), { asOf: b });
      expect((await snapshot(database(), a)).metrics).not.toEqual(first.metrics);
      await refreshSegments(database(), { asOf: a });
      expect(await snapshot(database(), a)).toEqual(first);
    });

    it('refreshing from the orders or the stored aggregates gives what a rebuild from history gives', async () => {
      await refreshSegments(database(), { asOf: NOW });
      const atNow = await snapshot(database(), NOW);
      // Events after the refresh reach the activity scores through ingestion only (no product events here: they
      // move the stored preference scores at ingestion, which incremental.test.ts checks against a rebuild).
      const buyers = await execute<{ member_id: number }>(
        database().db,
        sql`select member_id from member_metrics where frequency_365 > 0 order by member_id limit 6`,
      );
      const dayAfter = addDays(NOW, 1);
      for (const [i, { member_id }] of buyers.entries()) {
        const events: EventInput[] = Array.from({ length: 5 + 10 * i }, (_, n) => ({
          clientEventId: `fast-path-${member_id}-${n}`,
          occurredAt: new Date(dayAfter.getTime() - n * 3_600_000).toISOString(),
          ...(n % 2 === 0
            ? { type: 'page_view' as const, path: 'pages/index/index', dwellMs: 20_000 }
            : { type: 'sign_in' as const }),
        }));
        expect((await recordEvents(database(), member_id, events, dayAfter)).accepted).toBe(events.length);
      }

      const later = addDays(NOW, 45);
      const fromOrders = await refreshSegments(database(), { asOf: later, source: 'orders' });
      const fast = await snapshot(database(), later);
      expect(fromOrders.written).toBeGreaterThan(0);
      expect(fromOrders.written).toBeLessThan(fromOrders.members);
      // Nothing changed since: re-classifying the stored aggregates writes nobody and changes nothing.
      const fromAggregates = await refreshSegments(database(), { asOf: later, source: 'aggregates' });
      expect(fromAggregates.written).toBe(0);
      expect(await snapshot(database(), later)).toEqual(fast);

      await refreshSegments(database(), { asOf: later, source: 'history' });
      const rebuilt = await snapshot(database(), later);
      expect(fast.stats).toEqual(rebuilt.stats);
      expect(fast.metrics).toHaveLength(rebuilt.metrics.length);
      type Row = Record<string, unknown> & { activity_score: number; top_categories: string[]; top_brands: string[] };
      for (const [i, row] of (rebuilt.metrics as Row[]).entries()) {
        const { activity_score: score, top_categories: _c, top_brands: _b, ...rest } = row;
        const { activity_score: fastScore, top_categories, top_brands, ...fastRest } = fast.metrics[i] as Row;
        expect(fastRest, `member ${String(row.member_id)}`).toEqual(rest);
        expect(relativelyClose(fastScore, score), `${fastScore} vs ${score}`).toBe(true);
        // Preferences stay as the last signal left them: a uniform decay keeps their order, except where scores
        // that tied at 6 decimals separate later, which the weekly rebuild from history settles.
        const kept = atNow.metrics[i] as Row;
        expect({ top_categories, top_brands }).toEqual({ top_categories: kept.top_categories, top_brands: kept.top_brands });
      }
      const active = rebuilt.metrics.filter((row) => buyers.some((b) => b.member_id === row.member_id));
      expect(active.every((row) => (row.activity_score as number) > 0)).toBe(true);
    });

    it('from the orders re-aggregates only members whose paid orders were written or left a window, as a rebuild would', async () => {
      const db = database().db;
      // After every event the earlier tests recorded (a rebuild as of an instant before ingested events is a
      // replay, after which the nightly run rebuilds from history too).
      const base = addDays(NOW, 1);
      await refreshSegments(database(), { asOf: base });
      expect(await execute(db, sql`select member_id from member_aggregate_changes`)).toEqual([]);
      // Orders written around the incremental path (an import, a manual correction): a pending order (no mark),
      // one paid later, a new paid order for another member and a full refund of a third member's order.
      const [a, b, c] = await execute<{ member_id: number; order_id: number }>(
        db,
        sql`select distinct on (o.member_id) o.member_id, o.id as order_id from orders o
            where o.status = 'paid' and o.refunded_fen = 0 and o.paid_at > ${addDays(NOW, -200)} and o.paid_at <= ${base}
            order by o.member_id, o.id limit 3`,
      );
      if (!a || !b || !c) throw new Error('the shop has too few recent buyers');
      const placed = (memberId: number, no: string, status: string, paidAt: Date | null) =>
        sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, created_at, paid_at, updated_at)
            values (${no}, ${memberId}, 'mini_program', ${status}, 52000, 52000, ${paidAt ? 52000 : 0}, ${base}, ${paidAt}, ${base})`;
      await db.execute(placed(a.member_id, 'delta-pending', 'pending', null));
      expect(await execute(db, sql`select member_id from member_aggregate_changes`)).toEqual([]);
      await db.execute(
        sql`update orders set status = 'paid', paid_fen = 52000, paid_at = ${addDays(base, 1)} where order_no = 'delta-pending'`,
      );
      await db.execute(placed(b.member_id, 'delta-paid', 'paid', addDays(base, 2)));
      await db.execute(sql`update orders set status = 'refunded', refunded_fen = paid_fen where id = ${c.order_id}`);
      const marked = await execute<{ member_id: number }>(
        db,
        sql`select member_id from member_aggregate_changes order by member_id`,
      );
      expect(marked.map((m) => Number(m.member_id))).toEqual(
        [a.member_id, b.member_id, c.member_id].map(Number).sort((x, y) => x - y),
      );

      // 45 days on, orders also left the 365-day and growth windows.
      const later = addDays(base, 45);
      const [leaving] = await execute<{ members: number }>(
        db,
        sql`select count(distinct member_id)::int as members from orders
            where status in ('paid', 'refunding', 'refunded', 'partially_refunded')
              and paid_at > ${addDays(base, -365)} and paid_at <= ${addDays(later, -365)}`,
      );
      expect(leaving?.members).toBeGreaterThan(0);
      const fromOrders = await refreshSegments(database(), { asOf: later, source: 'orders' });
      expect(fromOrders.reaggregated).toBeGreaterThanOrEqual(3);
      expect(fromOrders.reaggregated).toBeLessThan(fromOrders.members);
      expect(await execute(db, sql`select member_id from member_aggregate_changes`)).toEqual([]);
      const fast = await snapshot(database(), later);

      const rebuilt = await refreshSegments(database(), { asOf: later, source: 'history' });
      expect(rebuilt.reaggregated).toBe(rebuilt.members);
      const full = await snapshot(database(), later);
      expect(fast.stats).toEqual(full.stats);
      type Row = Record<string, unknown> & { activity_score: number };
      for (const [i, row] of (full.metrics as Row[]).entries()) {
        // Preferences come from order lines and product events, which only a rebuild re-reads (see above).
        const { activity_score: score, top_categories: _c, top_brands: _b, ...rest } = row;
        const { activity_score: fastScore, top_categories: _fc, top_brands: _fb, ...fastRest } = fast.metrics[i] as Row;
        expect(fastRest, `member ${String(row.member_id)}`).toEqual(rest);
        expect(relativelyClose(fastScore, score), `${fastScore} vs ${score}`).toBe(true);
      }
    });

    it('refuses to take the fast path back before the last refresh', async () => {
      await refreshSegments(database(), { asOf: NOW });
      await expect(refreshSegments(database(), { asOf: addDays(NOW, -1), source: 'orders' })).rejects.toMatchObject({
        status: 400,
        fields: [{ field: 'body.asOf', message: expect.stringContaining('before the last refresh') as string }],
      });
    });

    it('records who moved from what to what when the as-of moves on', async () => {
      const before = addDays(NOW, -120);
      await refreshSegments(database(), { asOf: before });
      const old = await snapshot(database(), before);
      await database().db.execute(sql`delete from segment_changes`);
      const result = await refreshSegments(database(), { asOf: NOW });
      const now = await snapshot(database(), NOW);
      const changes = await execute<{ member_id: number; dimension: string; from_value: string; to_value: string; as_of: Date }>(
        database().db,
        sql`select member_id, dimension, from_value, to_value, as_of from segment_changes order by member_id, dimension`,
      );
      const expected: typeof changes = [];
      for (const [i, row] of now.metrics.entries()) {
        const was = old.metrics[i] as Record<string, unknown>;
        for (const dimension of ['behaviour', 'lifecycle', 'rfm_segment', 'value_layer']) {
          if (was[dimension] !== row[dimension]) {
            expected.push({
              member_id: row.member_id as number,
              dimension,
              from_value: was[dimension] as string,
              to_value: row[dimension] as string,
              as_of: NOW,
            });
          }
        }
      }
      expect(changes).toEqual(expected);
      expect(result.changes).toBe(expected.length);
      expect(changes.some((c) => c.dimension === 'lifecycle' && c.from_value === 'active' && c.to_value === 'silent')).toBe(true);
    });
  });
}
