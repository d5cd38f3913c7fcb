import { sql } from 'drizzle-orm';
import type { AuthStaff } from '../../http/auth';
import { execute, type Executor } from '../../db';
import { memberScope } from '../admin';

/** Lookup matches are capped: a phone tail is shared by a few members at most in one store. */
export const LOOKUP_LIMIT = 20;

export interface CandidateRow extends Record<string, unknown> {
  id: number;
  nickname: string | null;
  phone_cipher: string | null;
  tier: string;
  registered_at: Date;
}

const CANDIDATE_COLUMNS = sql`m.id, m.nickname, m.phone_cipher, m.tier, m.registered_at`;

/** Members in the staff member's scope whose phone ends in `tail` (the indexed phone_tail column). */
export function selectByPhoneTail(executor: Executor, staff: AuthStaff, tail: string): Promise<CandidateRow[]> {
  return execute<CandidateRow>(
    executor,
    sql`select ${CANDIDATE_COLUMNS} from members m
        where m.phone_tail = ${tail} and m.deleted_at is null and ${memberScope(staff)}
        order by m.registered_at desc, m.id desc limit ${LOOKUP_LIMIT}`,
  );
}

/** The member if the staff member may serve them (undefined when deleted or out of scope). */
export async function selectInScope(executor: Executor, staff: AuthStaff, memberId: number): Promise<CandidateRow | undefined> {
  const [row] = await execute<CandidateRow>(
    executor,
    sql`select ${CANDIDATE_COLUMNS} from members m where m.id = ${memberId} and m.deleted_at is null and ${memberScope(staff)}`,
  );
  return row;
}

export interface RecentOrderRow extends Record<string, unknown> {
  id: number;
  order_no: string;
  channel: 'mini_program' | 'pos';
  status: string;
  payable_fen: number;
  paid_fen: number;
  refunded_fen: number;
  item_count: number;
  created_at: Date;
  paid_at: Date | null;
}

export function selectRecentOrders(executor: Executor, memberId: number, limit: number): Promise<RecentOrderRow[]> {
  return execute<RecentOrderRow>(
    executor,
    sql`select o.id, o.order_no, o.channel, o.status, o.payable_fen, o.paid_fen, o.refunded_fen, o.created_at, o.paid_at,
               (select coalesce(sum(i.quantity), 0)::int from order_items i where i.order_id = o.id) as item_count
        from orders o where o.member_id = ${memberId}
        order by o.created_at desc, o.id desc limit ${limit}`,
  );
}

/** Inserts the till sale as a pending POS order unless this request id was recorded for the member already. */
export async function insertPosOrder(
  executor: Executor,
  values: {
    orderNo: string;
    memberId: number;
    storeId: number | null;
    staffId: number;
    amountFen: number;
    note: string | null;
    key: string;
    now: Date;
  },
): Promise<number | undefined> {
  const [row] = await execute<{ id: number }>(
    executor,
    sql`insert into orders (order_no, member_id, store_id, channel, status, items_total_fen, payable_fen, recorded_by, note,
                            client_order_key, created_at, updated_at)
        values (${values.orderNo}, ${values.memberId}, ${values.storeId}, 'pos', 'pending', ${values.amountFen}, ${values.amountFen},
                ${values.staffId}, ${values.note}, ${values.key}, ${values.now}, ${values.now})
        on conflict (member_id, client_order_key) where client_order_key is not null do nothing
        returning id`,
  );
  return row?.id;
}

export interface RecordedPosOrder extends Record<string, unknown> {
  id: number;
  order_no: string;
  payable_fen: number;
  points_earned: number;
}

export async function selectPosOrderByKey(
  executor: Executor,
  memberId: number,
  key: string,
): Promise<RecordedPosOrder | undefined> {
  const [row] = await execute<RecordedPosOrder>(
    executor,
    sql`select o.id, o.order_no, o.payable_fen,
               (select coalesce(sum(p.points), 0)::int from points_ledger p where p.order_id = o.id and p.kind = 'earn') as points_earned
        from orders o where o.member_id = ${memberId} and o.client_order_key = ${key}`,
  );
  return row;
}
