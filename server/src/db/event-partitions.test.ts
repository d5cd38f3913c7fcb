import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/database';
import { insertMember } from '../testing/fixtures';
import { ensureEventPartitions } from './event-partitions';
import { execute } from './execute';
import { events } from './schema';

describeEachDatabase('event partitions', ({ database }) => {
  const partitionsOf = async (memberId: number) =>
    execute<{ partition: string; occurred_at: Date }>(
      database().db,
      sql`select tableoid::regclass::text as partition, occurred_at from events where member_id = ${memberId} order by occurred_at`,
    );

  it('stores events of months without a partition in the default partition', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await db
      .insert(events)
      .values({ memberId, type: 'search', clientEventId: 'e1', occurredAt: new Date('2031-07-04T00:00:00Z'), keyword: '龙井' });
    expect((await partitionsOf(memberId)).map((r) => r.partition)).toEqual(['events_default']);
  });

  it('creates Shanghai-month partitions and moves the rows that belong to them', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    // 2024-02-29 17:00 UTC is already 1 March in Shanghai.
    const occurred = ['2024-02-10T00:00:00Z', '2024-02-29T17:00:00Z', '2024-03-15T00:00:00Z'].map((iso) => new Date(iso));
    await db
      .insert(events)
      .values(occurred.map((occurredAt, i) => ({ memberId, type: 'page_view' as const, clientEventId: `p${i}`, occurredAt })));

    expect(await ensureEventPartitions(db, { from: new Date('2024-02-01T00:00:00+08:00'), months: 2 })).toBe(2);
    expect(await partitionsOf(memberId)).toEqual([
      { partition: 'events_p202402', occurred_at: occurred[0] },
      { partition: 'events_p202403', occurred_at: occurred[1] },
      { partition: 'events_p202403', occurred_at: occurred[2] },
    ]);
    expect(await db.$count(events, eq(events.memberId, memberId))).toBe(3);
  });

  it('leaves existing partitions alone when run again', async () => {
    const { db } = database();
    const from = new Date('2024-06-01T00:00:00+08:00');
    expect(await ensureEventPartitions(db, { from, months: 3 })).toBe(3);
    expect(await ensureEventPartitions(db, { from, months: 4 })).toBe(1);
  });

  it('refuses a month count that is not a positive integer', async () => {
    await expect(ensureEventPartitions(database().db, { from: new Date(), months: 0 })).rejects.toThrow(RangeError);
  });
});
