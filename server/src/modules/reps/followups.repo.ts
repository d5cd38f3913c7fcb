import { sql } from 'drizzle-orm';
import type { FollowupStatus, FollowupView, TierCode } from '@member-ops/shared';
import { execute, type Executor } from '../../db';

interface FollowupRow extends Record<string, unknown> {
  id: number;
  member_id: number;
  nickname: string | null;
  tier: TierCode;
  rep_id: number;
  campaign_id: number | null;
  title: string | null;
  due_at: Date;
  status: FollowupStatus;
  outcome_note: string | null;
  converted_order_id: number | null;
  created_at: Date;
  closed_at: Date | null;
}

export interface FollowupFilter {
  repId?: number | undefined;
  memberId?: number | undefined;
  status?: FollowupStatus | undefined;
  due: 'all' | 'overdue' | 'today' | 'upcoming';
  /** Start and end of the Shanghai day containing now. */
  day: { start: Date; end: Date };
  now: Date;
}

const SELECT = sql`select t.id, t.member_id, m.nickname, m.tier, t.rep_id, t.campaign_id, t.title, t.due_at, t.status,
                          t.outcome_note, t.converted_order_id, t.created_at, t.closed_at
                     from followup_tasks t join members m on m.id = t.member_id`;

export function toFollowupView(row: FollowupRow, now: Date): FollowupView {
  return {
    id: row.id,
    memberId: row.member_id,
    memberNickname: row.nickname,
    memberTier: row.tier,
    repId: row.rep_id,
    campaignId: row.campaign_id,
    title: row.title,
    dueAt: row.due_at.toISOString(),
    status: row.status,
    outcomeNote: row.outcome_note,
    convertedOrderId: row.converted_order_id,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    overdue: row.status === 'open' && row.due_at.getTime() < now.getTime(),
  };
}

export function selectFollowups(
  executor: Executor,
  filter: FollowupFilter,
  limit: number,
  offset: number,
): Promise<FollowupRow[]> {
  const due = {
    all: sql``,
    overdue: sql`and t.status = 'open' and t.due_at < ${filter.now}`,
    today: sql`and t.due_at >= ${filter.day.start} and t.due_at < ${filter.day.end}`,
    upcoming: sql`and t.status = 'open' and t.due_at >= ${filter.now}`,
  }[filter.due];
  return execute<FollowupRow>(
    executor,
    sql`${SELECT}
         where true
           ${filter.repId ? sql`and t.rep_id = ${filter.repId}` : sql``}
           ${filter.memberId ? sql`and t.member_id = ${filter.memberId}` : sql``}
           ${filter.status ? sql`and t.status = ${filter.status}` : sql``}
           ${due}
         order by (t.status = 'open') desc, t.due_at, t.id
         limit ${limit} offset ${offset}`,
  );
}

export async function selectFollowup(executor: Executor, id: number, lock = false): Promise<FollowupRow | undefined> {
  const [row] = await execute<FollowupRow>(executor, sql`${SELECT} where t.id = ${id} ${lock ? sql`for update of t` : sql``}`);
  return row;
}

export async function insertFollowup(
  executor: Executor,
  values: { memberId: number; repId: number; dueAt: Date; title: string | null; note: string | null; by: number; now: Date },
): Promise<number> {
  const [row] = await execute<{ id: number }>(
    executor,
    sql`insert into followup_tasks (member_id, rep_id, title, due_at, status, outcome_note, created_by, created_at, updated_at)
        values (${values.memberId}, ${values.repId}, ${values.title}, ${values.dueAt}, 'open', ${values.note}, ${values.by},
                ${values.now}, ${values.now})
        returning id`,
  );
  if (!row) throw new Error('insert into followup_tasks returned no row');
  return row.id;
}

export async function updateFollowup(
  executor: Executor,
  id: number,
  change: { status: FollowupStatus; outcomeNote: string | null; dueAt: Date; convertedOrderId: number | null; now: Date },
): Promise<void> {
  await executor.execute(
    sql`update followup_tasks
           set status = ${change.status}, outcome_note = ${change.outcomeNote}, due_at = ${change.dueAt},
               converted_order_id = ${change.convertedOrderId},
               closed_at = case when ${change.status} = 'open' then null else coalesce(closed_at, ${change.now}::timestamptz) end,
               updated_at = ${change.now}
         where id = ${id}`,
  );
}

export async function isPaidOrderOf(executor: Executor, orderId: number, memberId: number): Promise<boolean> {
  const [row] = await execute<{ ok: boolean }>(
    executor,
    sql`select exists (select 1 from orders where id = ${orderId} and member_id = ${memberId} and paid_at is not null) as ok`,
  );
  return row?.ok === true;
}
