/**
 * Set-based statements run once after the history is loaded: links and counters derived from it. The member
 * aggregates and classifications come from the segment refresh, like every night.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../../server/src/db';

export async function linkCoupons(executor: Executor): Promise<void> {
  await executor.execute(
    sql.raw(`update coupons c set used_order_id = o.id from orders o where o.coupon_id = c.id and c.status = 'used'`),
  );
  await executor.execute(
    sql.raw(
      `update coupon_templates t set issued_count = n.issued from (select template_id, count(*)::int as issued from coupons group by template_id) n where n.template_id = t.id`,
    ),
  );
}

export async function fillMemberActivity(executor: Executor): Promise<void> {
  await executor.execute(
    sql.raw(`insert into member_activity (member_id, event_type, event_count, dwell_ms_total, first_at, last_at)
      select member_id, type, count(*)::int, coalesce(sum(dwell_ms), 0), min(occurred_at), max(occurred_at)
      from events group by member_id, type`),
  );
}
