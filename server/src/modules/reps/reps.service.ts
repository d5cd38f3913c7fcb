import { sql } from 'drizzle-orm';
import {
  FOLLOWUP_STATUS_LABELS,
  LIFECYCLE_LABELS,
  TIER_LABELS,
  type AssignmentResponse,
  type ContactExportQuery,
  type ContactItem,
  type ContactListQuery,
  type ContactListResponse,
  type ContactSummaryResponse,
  type HandoverRequest,
  type RepsResponse,
} from '@member-ops/shared';
import { execute, withTransaction, type Database, type Executor } from '../../db';
import type { AuthStaff } from '../../http/auth';
import { AppError } from '../../errors';
import type { PhoneKeys } from '../../security/phone-crypto';
import { fullPhone, maskedPhone, memberScope } from '../admin/member-scope';
import { recordAudit } from '../payments';
import {
  assignUnowned,
  closeAssignments,
  countUnowned,
  moveMembers,
  moveOpenFollowups,
  selectContactSummary,
  selectContacts,
  selectRepLoads,
  selectStaffById,
  selectTalkTracks,
  type ContactRow,
} from './reps.repo';

export interface RepsDeps {
  database: Database;
  phoneKeys: PhoneKeys;
  now: Date;
  actor: { staffId: number; ip?: string; requestId?: string };
}

/** A sales rep works their own portfolio; admins and operators pick a rep. Anyone else is refused. */
async function portfolioOwner(executor: Executor, staff: AuthStaff, repId: number | undefined): Promise<number> {
  if (staff.role === 'sales_rep') {
    if (repId !== undefined && repId !== staff.id) throw new AppError('FORBIDDEN', 'A sales rep can only see their own contacts');
    return staff.id;
  }
  if (staff.role !== 'admin' && staff.role !== 'operator') throw new AppError('FORBIDDEN', 'Contact lists are for sales reps');
  if (repId === undefined) {
    throw new AppError('VALIDATION_FAILED', 'Invalid input — query.repId: required for admins and operators', [
      { field: 'query.repId', message: 'required for admins and operators' },
    ]);
  }
  const rep = await selectStaffById(executor, repId);
  if (!rep || rep.role !== 'sales_rep') throw new AppError('NOT_FOUND', `No sales rep ${repId}`);
  return repId;
}

function toContact(row: ContactRow, phoneKeys: PhoneKeys): ContactItem {
  return {
    memberId: row.member_id,
    nickname: row.nickname,
    phoneMasked: maskedPhone(row.phone_cipher, phoneKeys),
    tier: row.tier,
    lifecycle: row.lifecycle,
    rfmSegment: row.rfm_segment,
    valueLayer: row.value_layer,
    expectedValue365Fen: row.expected_value_365_fen,
    pAlive: row.p_alive,
    risk: row.p_alive === null ? null : 1 - row.p_alive,
    priority: row.priority,
    lastOrderAt: row.last_order_at?.toISOString() ?? null,
    lastOrderAmountFen: row.last_order_amount_fen,
    ordersTotal: row.orders_total,
    topCategories: row.top_categories,
    topBrands: row.top_brands,
    priceBand: row.price_band,
    openFollowup:
      row.followup_id === null || row.followup_status === null || row.followup_due_at === null
        ? null
        : {
            id: row.followup_id,
            status: row.followup_status,
            dueAt: row.followup_due_at.toISOString(),
            title: row.followup_title,
          },
  };
}

export async function listContacts(deps: RepsDeps, staff: AuthStaff, query: ContactListQuery): Promise<ContactListResponse> {
  const db = deps.database.db;
  const repId = await portfolioOwner(db, staff, query.repId);
  const filter = { repId, tier: query.tier, segmentId: query.segmentId, sort: query.sort };
  const rows = await selectContacts(db, filter, query.pageSize + 1, (query.page - 1) * query.pageSize);
  const talkTracks = query.tier ? await selectTalkTracks(db, query.tier) : [];
  return {
    repId,
    tier: query.tier ?? null,
    talkTracks,
    items: rows.slice(0, query.pageSize).map((row) => toContact(row, deps.phoneKeys)),
    page: query.page,
    pageSize: query.pageSize,
    hasMore: rows.length > query.pageSize,
  };
}

export async function contactSummary(
  deps: RepsDeps,
  staff: AuthStaff,
  repIdAsked: number | undefined,
): Promise<ContactSummaryResponse> {
  const repId = await portfolioOwner(deps.database.db, staff, repIdAsked);
  const summary = await selectContactSummary(deps.database.db, repId, deps.now);
  return {
    repId,
    tiers: summary.tiers.map((t) => ({ tier: t.tier, members: t.members, openFollowups: t.open_followups })),
    overdueFollowups: summary.overdue,
  };
}

/** The rows an export may hold at most; a portfolio larger than this is exported tier by tier. */
export const EXPORT_ROW_LIMIT = 50_000;

/** One CSV field; text Excel would run as a formula (=, +, -, @, tab) is prefixed with an apostrophe. */
const csvCell = (value: string | number | null): string => {
  const raw = value === null ? '' : String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * The contact list as CSV for Excel (UTF-8 with BOM). Phones are in full only for the rep who owns the
 * members; an admin or operator exporting someone's portfolio gets masked numbers. Every export is audited.
 */
export async function exportContacts(deps: RepsDeps, staff: AuthStaff, query: ContactExportQuery): Promise<string> {
  const db = deps.database.db;
  const repId = await portfolioOwner(db, staff, query.repId);
  const rows = await selectContacts(
    db,
    { repId, tier: query.tier, segmentId: query.segmentId, sort: query.sort },
    EXPORT_ROW_LIMIT,
    0,
  );
  const owner = staff.id === repId;
  const header = [
    '会员ID',
    '昵称',
    '手机号',
    '等级',
    '生命周期',
    '预测年价值(元)',
    '流失风险',
    '最近下单',
    '累计订单',
    '偏好品类',
    '偏好品牌',
    '跟进状态',
  ];
  const lines = rows.map((row) =>
    [
      row.member_id,
      row.nickname,
      owner ? fullPhone(row.phone_cipher, deps.phoneKeys) : maskedPhone(row.phone_cipher, deps.phoneKeys),
      TIER_LABELS[row.tier],
      LIFECYCLE_LABELS[row.lifecycle],
      row.expected_value_365_fen === null ? null : (row.expected_value_365_fen / 100).toFixed(2),
      row.p_alive === null ? null : `${Math.round((1 - row.p_alive) * 100)}%`,
      row.last_order_at?.toISOString().slice(0, 10) ?? null,
      row.orders_total,
      row.top_categories.join('、'),
      row.top_brands.join('、'),
      row.followup_status ? FOLLOWUP_STATUS_LABELS[row.followup_status] : null,
    ]
      .map(csvCell)
      .join(','),
  );
  await recordAudit(
    db,
    deps.now,
    'contacts.export',
    'rep',
    repId,
    { rows: rows.length, tier: query.tier ?? null, segmentId: query.segmentId ?? null, phones: owner ? 'full' : 'masked' },
    deps.actor,
  );
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

/** The full phone of a member the staff account may see; audited. 404 for a member outside the scope. */
export async function revealPhone(
  deps: RepsDeps,
  staff: AuthStaff,
  memberId: number,
): Promise<{ memberId: number; phone: string | null }> {
  const db = deps.database.db;
  const [row] = await execute<{ phone_cipher: string | null }>(
    db,
    sql`select m.phone_cipher from members m where m.id = ${memberId} and m.deleted_at is null and ${memberScope(staff)}`,
  );
  if (!row) throw new AppError('NOT_FOUND', `No member ${memberId}`);
  await recordAudit(db, deps.now, 'member.phone_view', 'member', memberId, {}, deps.actor);
  return { memberId, phone: fullPhone(row.phone_cipher, deps.phoneKeys) };
}

async function repLoads(executor: Executor, storeId: number | undefined) {
  const rows = await selectRepLoads(executor, storeId);
  return rows.map((r) => ({ repId: r.rep_id, displayName: r.display_name, storeId: r.store_id, members: r.members }));
}

export async function listReps(deps: RepsDeps, storeId: number | undefined): Promise<RepsResponse> {
  const db = deps.database.db;
  return { reps: await repLoads(db, storeId), unowned: await countUnowned(db, storeId) };
}

export async function autoAssign(deps: RepsDeps, storeId: number | undefined): Promise<AssignmentResponse> {
  return withTransaction(deps.database, async (tx) => {
    // One balancing run at a time: a second one waits and then finds nothing left to assign.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('reps.assign'))`);
    const assigned = await assignUnowned(tx, { storeId, reason: 'balance', by: deps.actor.staffId, now: deps.now });
    await recordAudit(tx, deps.now, 'reps.assign', 'store', storeId ?? 'all', { assigned }, deps.actor);
    return { assigned, reps: await repLoads(tx, storeId) };
  });
}

/** Hands a leaving rep's members to one successor, or spreads them over the other reps of each member's store. */
export async function handover(deps: RepsDeps, body: HandoverRequest): Promise<AssignmentResponse> {
  return withTransaction(deps.database, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('reps.assign'))`);
    const from = await selectStaffById(tx, body.fromRepId);
    if (!from || from.role !== 'sales_rep') throw new AppError('NOT_FOUND', `No sales rep ${body.fromRepId}`);
    let assigned: number;
    if (body.toRepId !== undefined) {
      const to = await selectStaffById(tx, body.toRepId);
      if (!to || to.role !== 'sales_rep' || !to.active) {
        throw new AppError('VALIDATION_FAILED', 'Invalid input — body.toRepId: not an active sales rep', [
          { field: 'body.toRepId', message: 'not an active sales rep' },
        ]);
      }
      assigned = await moveMembers(tx, body.fromRepId, body.toRepId, deps.actor.staffId, deps.now);
    } else {
      await closeAssignments(tx, body.fromRepId, deps.now, true);
      assigned = await assignUnowned(tx, {
        fromRepId: body.fromRepId,
        reason: 'handover',
        by: deps.actor.staffId,
        now: deps.now,
      });
    }
    const followups = await moveOpenFollowups(tx, body.fromRepId, deps.now);
    await recordAudit(
      tx,
      deps.now,
      'reps.handover',
      'staff',
      body.fromRepId,
      { toRepId: body.toRepId ?? null, assigned, followups },
      deps.actor,
    );
    return { assigned, reps: await repLoads(tx, undefined) };
  });
}
