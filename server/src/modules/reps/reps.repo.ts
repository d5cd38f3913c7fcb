import { sql, type SQL } from 'drizzle-orm';
import type {
  ContactSort,
  FollowupStatus,
  LifecycleStage,
  PriceBand,
  RfmSegment,
  TierCode,
  ValueLayer,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';

export interface ContactRow extends Record<string, unknown> {
  member_id: number;
  nickname: string | null;
  phone_cipher: string | null;
  tier: TierCode;
  lifecycle: LifecycleStage;
  rfm_segment: RfmSegment | null;
  value_layer: ValueLayer | null;
  expected_value_365_fen: number | null;
  p_alive: number | null;
  priority: number;
  last_order_at: Date | null;
  last_order_amount_fen: number | null;
  orders_total: number;
  top_categories: string[];
  top_brands: string[];
  price_band: PriceBand | null;
  followup_id: number | null;
  followup_status: FollowupStatus | null;
  followup_due_at: Date | null;
  followup_title: string | null;
}

export interface ContactFilter {
  repId: number;
  tier?: TierCode | undefined;
  segmentId?: number | undefined;
  sort: ContactSort;
}

const ORDER_BY: Record<ContactSort, SQL> = {
  priority: sql`priority desc, m.id`,
  value: sql`mm.expected_value_365_fen desc nulls last, m.id`,
  risk: sql`mm.p_alive asc nulls last, m.id`,
};

/** One page of a rep's portfolio ranked by predicted value and risk, with last order and open follow-up. */
export function selectContacts(executor: Executor, filter: ContactFilter, limit: number, offset: number): Promise<ContactRow[]> {
  return execute<ContactRow>(
    executor,
    sql`select m.id as member_id, m.nickname, m.phone_cipher, m.tier,
               coalesce(mm.lifecycle, 'prospect') as lifecycle, mm.rfm_segment, mm.value_layer,
               mm.expected_value_365_fen, mm.p_alive,
               (coalesce(mm.expected_value_365_fen, 0) * (1 - coalesce(mm.p_alive, 1)))::float8 as priority,
               mm.last_order_at, lo.paid_fen as last_order_amount_fen, coalesce(mm.orders_total, 0) as orders_total,
               coalesce(mm.top_categories, '{}') as top_categories, coalesce(mm.top_brands, '{}') as top_brands,
               mm.price_band, f.id as followup_id, f.status as followup_status, f.due_at as followup_due_at,
               f.title as followup_title
          from members m
          left join member_metrics mm on mm.member_id = m.id
          left join lateral (
            select o.paid_fen from orders o
             where o.member_id = m.id and o.paid_at is not null
             order by o.paid_at desc limit 1
          ) lo on true
          left join lateral (
            select t.id, t.status, t.due_at, t.title from followup_tasks t
             where t.member_id = m.id and t.rep_id = ${filter.repId} and t.status = 'open'
             order by t.due_at limit 1
          ) f on true
         where m.owner_rep_id = ${filter.repId} and m.deleted_at is null
           ${filter.tier ? sql`and m.tier = ${filter.tier}` : sql``}
           ${
             filter.segmentId
               ? sql`and exists (select 1 from segment_memberships sm where sm.member_id = m.id and sm.segment_id = ${filter.segmentId})`
               : sql``
           }
         order by ${ORDER_BY[filter.sort]}
         limit ${limit} offset ${offset}`,
  );
}

export interface TalkTrackRow extends Record<string, unknown> {
  id: number;
  tier: TierCode;
  title: string;
  feature: string;
  advantage: string;
  benefit: string;
  evidence: string;
}

export function selectTalkTracks(executor: Executor, tier: TierCode): Promise<TalkTrackRow[]> {
  return execute<TalkTrackRow>(
    executor,
    sql`select id, tier, title, feature, advantage, benefit, evidence from talk_tracks
         where tier = ${tier} and active order by position, id`,
  );
}

export async function selectContactSummary(
  executor: Executor,
  repId: number,
  now: Date,
): Promise<{ tiers: { tier: TierCode; members: number; open_followups: number }[]; overdue: number }> {
  const tiers = await execute<{ tier: TierCode; members: number; open_followups: number }>(
    executor,
    sql`select m.tier, count(*)::int as members,
               count(*) filter (where exists (
                 select 1 from followup_tasks t where t.member_id = m.id and t.rep_id = ${repId} and t.status = 'open'))::int
                 as open_followups
          from members m where m.owner_rep_id = ${repId} and m.deleted_at is null group by m.tier`,
  );
  const [overdue] = await execute<{ n: number }>(
    executor,
    sql`select count(*)::int as n from followup_tasks where rep_id = ${repId} and status = 'open' and due_at < ${now}`,
  );
  return { tiers, overdue: overdue?.n ?? 0 };
}

export interface RepRow extends Record<string, unknown> {
  id: number;
  display_name: string;
  store_id: number | null;
  role: string;
  active: boolean;
}

export async function selectStaffById(executor: Executor, id: number): Promise<RepRow | undefined> {
  const [row] = await execute<RepRow>(
    executor,
    sql`select id, display_name, store_id, role, active from staff_accounts where id = ${id}`,
  );
  return row;
}

export function selectRepLoads(
  executor: Executor,
  storeId: number | undefined,
): Promise<{ rep_id: number; display_name: string; store_id: number | null; members: number }[]> {
  return execute(
    executor,
    sql`select s.id as rep_id, s.display_name, s.store_id,
               (select count(*) from members m where m.owner_rep_id = s.id and m.deleted_at is null)::int as members
          from staff_accounts s
         where s.role = 'sales_rep' and s.active ${storeId ? sql`and s.store_id = ${storeId}` : sql``}
         order by s.store_id nulls last, s.id`,
  );
}

export async function countUnowned(executor: Executor, storeId: number | undefined): Promise<number> {
  const [row] = await execute<{ n: number }>(
    executor,
    sql`select count(*)::int as n from members m
         where m.owner_rep_id is null and m.deleted_at is null and m.store_id is not null
           ${storeId ? sql`and m.store_id = ${storeId}` : sql``}`,
  );
  return row?.n ?? 0;
}

/**
 * Gives every unowned member of a store (optionally one store) — or, for a handover, every member of the leaving
 * rep — to that store's other active reps so loads end as even as possible: each rep's target is ⌊total ÷ reps⌋ (+1 for the least loaded), and the unowned members fill the
 * gaps between targets and current loads in id order. One statement; a member taken by a concurrent run is
 * skipped (the pool predicate is rechecked by the UPDATE).
 */
export async function assignUnowned(
  executor: Executor,
  options: { storeId?: number | undefined; fromRepId?: number; reason: 'balance' | 'handover'; by: number; now: Date },
): Promise<number> {
  const storeFilter = options.storeId ? sql`and m.store_id = ${options.storeId}` : sql``;
  const pool = options.fromRepId === undefined ? sql`m.owner_rep_id is null` : sql`m.owner_rep_id = ${options.fromRepId}`;
  const rows = await execute<{ n: number }>(
    executor,
    sql`with reps as (
          select s.id as rep_id, s.store_id,
                 (select count(*) from members m where m.owner_rep_id = s.id and m.deleted_at is null) as load
            from staff_accounts s
           where s.role = 'sales_rep' and s.active and s.store_id is not null
             and s.id <> ${options.fromRepId ?? 0}
        ),
        unowned as (
          select m.id, m.store_id, row_number() over (partition by m.store_id order by m.id) - 1 as k
            from members m
           where ${pool} and m.deleted_at is null and m.store_id is not null ${storeFilter}
             and m.store_id in (select store_id from reps)
        ),
        totals as (
          select r.store_id, count(*) as n_reps,
                 sum(r.load) + coalesce((select count(*) from unowned u where u.store_id = r.store_id), 0) as total
            from reps r group by r.store_id
        ),
        ranked as (
          select r.rep_id, r.store_id, r.load, t.n_reps, t.total,
                 row_number() over (partition by r.store_id order by r.load, r.rep_id) - 1 as i
            from reps r join totals t on t.store_id = r.store_id
        ),
        gaps as (
          select rep_id, store_id,
                 greatest((total / n_reps) + case when i < total % n_reps then 1 else 0 end - load, 0) as gap
            from ranked
        ),
        ranges as (
          select rep_id, store_id,
                 sum(gap) over (partition by store_id order by rep_id) - gap as lo,
                 sum(gap) over (partition by store_id order by rep_id) as hi
            from gaps
        ),
        picked as (
          select u.id as member_id, r.rep_id from unowned u
            join ranges r on r.store_id = u.store_id and u.k >= r.lo and u.k < r.hi
        ),
        updated as (
          update members m set owner_rep_id = p.rep_id, updated_at = ${options.now}
            from picked p where m.id = p.member_id and ${pool}
          returning m.id, m.owner_rep_id
        ),
        recorded as (
          insert into rep_assignments (member_id, rep_id, reason, assigned_by, assigned_at)
          select id, owner_rep_id, ${options.reason}, ${options.by}, ${options.now} from updated
          returning 1
        )
        select count(*)::int as n from recorded`,
  );
  return rows[0]?.n ?? 0;
}

/** Hands every member of one rep to another in one statement, closing and opening assignment rows. */
export async function moveMembers(
  executor: Executor,
  fromRepId: number,
  toRepId: number,
  by: number,
  now: Date,
): Promise<number> {
  await closeAssignments(executor, fromRepId, now);
  const rows = await execute<{ n: number }>(
    executor,
    sql`with moved as (
          update members set owner_rep_id = ${toRepId}, updated_at = ${now}
           where owner_rep_id = ${fromRepId} and deleted_at is null
          returning id
        ),
        recorded as (
          insert into rep_assignments (member_id, rep_id, reason, assigned_by, assigned_at)
          select id, ${toRepId}, 'handover', ${by}, ${now} from moved returning 1
        )
        select count(*)::int as n from recorded`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Ends a rep's open assignments; with `onlyMovable`, only those of members whose store has another active rep
 * (exactly the members a spreading handover moves, so the others keep their open row).
 */
export async function closeAssignments(executor: Executor, repId: number, now: Date, onlyMovable = false): Promise<void> {
  const movable = onlyMovable
    ? sql`and member_id in (
            select m.id from members m
             where m.owner_rep_id = ${repId} and m.deleted_at is null
               and m.store_id in (select store_id from staff_accounts where role = 'sales_rep' and active and id <> ${repId}))`
    : sql``;
  await executor.execute(
    sql`update rep_assignments set ended_at = greatest(${now}::timestamptz, assigned_at)
         where rep_id = ${repId} and ended_at is null ${movable}`,
  );
}

/** Open follow-ups follow their member to the new owner. */
export function moveOpenFollowups(executor: Executor, fromRepId: number, now: Date): Promise<number> {
  return countAffected(
    executor,
    sql`update followup_tasks t set rep_id = m.owner_rep_id, updated_at = ${now}
          from members m
         where t.member_id = m.id and t.rep_id = ${fromRepId} and t.status = 'open'
           and m.owner_rep_id is not null and m.owner_rep_id <> ${fromRepId}
        returning 1`,
  );
}

/** Runs a data-changing statement ending in `returning 1` and counts its rows inside the database. */
async function countAffected(executor: Executor, statement: SQL): Promise<number> {
  const [row] = await execute<{ n: number }>(
    executor,
    sql`with changed as (${statement}) select count(*)::int as n from changed`,
  );
  return row?.n ?? 0;
}
