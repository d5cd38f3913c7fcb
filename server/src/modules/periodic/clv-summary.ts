import { sql, type SQL } from 'drizzle-orm';
import { shanghaiDate } from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { PAID_ORDER_STATUSES } from '../../db/schema';
import { sqlList } from './sql-arrays';

/** The model's time unit in days: weeks, as in the literature and the shared defaults. */
export const CLV_UNIT_DAYS = 7;

/** One member's BG/NBD + Gamma-Gamma input, as `summarizeClvTransactions` defines it. */
export interface ClvMemberSummary {
  memberId: number;
  x: number;
  tx: number;
  T: number;
  monetary: number;
}

/**
 * Which members to summarise, chosen among those with a purchase by `asOf`: a page in member id order after
 * `afterMemberId`, or a deterministic sample (a fixed multiplicative hash of the id, so every run and both
 * databases pick the same members).
 */
export type ClvSelection = { page: { afterMemberId: number; size: number } } | { sample: { size: number } };

/**
 * A purchase, for CLV: an order paid at some point and not refunded in full (a 0-fen order paid with points
 * is still a purchase day); its amount is what was paid minus what was refunded.
 */
function purchasesUpTo(asOf: Date): SQL {
  return sql`status in (${sqlList(PAID_ORDER_STATUSES)}) and paid_at <= ${asOf}
             and not (refunded_fen > 0 and refunded_fen >= paid_fen)`;
}

function selectedMembers(selection: ClvSelection, asOf: Date): SQL {
  if ('page' in selection) {
    return sql`select distinct member_id from orders
               where ${purchasesUpTo(asOf)} and member_id > ${selection.page.afterMemberId}
               order by member_id limit ${selection.page.size}`;
  }
  return sql`select member_id from (select distinct member_id from orders where ${purchasesUpTo(asOf)}) buyers
             order by (member_id * 2654435761) % 4294967291, member_id limit ${selection.sample.size}`;
}

/**
 * (x, t_x, T, m̄) per selected member in one aggregate over their orders, with the conventions of the shared
 * `summarizeClvTransactions` (calibration end = the Shanghai day of `asOf`): orders on one Shanghai day are one
 * purchase (amounts added); the first purchase day is time zero and not a repeat; x = repeat days; t_x and T in
 * weeks from the first day to the last repeat day and to the calibration end; m̄ = mean spend of the repeat days
 * in fen (0 without repeats). Divisions are done in float8, as JS does them, so the values are identical.
 */
export async function clvSummaries(executor: Executor, asOf: Date, selection: ClvSelection): Promise<ClvMemberSummary[]> {
  const rows = await execute<{ member_id: number; x: number; tx: number; t: number; monetary: number }>(
    executor,
    sql`with ids as (${selectedMembers(selection, asOf)}),
        days as (
          select o.member_id, (o.paid_at at time zone 'Asia/Shanghai')::date as day,
                 sum(o.paid_fen - o.refunded_fen) as amount
          from orders o join ids on ids.member_id = o.member_id
          where ${purchasesUpTo(asOf)}
          group by o.member_id, day
        ), ranked as (
          select member_id, day, amount, row_number() over (partition by member_id order by day) as n from days
        )
        select member_id,
               (count(*) - 1)::int as x,
               (max(day) - min(day))::float8 / ${CLV_UNIT_DAYS} as tx,
               (${shanghaiDate(asOf)}::date - min(day))::float8 / ${CLV_UNIT_DAYS} as t,
               coalesce((sum(amount) filter (where n > 1))::float8 / nullif(count(*) - 1, 0), 0)::float8 as monetary
        from ranked group by member_id order by member_id`,
  );
  return rows.map((row) => ({ memberId: row.member_id, x: row.x, tx: row.tx, T: row.t, monetary: row.monetary }));
}
