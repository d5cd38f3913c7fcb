import { LIFECYCLE_STAGES } from '@member-ops/shared/vocabulary';
import { DEFAULT_TIER_CONFIG, growthWindowStart, tierForGrowth, tierRank } from '@member-ops/shared/tiers/index';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type Database, execute } from '../../../server/src/db';
import { verifyPassword } from '../../../server/src/security/password';
import { expectedModel, storedModel } from '../../../server/src/modules/catalog/recommendation-model.reference';
import { createTestDatabase, type TestDatabase } from '../../../server/src/testing/database';
import { insertMember } from '../../../server/src/testing/fixtures';
import { keptAndRebuiltSales } from '../../../server/src/modules/catalog/product-sales.fixtures';
import { addMonths } from '@member-ops/shared/time/index';
import {
  DEMO_ACCOUNTS,
  DEMO_ADMIN,
  HISTORY_MONTHS,
  isShopEmpty,
  seedDemoShop,
  ShopNotEmptyError,
  type SeedSummary,
} from './index';
import { TEST_PHONE_KEYS as phoneKeys } from '../../../server/src/testing/seeded-server';

const MEMBERS = 200;
const NOW = new Date('2026-03-15T04:00:00Z');
const SEED = 'seed-test';
const PAID = `status in ('paid', 'refunding', 'refunded', 'partially_refunded')`;
const SETUP_MS = 180_000;

async function rows<T extends Record<string, unknown>>(database: Database, query: string | SQL): Promise<T[]> {
  return execute<T>(database.db, typeof query === 'string' ? sql.raw(query) : query);
}

/** Row counts and checksums over the history; equal for two shops seeded alike. */
async function fingerprint(database: Database): Promise<Record<string, unknown>> {
  const [row] = await rows(
    database,
    `select
      (select count(*)::int from orders) as orders,
      (select count(*)::int from events) as events,
      (select coalesce(sum(paid_fen), 0)::int8 from orders) as paid,
      (select md5(string_agg(concat_ws('|', id, member_id, status, items_total_fen, paid_fen, refunded_fen, paid_at), ',' order by id)) from orders) as orders_md5,
      (select md5(string_agg(concat_ws('|', id, member_id, kind, points, occurred_at), ',' order by id)) from points_ledger) as ledger_md5,
      (select md5(string_agg(concat_ws('|', id, tier, tier_keep_until, registered_at, phone_hash, nickname, birthday), ',' order by id)) from members) as members_md5,
      (select md5(string_agg(concat_ws('|', id, member_id, type, client_event_id, occurred_at), ',' order by id)) from events) as events_md5,
      (select md5(string_agg(concat_ws('|', id, code, status, used_at), ',' order by id)) from coupons) as coupons_md5`,
  );
  return row ?? {};
}

async function seedFresh(kind: 'pglite' | 'postgres', seed = SEED): Promise<{ test: TestDatabase; summary: SeedSummary }> {
  const test = await createTestDatabase(kind);
  const summary = await seedDemoShop(test.database, { phoneKeys, now: NOW, seed, members: MEMBERS });
  return { test, summary };
}

for (const kind of DATABASE_KINDS) {
  describe(`demo shop seed [${kind}]`, () => {
    let shop: { test: TestDatabase; summary: SeedSummary } | undefined;
    const database = (): Database => {
      if (!shop) throw new Error('the seeded database is not ready');
      return shop.test.database;
    };
    beforeAll(async () => {
      shop = await seedFresh(kind);
    }, SETUP_MS);
    afterAll(() => shop?.test.cleanup(), SETUP_MS);

    it('loads the stores, staff, catalogue and members in the expected amounts', async () => {
      const [counts] = await rows<Record<string, number>>(
        database(),
        `select (select count(*)::int from stores) as stores,
          (select count(*)::int from staff_accounts where role = 'admin') as admins,
          (select count(*)::int from staff_accounts where role = 'operator') as operators,
          (select count(*)::int from staff_accounts where role = 'store_staff' and store_id is not null) as clerks,
          (select count(*)::int from staff_accounts where role = 'sales_rep' and store_id is not null) as reps,
          (select count(*)::int from categories) as categories,
          (select count(*)::int from brands) as brands,
          (select count(*)::int from products) as products,
          (select count(*)::int from skus) as skus,
          (select count(*)::int from members) as members,
          (select count(*)::int from member_metrics) as metrics,
          (select count(*)::int from coupon_templates) as templates,
          (select count(*)::int from subscribe_templates) as subscribe_templates,
          (select count(distinct tier)::int from talk_tracks) as talk_track_tiers,
          (select count(*)::int from rule_configs where kind = 'tier' and version = 1) as tier_configs`,
      );
      expect(counts).toMatchObject({
        stores: 3,
        admins: 1,
        operators: 1,
        clerks: 3,
        reps: 3,
        categories: 8,
        products: 200,
        members: MEMBERS,
        metrics: MEMBERS,
        talk_track_tiers: 4,
        tier_configs: 1,
      });
      expect(counts?.brands).toBeGreaterThanOrEqual(15);
      expect(counts?.skus).toBeGreaterThanOrEqual(200);
      expect(counts?.skus).toBeLessThanOrEqual(600);
      expect(counts?.templates).toBeGreaterThanOrEqual(8);
      expect(counts?.subscribe_templates).toBeGreaterThanOrEqual(4);
      expect(shop?.summary.members).toBe(MEMBERS);
    });

    it('gives a skewed, realistic history', async () => {
      const [shape] = await rows<Record<string, number>>(
        database(),
        `with per_member as (select m.id, count(o.id) filter (where o.${PAID}) as paid from members m left join orders o on o.member_id = m.id group by m.id)
        select (select count(*) filter (where paid = 0)::float8 / count(*) from per_member) as never_bought,
          (select count(*) filter (where paid between 1 and 2)::float8 / nullif(count(*) filter (where paid > 0), 0) from per_member) as once_or_twice,
          (select max(paid)::int from per_member) as most_orders,
          (select count(*)::float8 / ${MEMBERS} from events) as events_per_member,
          (select count(*) filter (where refunded_fen > 0)::float8 / count(*) from orders where ${PAID}) as refunded_share,
          (select count(*) filter (where channel = 'pos')::int from orders) as pos_orders,
          (select count(*) filter (where coupon_id is not null)::int from orders) as coupon_orders,
          (select count(*) filter (where points_used > 0)::int from orders) as points_orders,
          (select count(*) filter (where phone_hash is not null)::float8 / count(*) from members) as with_phone`,
      );
      expect(shape?.never_bought).toBeGreaterThan(0.15);
      expect(shape?.never_bought).toBeLessThan(0.45);
      expect(shape?.once_or_twice).toBeGreaterThan(0.5);
      expect(shape?.most_orders).toBeGreaterThanOrEqual(8);
      expect(shape?.events_per_member).toBeGreaterThan(5);
      expect(shape?.events_per_member).toBeLessThanOrEqual(40);
      expect(shape?.refunded_share).toBeGreaterThan(0.005);
      expect(shape?.refunded_share).toBeLessThan(0.1);
      expect(shape?.pos_orders).toBeGreaterThan(0);
      expect(shape?.coupon_orders).toBeGreaterThan(0);
      expect(shape?.points_orders).toBeGreaterThan(0);
      expect(shape?.with_phone).toBeGreaterThan(0.4);
      expect(shape?.with_phone).toBeLessThan(0.8);
      const stages = await rows<{ lifecycle: string }>(database(), `select distinct lifecycle from member_metrics`);
      expect(stages.map((s) => s.lifecycle).sort()).toEqual([...LIFECYCLE_STAGES].sort());
    });

    it('keeps every order consistent with its items, discounts, payment and refunds', async () => {
      const db = database();
      const violations = await rows(
        db,
        `select o.id, 'amounts' as problem from orders o
          join (select order_id, sum(line_total_fen) as items, sum(discount_alloc_fen) as alloc from order_items group by order_id) i on i.order_id = o.id
          left join coupons c on c.id = o.coupon_id left join coupon_templates t on t.id = c.template_id
          where i.items <> o.items_total_fen
            or o.payable_fen <> o.items_total_fen + o.shipping_fen - o.coupon_discount_fen - o.points_discount_fen
            or i.alloc <> o.points_discount_fen + case when t.type = 'free_shipping' then 0 else o.coupon_discount_fen end
            or (t.type = 'free_shipping' and o.coupon_discount_fen <> o.shipping_fen)
            or o.paid_fen <> case when o.${PAID} then o.payable_fen else 0 end
            or o.payable_fen <= 0
        union all
        select o.id, 'payment' from orders o left join payments p on p.order_id = o.id and p.status = 'succeeded'
          group by o.id, o.status, o.paid_fen
          having (o.${PAID}) <> (count(p.id) = 1)
            or (count(p.id) = 1 and (max(p.amount_fen) <> o.paid_fen or bool_or(p.transaction_id is null)))
        union all
        select o.id, 'refund' from orders o left join (select order_id, sum(amount_fen) as refunded from refunds where status = 'succeeded' group by order_id) r on r.order_id = o.id
          where coalesce(r.refunded, 0) <> o.refunded_fen or o.refunded_fen > o.paid_fen
            or (o.status = 'refunded') <> (o.refunded_fen > 0 and o.refunded_fen = o.paid_fen)
            or (o.status = 'partially_refunded') <> (o.refunded_fen > 0 and o.refunded_fen < o.paid_fen)
        limit 10`,
      );
      expect(violations).toEqual([]);
      const [orders] = await rows<{ paid: number; refunded: number }>(
        db,
        `select count(*) filter (where ${PAID})::int as paid, count(*) filter (where refunded_fen > 0)::int as refunded from orders`,
      );
      expect(orders?.paid).toBeGreaterThan(MEMBERS / 2);
      expect(orders?.refunded).toBeGreaterThan(0);
    });

    it('keeps the units sold per product equal to a from-scratch count', async () => {
      const { kept, rebuilt } = await keptAndRebuiltSales(database().db);
      expect(kept).toEqual(rebuilt);
      expect(kept.some((row) => row.sold_units > 0)).toBe(true);
    });

    it('keeps points balances equal to the ledger, never negative, with batches adding up', async () => {
      const violations = await rows(
        database(),
        `select m.id, 'balance' as problem from members m
          left join member_metrics mm on mm.member_id = m.id
          left join (select member_id, sum(points) as total from points_ledger group by member_id) l on l.member_id = m.id
          left join (select member_id, sum(remaining_points) as remaining from points_batches group by member_id) b on b.member_id = m.id
          where coalesce(mm.points_balance, 0) <> coalesce(l.total, 0) or coalesce(l.total, 0) < 0 or coalesce(b.remaining, 0) <> coalesce(l.total, 0)
        union all
        select member_id, 'negative on the way' from (select member_id, sum(points) over (partition by member_id order by occurred_at, id) as running from points_ledger) x where running < 0
        union all
        select b.id, 'batch' from points_batches b left join (select batch_id, sum(points) as used from points_consumptions group by batch_id) c on c.batch_id = b.id
          where b.remaining_points < 0 or b.remaining_points <> b.original_points - coalesce(c.used, 0)
            or (b.expires_at < '${NOW.toISOString()}'::timestamptz and b.remaining_points > 0)
        union all
        select o.id, 'earn' from orders o left join points_ledger l on l.order_id = o.id and l.kind = 'earn'
          where o.${PAID} group by o.id, o.paid_fen
          having count(l.id) > 1 or (o.paid_fen >= 100 and count(l.id) = 0)
            or min(l.points) < floor(o.paid_fen / 100.0) or max(l.points) > floor(o.paid_fen * 2 / 100.0)
        union all
        select r.id, 'clawback' from refunds r left join points_ledger l on l.refund_id = r.id and l.kind = 'clawback'
          group by r.id, r.points_clawed_back having coalesce(-sum(l.points), 0) <> r.points_clawed_back
        limit 10`,
      );
      expect(violations).toEqual([]);
      const kinds = await rows<{ kind: string }>(database(), `select distinct kind from points_ledger`);
      expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['earn', 'spend', 'sign_in', 'expire', 'clawback']));
    });

    it('gives every member the tier their trailing-365-day spend and history call for', async () => {
      const growthStart = growthWindowStart(NOW, DEFAULT_TIER_CONFIG).toISOString();
      const members = await rows<{
        id: number;
        tier: 'normal' | 'silver' | 'gold' | 'diamond';
        keep_until: Date | null;
        growth: number;
        stored: number;
        last_change: string | null;
      }>(
        database(),
        `select m.id, m.tier, m.tier_keep_until as keep_until, mm.growth_value_fen as stored,
            coalesce(sum(o.paid_fen - o.refunded_fen) filter (where o.paid_at >= '${growthStart}'::timestamptz and o.paid_at <= '${NOW.toISOString()}'::timestamptz), 0)::int8 as growth,
            (select h.to_tier from tier_history h where h.member_id = m.id order by h.at desc, h.id desc limit 1) as last_change
          from members m join member_metrics mm on mm.member_id = m.id left join orders o on o.member_id = m.id and o.${PAID}
          group by m.id, m.tier, m.tier_keep_until, mm.growth_value_fen`,
      );
      expect(members).toHaveLength(MEMBERS);
      for (const member of members) {
        const reached = tierForGrowth(member.growth, DEFAULT_TIER_CONFIG);
        expect({ id: member.id, stored: member.stored }).toEqual({ id: member.id, stored: member.growth });
        expect(tierRank(member.tier), `member ${member.id} below ${reached}`).toBeGreaterThanOrEqual(tierRank(reached));
        expect(member.tier === 'normal', `member ${member.id} keep date`).toBe(member.keep_until === null);
        if (member.keep_until) expect(member.keep_until.getTime()).toBeGreaterThan(NOW.getTime());
        expect(member.last_change ?? 'normal').toBe(member.tier);
      }
      expect(members.filter((m) => m.tier !== 'normal').length).toBeGreaterThan(0);
    });

    it('links coupons to the orders that used them and counts what each template issued', async () => {
      const violations = await rows(
        database(),
        `select c.id, 'coupon' as problem from coupons c left join orders o on o.coupon_id = c.id
          where (c.status = 'used') <> (o.id is not null) or (c.status = 'used' and c.used_order_id is distinct from o.id)
            or (c.status = 'expired' and c.valid_to > '${NOW.toISOString()}'::timestamptz)
            or (c.status = 'available' and c.valid_to <= '${NOW.toISOString()}'::timestamptz)
        union all
        select t.id, 'issued count' from coupon_templates t left join (select template_id, count(*) as issued from coupons group by template_id) c on c.template_id = t.id
          where t.issued_count <> coalesce(c.issued, 0)
        limit 10`,
      );
      expect(violations).toEqual([]);
      const statuses = await rows<{ status: string }>(database(), `select distinct status from coupons`);
      expect(statuses.map((s) => s.status).sort()).toEqual(['available', 'expired', 'used']);
    });

    it('writes each event once, with its receipt, and member aggregates that match the orders', async () => {
      const [events] = await rows<{ total: number; distinct_ids: number; receipts: number }>(
        database(),
        `select count(*)::int as total, count(distinct (member_id, client_event_id))::int as distinct_ids, (select count(*)::int from event_receipts) as receipts from events`,
      );
      expect(events?.distinct_ids).toBe(events?.total);
      expect(events?.receipts).toBe(events?.total);
      const mismatched = await rows(
        database(),
        `select mm.member_id from member_metrics mm
          left join (select member_id, count(*) filter (where not (refunded_fen > 0 and refunded_fen >= paid_fen))::int as orders, sum(paid_fen - refunded_fen)::int8 as spend
                     from orders where ${PAID} group by member_id) a on a.member_id = mm.member_id
          where mm.orders_total <> coalesce(a.orders, 0) or mm.spend_total_fen <> coalesce(a.spend, 0) limit 10`,
      );
      expect(mismatched).toEqual([]);
    });

    it('builds the recommendation model as of now, equal to one computed from scratch', async () => {
      const stored = await storedModel(database().db);
      expect(stored).toEqual(await expectedModel(database().db, NOW));
      const kinds = new Set(stored.neighbours.map((n) => n.kind));
      expect([...kinds].sort()).toEqual(['co_purchase', 'co_view']);
      expect(stored.bestSellers.length).toBe(shop?.summary.products);
      expect(stored.bestSellers[0]?.units30).toBeGreaterThan(0);
    });

    it('keeps the whole history inside the 18 months before now', async () => {
      const instants = [
        'members.registered_at',
        'orders.created_at',
        'orders.paid_at',
        'orders.cancelled_at',
        'refunds.succeeded_at',
        'coupons.issued_at',
        'points_ledger.occurred_at',
        'tier_history.at',
        'events.occurred_at',
        'events.received_at',
        'subscription_events.at',
      ];
      const [span] = await rows<{ earliest: Date; latest: Date }>(
        database(),
        `select min(t) as earliest, max(t) as latest from (${instants.map((c) => `select ${c.split('.')[1]} as t from ${c.split('.')[0]}`).join(' union all ')}) x`,
      );
      expect(span?.latest.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(span?.earliest.getTime()).toBeGreaterThanOrEqual(addMonths(NOW, -HISTORY_MONTHS).getTime());
    });

    it('lets the demo accounts sign in with the published passwords', async () => {
      const [admin] = await rows<{ password_hash: string }>(
        database(),
        sql`select password_hash from staff_accounts where username = ${DEMO_ADMIN.username}`,
      );
      expect(await verifyPassword(DEMO_ADMIN.password, admin?.password_hash ?? '')).toBe(true);
      expect(await verifyPassword('wrong-password', admin?.password_hash ?? '')).toBe(false);
      expect(DEMO_ACCOUNTS.every((account) => account.password.length >= 10)).toBe(true);
    });

    it('refuses to seed a shop that is not empty, and leaves room for new ids', async () => {
      expect(await isShopEmpty(database())).toBe(false);
      await expect(seedDemoShop(database(), { phoneKeys, now: NOW, seed: SEED, members: 10 })).rejects.toBeInstanceOf(
        ShopNotEmptyError,
      );
      const id = await insertMember(database().db);
      expect(id).toBe(MEMBERS + 1);
    });
  });
}

describe('demo shop seed determinism [pglite]', () => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    for (const test of opened) await test.cleanup();
  }, SETUP_MS);

  it(
    'gives the same shop for the same seed and a different one for another seed',
    async () => {
      const empty = await createTestDatabase('pglite');
      opened.push(empty);
      expect(await isShopEmpty(empty.database)).toBe(true);
      await seedDemoShop(empty.database, { phoneKeys, now: NOW, seed: SEED, members: MEMBERS });
      const again = await seedFresh('pglite');
      opened.push(again.test);
      const other = await seedFresh('pglite', 'another-seed');
      opened.push(other.test);
      const first = await fingerprint(empty.database);
      expect(await fingerprint(again.test.database)).toEqual(first);
      const different = await fingerprint(other.test.database);
      expect(different.orders_md5).not.toBe(first.orders_md5);
      expect(different.members_md5).not.toBe(first.members_md5);
    },
    SETUP_MS,
  );
});
