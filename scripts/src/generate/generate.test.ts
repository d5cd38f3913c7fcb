import { TIER_CODES, type TierCode } from '@member-ops/shared';
import { DEFAULT_TIER_CONFIG, growthWindowStart, tierForGrowth } from '@member-ops/shared/tiers/index';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type Database, execute } from '../../../server/src/db';
import { expectedModel, storedModel } from '../../../server/src/modules/catalog/recommendation-model.reference';
import { createTestDatabase, type TestDatabase } from '../../../server/src/testing/database';
import { keptAndRebuiltSales } from '../../../server/src/modules/catalog/product-sales.fixtures';
import { generateShop, type GenerateSummary, PGLITE_LIMITS } from './index';

const NOW = new Date('2026-06-30T16:00:00Z');
const MEMBERS = 2_000;
const ORDERS = 20_000;
const SETUP_MS = 180_000;

async function one<T extends Record<string, unknown>>(database: Database, query: string): Promise<T> {
  const [row] = await execute<T>(database.db, sql.raw(query));
  if (!row) throw new Error('no row');
  return row;
}

for (const kind of DATABASE_KINDS) {
  describe(`generate [${kind}]`, () => {
    let test: TestDatabase | undefined;
    let summary: GenerateSummary | undefined;
    const database = () => {
      if (!test) throw new Error('database not ready');
      return test.database;
    };
    beforeAll(async () => {
      test = await createTestDatabase(kind);
      summary = await generateShop(test.database, { members: MEMBERS, orders: ORDERS, seed: 'test', now: NOW, chunkRows: 7_000 });
    }, SETUP_MS);
    afterAll(() => test?.cleanup(), SETUP_MS);

    it('creates the requested members and orders, at least one line per order, from a small catalogue', async () => {
      const counts = await one<Record<string, number>>(
        database(),
        `select (select count(*)::int from members) as members, (select count(*)::int from orders) as orders,
          (select count(*)::int from order_items) as items, (select count(*)::int from skus) as skus,
          (select count(*)::int from orders o where not exists (select 1 from order_items i where i.order_id = o.id)) as empty_orders,
          (select count(distinct sku_id)::int from order_items) as skus_sold,
          (select count(*)::int from members m where not exists (select 1 from member_metrics mm where mm.member_id = m.id)) as without_metrics`,
      );
      expect(counts).toMatchObject({
        members: MEMBERS,
        orders: ORDERS,
        skus: 600,
        empty_orders: 0,
        items: summary?.orderItems,
        without_metrics: 0,
      });
      expect(counts.items).toBeGreaterThan(ORDERS * 1.2);
      expect(counts.skus_sold).toBeGreaterThan(300);
    });

    it('keeps every order consistent with its lines, refunds included', async () => {
      const mismatches = await one<{ totals: number; refunds: number; statuses: number }>(
        database(),
        `select count(*) filter (where o.items_total_fen <> i.total or o.paid_fen <> i.total)::int as totals,
           count(*) filter (where o.refunded_fen <> i.refunded)::int as refunds,
           count(*) filter (where (o.status = 'refunded') <> (o.refunded_fen = o.paid_fen and o.paid_fen > 0)
             or (o.status = 'partially_refunded') <> (o.refunded_fen > 0 and o.refunded_fen < o.paid_fen))::int as statuses
         from orders o join (select order_id, sum(line_total_fen) as total, sum(refunded_fen) as refunded
           from order_items group by order_id) i on i.order_id = o.id`,
      );
      expect(mismatches).toEqual({ totals: 0, refunds: 0, statuses: 0 });
      const statuses = await execute<{ status: string; n: number }>(
        database().db,
        sql.raw(`select status, count(*)::int as n from orders group by status order by status`),
      );
      expect(statuses.map((s) => s.status)).toEqual(['paid', 'partially_refunded', 'refunded']);
    });

    it('counts the units sold per product as a from-scratch count does, though the load bypassed the triggers', async () => {
      const { kept, rebuilt } = await keptAndRebuiltSales(database().db);
      expect(kept).toEqual(rebuilt);
      expect(kept.some((row) => row.sold_units > 0)).toBe(true);
    });

    it('dates orders after their member registered, within the two years before now', async () => {
      const times = await one<{ early: number; future: number; oldest: Date }>(
        database(),
        `select count(*) filter (where o.paid_at < m.registered_at)::int as early,
           count(*) filter (where o.paid_at > '${NOW.toISOString()}')::int as future, min(o.paid_at) as oldest
         from orders o join members m on m.id = o.member_id`,
      );
      expect(times.early).toBe(0);
      expect(times.future).toBe(0);
      expect(times.oldest.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 730 * 86_400_000);
    });

    it('skews orders towards few buyers and leaves some members without orders', async () => {
      const skew = await one<{ buyers: number; top_share: number; max_orders: number }>(
        database(),
        `with per as (select member_id, count(*) as n from orders group by member_id),
           ranked as (select n, row_number() over (order by n desc) as r, count(*) over () as buyers from per)
         select max(buyers)::int as buyers, max(n)::int as max_orders,
           (sum(n) filter (where r <= buyers * 0.2))::float8 / sum(n) as top_share from ranked`,
      );
      expect(skew.buyers).toBeLessThan(MEMBERS * 0.75);
      expect(skew.top_share).toBeGreaterThan(0.45);
      expect(skew.max_orders).toBeGreaterThan((ORDERS / MEMBERS) * 5);
      // A heavy tail with a plausible head: here the busiest member takes ~4.7 % of the orders (plain u³ gave
      // the first of 1,400 buyers 8.9 %, and 1.1 % — 111,771 orders — in a 1M / 10M shop).
      expect(skew.max_orders).toBeLessThan(ORDERS * 0.06);
    });

    it('gives buyers the tier their growth value over the last year earns', async () => {
      const since = growthWindowStart(NOW, DEFAULT_TIER_CONFIG).toISOString();
      const members = await execute<{ tier: TierCode; growth: number }>(
        database().db,
        sql.raw(`select m.tier, coalesce(g.growth, 0)::int8 as growth from members m
          left join (select member_id, sum(paid_fen - refunded_fen) as growth from orders
            where paid_at >= '${since}' group by member_id) g on g.member_id = m.id`),
      );
      const wrong = members.filter((m) => m.tier !== tierForGrowth(m.growth, DEFAULT_TIER_CONFIG));
      expect(wrong).toEqual([]);
      expect(new Set(members.map((m) => m.tier))).toEqual(new Set(TIER_CODES));
    });

    it('leaves every index of the schema in place', async () => {
      const fresh = await createTestDatabase(kind);
      try {
        const indexes = (db: Database) =>
          execute<{ definition: string }>(
            db.db,
            sql.raw(`select indexdef as definition from pg_indexes where schemaname = 'public' order by indexname`),
          );
        expect(await indexes(database())).toEqual(await indexes(fresh.database));
      } finally {
        await fresh.cleanup();
      }
    });

    it('ends with the recommendation model built as of now, equal to one computed from scratch', async () => {
      const stored = await storedModel(database().db);
      expect(stored).toEqual(await expectedModel(database().db, NOW));
      expect(stored.neighbours.filter((n) => n.kind === 'co_purchase').length).toBeGreaterThan(0);
      expect(stored.bestSellers).toHaveLength(300);
      expect(summary?.timings.recommendations).toBeGreaterThanOrEqual(0);
    });

    it('refuses to generate twice with the same seed', async () => {
      await expect(generateShop(database(), { members: 10, orders: 10, seed: 'test', now: NOW })).rejects.toThrow(
        /already generated/,
      );
    });
  });
}

describe('generate limits', () => {
  it('refuses sizes PGlite cannot hold in reasonable time', async () => {
    const test = await createTestDatabase('pglite', { migrate: false });
    try {
      await expect(
        generateShop(test.database, { members: PGLITE_LIMITS.members + 1, orders: 10, seed: 'x', now: NOW }),
      ).rejects.toThrow(/PGlite generates at most/);
    } finally {
      await test.cleanup();
    }
  });
});
