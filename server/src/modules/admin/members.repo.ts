import { sql, type SQL } from 'drizzle-orm';
import type {
  LifecycleStage,
  MemberListQuery,
  MemberSort,
  PriceBand,
  RfmSegment,
  TierCode,
  TimelineKind,
  ValueLayer,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import { AppError } from '../../errors';

export interface MemberListRow extends Record<string, unknown> {
  id: number;
  nickname: string | null;
  phone_cipher: string | null;
  tier: TierCode;
  lifecycle: LifecycleStage;
  rfm_segment: RfmSegment | null;
  value_layer: ValueLayer | null;
  store_id: number | null;
  owner_rep_id: number | null;
  tags: string[];
  orders_total: number;
  spend_total_fen: number;
  last_order_at: Date | null;
  expected_value_365_fen: number | null;
  registered_at: Date;
}

/** A keyset position: the sort value of the last row shown and its id. */
type Cursor = [string | number | null, number];

export function encodeCursor(sort: MemberSort, row: MemberListRow): string {
  const value = {
    newest: null,
    last_order: row.last_order_at?.toISOString() ?? null,
    expected_value: row.expected_value_365_fen,
  }[sort];
  return Buffer.from(JSON.stringify([value, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  const invalid = () =>
    new AppError('VALIDATION_FAILED', 'Invalid input — query.cursor: not a cursor this list returned', [
      { field: 'query.cursor', message: 'not a cursor this list returned' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Number.isSafeInteger(parsed[1])) throw invalid();
  const [value, id] = parsed as [unknown, number];
  if (value !== null && typeof value !== 'string' && typeof value !== 'number') throw invalid();
  return [value, id];
}

/**
 * Each sort walks an index (members' primary key, member_metrics.last_order_at) in keyset order, so page 1 and
 * page 10,000 cost the same and no count over the whole base is needed. Every member has a member_metrics row
 * (created with the member), so the join is an inner one and the member_metrics indexes can serve filters.
 */
function sortSql(sort: MemberSort, cursor: Cursor | undefined): { where: SQL; orderBy: SQL } {
  switch (sort) {
    case 'newest':
      return { where: cursor ? sql`and m.id < ${cursor[1]}` : sql``, orderBy: sql`m.id desc` };
    case 'last_order': {
      const after =
        cursor && typeof cursor[0] === 'string'
          ? sql`and (mm.last_order_at, m.id) < (${new Date(cursor[0])}::timestamptz, ${cursor[1]})`
          : sql``;
      return { where: sql`and mm.last_order_at is not null ${after}`, orderBy: sql`mm.last_order_at desc, m.id desc` };
    }
    case 'expected_value': {
      const after =
        cursor && typeof cursor[0] === 'number'
          ? sql`and (mm.expected_value_365_fen, m.id) < (${cursor[0]}::bigint, ${cursor[1]})`
          : sql``;
      return {
        where: sql`and mm.expected_value_365_fen is not null ${after}`,
        orderBy: sql`mm.expected_value_365_fen desc, m.id desc`,
      };
    }
  }
}

const inList = (column: SQL, values: readonly string[] | undefined): SQL =>
  values && values.length > 0
    ? sql`and ${column} in (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`
    : sql``;

export function selectMembers(executor: Executor, query: MemberListQuery, scope: SQL): Promise<MemberListRow[]> {
  const { where, orderBy } = sortSql(query.sort, query.cursor ? decodeCursor(query.cursor) : undefined);
  return execute<MemberListRow>(
    executor,
    sql`select m.id, m.nickname, m.phone_cipher, m.tier, mm.lifecycle, mm.rfm_segment,
               mm.value_layer, m.store_id, m.owner_rep_id, m.tags, coalesce(mm.orders_total, 0) as orders_total,
               coalesce(mm.spend_total_fen, 0) as spend_total_fen, mm.last_order_at, mm.expected_value_365_fen,
               m.registered_at
          from members m
          join member_metrics mm on mm.member_id = m.id
         where m.deleted_at is null and ${scope}
           ${inList(sql`m.tier`, query.tier)}
           ${inList(sql`mm.rfm_segment`, query.rfmSegment)}
           ${inList(sql`mm.lifecycle`, query.lifecycle)}
           ${inList(sql`mm.value_layer`, query.valueLayer)}
           ${query.storeId ? sql`and m.store_id = ${query.storeId}` : sql``}
           ${query.repId ? sql`and m.owner_rep_id = ${query.repId}` : sql``}
           ${query.tag ? sql`and m.tags @> array[${query.tag}]::text[]` : sql``}
           ${query.phoneTail ? sql`and m.phone_tail = ${query.phoneTail}` : sql``}
           ${query.lastOrderFrom ? sql`and mm.last_order_at >= ${new Date(query.lastOrderFrom)}` : sql``}
           ${query.lastOrderTo ? sql`and mm.last_order_at < ${new Date(query.lastOrderTo)}` : sql``}
           ${where}
         order by ${orderBy}
         limit ${query.pageSize + 1}`,
  );
}

export interface Member360Row extends Record<string, unknown> {
  id: number;
  nickname: string | null;
  phone_cipher: string | null;
  gender: string;
  birthday: string | null;
  region: string | null;
  store_id: number | null;
  store_name: string | null;
  owner_rep_id: number | null;
  owner_rep_name: string | null;
  registered_at: Date;
  tags: string[];
  do_not_contact: boolean;
  tier: TierCode;
  tier_since: Date | null;
  tier_keep_until: Date | null;
  growth_value_fen: number;
  points_balance: number;
  orders_total: number;
  spend_total_fen: number;
  frequency_365: number;
  monetary_365_fen: number;
  recency_days: number | null;
  rfm_r: number | null;
  rfm_f: number | null;
  rfm_m: number | null;
  rfm_segment: RfmSegment | null;
  value_layer: ValueLayer | null;
  lifecycle: LifecycleStage;
  p_alive: number | null;
  expected_purchases_90: number | null;
  expected_value_365_fen: number | null;
  last_order_at: Date | null;
  segments_as_of: Date | null;
  top_categories: string[];
  top_brands: string[];
  price_band: PriceBand | null;
}

export async function selectMember360(executor: Executor, memberId: number, scope: SQL): Promise<Member360Row | undefined> {
  const [row] = await execute<Member360Row>(
    executor,
    sql`select m.id, m.nickname, m.phone_cipher, m.gender, m.birthday, m.region, m.store_id, st.name as store_name,
               m.owner_rep_id, rep.display_name as owner_rep_name, m.registered_at, m.tags, m.do_not_contact,
               m.tier, m.tier_since, m.tier_keep_until,
               coalesce(mm.growth_value_fen, 0) as growth_value_fen, coalesce(mm.points_balance, 0) as points_balance,
               coalesce(mm.orders_total, 0) as orders_total, coalesce(mm.spend_total_fen, 0) as spend_total_fen,
               coalesce(mm.frequency_365, 0) as frequency_365, coalesce(mm.monetary_365_fen, 0) as monetary_365_fen,
               (select f.recency_days from member_facts f where f.member_id = m.id) as recency_days, mm.rfm_r, mm.rfm_f, mm.rfm_m, mm.rfm_segment, mm.value_layer,
               coalesce(mm.lifecycle, 'prospect') as lifecycle, mm.p_alive, mm.expected_purchases_90,
               mm.expected_value_365_fen, mm.last_order_at, mm.segments_as_of,
               coalesce(mm.top_categories, '{}') as top_categories, coalesce(mm.top_brands, '{}') as top_brands, mm.price_band
          from members m
          left join member_metrics mm on mm.member_id = m.id
          left join stores st on st.id = m.store_id
          left join staff_accounts rep on rep.id = m.owner_rep_id
         where m.id = ${memberId} and m.deleted_at is null and ${scope}`,
  );
  return row;
}

export interface TimelineRow extends Record<string, unknown> {
  at: Date;
  kind: TimelineKind;
  title: string;
  detail: string | null;
}

/** The member's latest activity of every kind, newest first; each source is read through its member index. */
export function selectTimeline(executor: Executor, memberId: number, perKind: number): Promise<TimelineRow[]> {
  return execute<TimelineRow>(
    executor,
    sql`select * from (
          (select e.occurred_at as at, 'view' as kind, e.type as title,
                  coalesce(p.title, e.category, e.keyword, e.page) as detail
             from events e left join products p on p.id = e.product_id
            where e.member_id = ${memberId} and e.type in ('product_view', 'page_view', 'category_view', 'search')
            order by e.occurred_at desc limit ${perKind})
          union all
          (select coalesce(o.paid_at, o.created_at), 'order', o.status,
                  o.order_no || ' ¥' || to_char(o.payable_fen / 100.0, 'FM999999990.00')
             from orders o where o.member_id = ${memberId} order by o.created_at desc limit ${perKind})
          union all
          (select l.occurred_at, 'points', l.kind, (case when l.points > 0 then '+' else '' end) || l.points::text
             from points_ledger l where l.member_id = ${memberId} order by l.occurred_at desc limit ${perKind})
          union all
          (select c.issued_at, 'coupon', c.status, t.name
             from coupons c join coupon_templates t on t.id = c.template_id
            where c.member_id = ${memberId} order by c.issued_at desc limit ${perKind})
          union all
          (select d.created_at, 'message', d.status, d.channel
             from deliveries d where d.member_id = ${memberId} and not d.holdout order by d.created_at desc limit ${perKind})
          union all
          (select f.created_at, 'followup', f.status, f.outcome_note
             from followup_tasks f where f.member_id = ${memberId} order by f.created_at desc limit ${perKind})
        ) timeline
        order by at desc
        limit ${perKind * 3}`,
  );
}
