import { sql } from 'drizzle-orm';
import { addDays, computeRfmBaseStats } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../scripts/src/seed';
import { DATABASE_KINDS, execute, type Database } from '../../db';
import { createTestDatabase, type TestDatabase } from '../../testing/database';
import { expectedMetrics, loadHistories, rfmInputOf, storedStats } from './expected-from-shared';
import { refreshSegments, segmentationConfigAt, type RefreshStage } from './index';

const NOW = new Date('2026-03-15T04:00:00Z');
const phoneKeys = { encryptionKey: Buffer.alloc(32, 7), hashKey: Buffer.alloc(32, 9) };

/** member_metrics (but updated_at) and the segment_stats row of `asOf`. */
async function snapshot(database: Database, asOf: Date) {
  const metrics = await execute(
    database.db,
    sql`select member_id, orders_total, spend_total_fen, first_order_at, last_order_at, mean_gap_days, frequency_365,
          monetary_365_fen, growth_value_fen, recency_days, rfm_r, rfm_f, rfm_m, rfm_segment, value_layer, lifecycle,
          behaviour, activity_score, activity_score_at, top_categories, top_brands, segments_as_of
        from member_metrics order by member_id`,
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
      const histories = await loadHistories(database().db);
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
      for (const row of rows) {
        const history = histories.get(row.member_id);
        if (!history) throw new Error(`member ${row.member_id} has no history`);
        const expected = expectedMetrics(history, asOf, jsStats, config);
        const { activityScore, behaviour, ...exact } = expected;
        expect({ id: row.member_id, ...pick(row) }, `member ${row.member_id}`).toEqual({ id: row.member_id, ...exact });
        expect(relativelyClose(row.activity_score, activityScore), `${row.activity_score} vs ${activityScore}`).toBe(true);
        expect(row.behaviour).toBe(behaviour);
        seen.add(`${String(row.lifecycle)}/${String(row.rfm_segment)}/${String(row.value_layer)}/${behaviour}`);
      }
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

/** The member_metrics columns compared with the shared functions, keyed like ExpectedMetrics. */
function pick(row: Record<string, unknown>) {
  return {
    ordersTotal: row.orders_total,
    frequency365: row.frequency_365,
    monetary365Fen: row.monetary_365_fen,
    growthValueFen: row.growth_value_fen,
    recencyDays: row.recency_days,
    rfmR: row.rfm_r,
    rfmF: row.rfm_f,
    rfmM: row.rfm_m,
    rfmSegment: row.rfm_segment,
    valueLayer: row.value_layer,
    lifecycle: row.lifecycle,
    topCategories: row.top_categories,
    topBrands: row.top_brands,
  };
}
