import { sql } from 'drizzle-orm';
import {
  DAY_MS,
  startOfShanghaiDay,
  type CreateFollowupRequest,
  type FollowupListQuery,
  type FollowupListResponse,
  type FollowupView,
  type UpdateFollowupRequest,
} from '@member-ops/shared';
import { execute, withTransaction } from '../../db';
import { AppError } from '../../errors';
import type { AuthStaff } from '../../http/auth';
import { memberScope } from '../admin/member-scope';
import { insertFollowup, isPaidOrderOf, selectFollowup, selectFollowups, toFollowupView, updateFollowup } from './followups.repo';
import type { RepsDeps } from './reps.service';

function followupScope(staff: AuthStaff, repId: number | undefined): number | undefined {
  if (staff.role === 'sales_rep') {
    if (repId !== undefined && repId !== staff.id)
      throw new AppError('FORBIDDEN', 'A sales rep can only see their own follow-ups');
    return staff.id;
  }
  return repId;
}

export async function listFollowups(deps: RepsDeps, staff: AuthStaff, query: FollowupListQuery): Promise<FollowupListResponse> {
  const start = startOfShanghaiDay(deps.now);
  const rows = await selectFollowups(
    deps.database.db,
    {
      repId: followupScope(staff, query.repId),
      memberId: query.memberId,
      status: query.status,
      due: query.due,
      day: { start, end: new Date(start.getTime() + DAY_MS) },
      now: deps.now,
    },
    query.pageSize + 1,
    (query.page - 1) * query.pageSize,
  );
  return {
    items: rows.slice(0, query.pageSize).map((row) => toFollowupView(row, deps.now)),
    page: query.page,
    pageSize: query.pageSize,
    hasMore: rows.length > query.pageSize,
  };
}

export async function createFollowup(deps: RepsDeps, staff: AuthStaff, body: CreateFollowupRequest): Promise<FollowupView> {
  return withTransaction(deps.database, async (tx) => {
    const [member] = await execute<{ owner_rep_id: number | null }>(
      tx,
      sql`select m.owner_rep_id from members m where m.id = ${body.memberId} and m.deleted_at is null and ${memberScope(staff)}`,
    );
    if (!member) throw new AppError('NOT_FOUND', `No member ${body.memberId}`);
    const repId = staff.role === 'sales_rep' ? staff.id : member.owner_rep_id;
    if (repId === null) {
      throw new AppError('VALIDATION_FAILED', 'Invalid input — body.memberId: the member has no sales rep yet', [
        { field: 'body.memberId', message: 'the member has no sales rep yet' },
      ]);
    }
    const id = await insertFollowup(tx, {
      memberId: body.memberId,
      repId,
      dueAt: new Date(body.dueAt),
      title: body.title ?? null,
      note: body.note ?? null,
      by: staff.id,
      now: deps.now,
    });
    const row = await selectFollowup(tx, id);
    if (!row) throw new Error(`follow-up ${id} vanished`);
    return toFollowupView(row, deps.now);
  });
}

/** Records a follow-up's outcome; `do_not_contact` also marks the member so campaigns leave them alone. */
export async function changeFollowup(
  deps: RepsDeps,
  staff: AuthStaff,
  id: number,
  body: UpdateFollowupRequest,
): Promise<FollowupView> {
  return withTransaction(deps.database, async (tx) => {
    const row = await selectFollowup(tx, id, true);
    const visible =
      row && (staff.role === 'admin' || staff.role === 'operator' || (staff.role === 'sales_rep' && row.rep_id === staff.id));
    if (!row || !visible) throw new AppError('NOT_FOUND', `No follow-up ${id}`);
    const status = body.status ?? row.status;
    const convertedOrderId = body.convertedOrderId ?? (status === 'converted' ? row.converted_order_id : null);
    if (body.convertedOrderId !== undefined && status !== 'converted') {
      throw new AppError('VALIDATION_FAILED', 'Invalid input — body.convertedOrderId: only with status converted', [
        { field: 'body.convertedOrderId', message: 'only with status converted' },
      ]);
    }
    if (body.convertedOrderId !== undefined && !(await isPaidOrderOf(tx, body.convertedOrderId, row.member_id))) {
      throw new AppError('VALIDATION_FAILED', 'Invalid input — body.convertedOrderId: not a paid order of this member', [
        { field: 'body.convertedOrderId', message: 'not a paid order of this member' },
      ]);
    }
    await updateFollowup(tx, id, {
      status,
      outcomeNote: body.outcomeNote ?? row.outcome_note,
      dueAt: body.dueAt ? new Date(body.dueAt) : row.due_at,
      convertedOrderId,
      now: deps.now,
    });
    if (status === 'do_not_contact') {
      await tx.execute(sql`update members set do_not_contact = true, updated_at = ${deps.now} where id = ${row.member_id}`);
    }
    const updated = await selectFollowup(tx, id);
    if (!updated) throw new Error(`follow-up ${id} vanished`);
    return toFollowupView(updated, deps.now);
  });
}
