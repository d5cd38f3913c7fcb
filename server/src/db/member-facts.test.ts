import { eq, sql } from 'drizzle-orm';
import { getViewConfig } from 'drizzle-orm/pg-core';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/database';
import { insertMember } from '../testing/fixtures';
import { execute } from './execute';
import { memberFacts, memberMetrics, members } from './schema';

/** The column contract of member_facts, in order, as information_schema names the types. */
const EXPECTED_COLUMNS: [string, string][] = [
  ['member_id', 'bigint'],
  ['gender', 'text'],
  ['birthday', 'date'],
  ['region', 'text'],
  ['store_id', 'bigint'],
  ['source_channel', 'text'],
  ['registered_at', 'timestamp with time zone'],
  ['has_phone', 'boolean'],
  ['tier', 'text'],
  ['growth_value_fen', 'bigint'],
  ['points_balance', 'integer'],
  ['recency_days', 'integer'],
  ['frequency_365', 'integer'],
  ['monetary_365_fen', 'bigint'],
  ['rfm_r', 'smallint'],
  ['rfm_f', 'smallint'],
  ['rfm_m', 'smallint'],
  ['rfm_segment', 'text'],
  ['value_layer', 'text'],
  ['lifecycle', 'text'],
  ['behaviour', 'text'],
  ['activity_score', 'double precision'],
  ['top_categories', 'text[]'],
  ['top_brands', 'text[]'],
  ['price_band', 'text'],
  ['tags', 'text[]'],
  ['p_alive', 'double precision'],
  ['expected_purchases_90', 'double precision'],
  ['expected_value_365_fen', 'bigint'],
  ['last_order_at', 'timestamp with time zone'],
  ['first_order_at', 'timestamp with time zone'],
  ['orders_total', 'integer'],
  ['spend_total_fen', 'bigint'],
];

const DAY_MS = 86_400_000;

describeEachDatabase('member_facts view', ({ database }) => {
  it('has exactly the agreed columns with the agreed types', async () => {
    const columns = await execute<{ column_name: string; type: string }>(
      database().db,
      sql`select column_name, format_type(a.atttypid, a.atttypmod) as type
          from information_schema.columns c
          join pg_attribute a on a.attrelid = 'member_facts'::regclass and a.attname = c.column_name
          where c.table_schema = 'public' and c.table_name = 'member_facts'
          order by c.ordinal_position`,
    );
    expect(columns.map((c) => [c.column_name, c.type])).toEqual(EXPECTED_COLUMNS);
  });

  it('declares the same columns to Drizzle as the view has', () => {
    const declared = Object.values(getViewConfig(memberFacts).selectedFields).map((column) => (column as { name: string }).name);
    expect(declared).toEqual(EXPECTED_COLUMNS.map(([name]) => name));
  });

  it('shows a member who never bought as a prospect with zero aggregates', async () => {
    const { db } = database();
    const memberId = await insertMember(db, { gender: 'female', tags: ['vip-event'] });
    const [facts] = await db.select().from(memberFacts).where(eq(memberFacts.memberId, memberId));
    expect(facts).toMatchObject({
      memberId,
      gender: 'female',
      hasPhone: false,
      tier: 'normal',
      growthValueFen: 0,
      pointsBalance: 0,
      recencyDays: null,
      frequency365: 0,
      lifecycle: 'prospect',
      activityScore: 0,
      topCategories: [],
      tags: ['vip-event'],
      ordersTotal: 0,
      spendTotalFen: 0,
    });
    expect(facts?.registeredAt).toBeInstanceOf(Date);
  });

  it('shows a buyer with their metrics and the days since the last order', async () => {
    const { db } = database();
    const memberId = await insertMember(db, {
      phoneCipher: 'c',
      phoneHash: `h-${Math.random()}`,
      phoneTail: '8888',
      tier: 'gold',
    });
    const lastOrderAt = new Date(Date.now() - 10 * DAY_MS);
    await db
      .update(memberMetrics)
      .set({
        growthValueFen: 620_000,
        frequency365: 4,
        monetary365Fen: 620_000,
        ordersTotal: 6,
        spendTotalFen: 900_000,
        firstOrderAt: new Date('2023-05-01T04:00:00Z'),
        lastOrderAt,
        recencyDays: 10,
        rfmR: 5,
        rfmF: 4,
        rfmM: 5,
        rfmSegment: 'important_value',
        valueLayer: 'high',
        lifecycle: 'active',
        behaviour: 'active',
        activityScore: 12.5,
        // One half-life (14 days) before the refresh instant set below: the view shows half of it.
        activityScoreAt: new Date(lastOrderAt.getTime() + 3 * DAY_MS + 1000 - 14 * DAY_MS),
        topCategories: ['tea', 'teaware'],
        topBrands: ['xihu'],
        priceBand: 'high',
        pAlive: 0.93,
        expectedPurchases90: 1.4,
        expectedValue365Fen: 700_000,
      })
      .where(eq(memberMetrics.memberId, memberId));
    const read = async () => (await db.select().from(memberFacts).where(eq(memberFacts.memberId, memberId)))[0];
    // Before any refresh the stored R shows; after one, R counts from the last order to the refresh's instant.
    expect(await read()).toMatchObject({ recencyDays: 10, activityScore: 12.5 });
    await db.execute(
      sql`insert into kv_settings (key, value) values ('segments.as_of', jsonb_build_object('asOf', ${new Date(lastOrderAt.getTime() + 3 * DAY_MS + 1000).toISOString()}::timestamptz, 'activityHalfLifeDays', 14))
          on conflict (key) do update set value = excluded.value`,
    );
    const facts = await read();
    await db.execute(sql`delete from kv_settings where key = 'segments.as_of'`);
    expect(facts).toMatchObject({
      hasPhone: true,
      tier: 'gold',
      growthValueFen: 620_000,
      recencyDays: 3,
      activityScore: 6.25,
      frequency365: 4,
      rfmR: 5,
      rfmSegment: 'important_value',
      lifecycle: 'active',
      topCategories: ['tea', 'teaware'],
      pAlive: 0.93,
      expectedValue365Fen: 700_000,
      lastOrderAt,
      ordersTotal: 6,
      spendTotalFen: 900_000,
    });
  });

  it('leaves out deleted members', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await db.update(members).set({ deletedAt: new Date() }).where(eq(members.id, memberId));
    expect(await db.select().from(memberFacts).where(eq(memberFacts.memberId, memberId))).toEqual([]);
  });
});
