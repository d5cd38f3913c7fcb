import { sql } from 'drizzle-orm';
import type { Executor } from './database';
import { execute } from './execute';

/**
 * Makes sure the events table has its monthly partitions (Asia/Shanghai months) from the month containing
 * `from` for `months` months, moving any rows of those months out of the default partition. Idempotent;
 * run it at startup and monthly, a few months ahead. Returns how many partitions were created.
 *
 * @example
 * await ensureEventPartitions(database.db, { from: now, months: 3 });
 */
export async function ensureEventPartitions(executor: Executor, range: { from: Date; months: number }): Promise<number> {
  if (!Number.isInteger(range.months) || range.months < 1) throw new RangeError('months must be a positive integer');
  const [row] = await execute<{ created: number }>(
    executor,
    sql`select ensure_event_partitions((${range.from.toISOString()}::timestamptz at time zone 'Asia/Shanghai')::date, ${range.months}::int) as created`,
  );
  return row?.created ?? 0;
}
