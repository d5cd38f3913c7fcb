import { sql } from 'drizzle-orm';
import type {
  CreateStaffRequest,
  MemberFilterOptionsResponse,
  StaffAccountView,
  StaffListResponse,
  StaffRole,
  UpdateStaffRequest,
} from '@member-ops/shared';
import { execute, withTransaction, type Database, type Executor } from '../../db';
import { AppError } from '../../errors';
import { isUniqueViolation } from '../../db/pg-error';
import { hashPassword } from '../../security/password';
import { recordAudit } from '../payments';
import { clearAccountThrottle, signInLocksOf } from '../staff';

export interface StaffAdminDeps {
  database: Database;
  now: Date;
  actor: { staffId: number; ip?: string; requestId?: string };
}

interface StaffRow extends Record<string, unknown> {
  id: number;
  username: string;
  display_name: string;
  role: StaffRole;
  store_id: number | null;
  active: boolean;
  last_login_at: Date | null;
}

const SELECT = sql`select id, username, display_name, role, store_id, active, last_login_at from staff_accounts`;

/** `lockedUntil`: the latest sign-in lock still holding for the account, from any address or account-wide. */
function toView(row: StaffRow, locks: Map<string, Date>): StaffAccountView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    storeId: row.store_id,
    active: row.active,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    lockedUntil: locks.get(row.username.toLowerCase())?.toISOString() ?? null,
  };
}

async function viewOf(executor: Executor, id: number, now: Date): Promise<StaffAccountView> {
  const row = await loadStaff(executor, id);
  return toView(row, await signInLocksOf(executor, [row.username], now));
}

async function loadStaff(executor: Executor, id: number): Promise<StaffRow> {
  const [row] = await execute<StaffRow>(executor, sql`${SELECT} where id = ${id}`);
  if (!row) throw new AppError('NOT_FOUND', `员工账号 ${id} 不存在`);
  return row;
}

async function requireStore(executor: Executor, storeId: number | null): Promise<void> {
  if (storeId === null) return;
  const [row] = await execute<{ id: number }>(executor, sql`select id from stores where id = ${storeId}`);
  if (!row) {
    throw new AppError('VALIDATION_FAILED', 'Invalid input — body.storeId: no such store', [
      { field: 'body.storeId', message: 'no such store' },
    ]);
  }
}

export async function listStaff(database: Database, now: Date): Promise<StaffListResponse> {
  const rows = await execute<StaffRow>(database.db, sql`${SELECT} order by role, id`);
  const locks = await signInLocksOf(
    database.db,
    rows.map((row) => row.username),
    now,
  );
  const stores = await execute<{ id: number; name: string }>(database.db, sql`select id, name from stores order by id`);
  return { items: rows.map((row) => toView(row, locks)), stores };
}

/** The stores and the sales-rep accounts (inactive ones too: they may still own members) the members list filters by. */
export async function listMemberFilterOptions(database: Database): Promise<MemberFilterOptionsResponse> {
  const stores = await execute<{ id: number; name: string }>(database.db, sql`select id, name from stores order by id`);
  const reps = await execute<{ id: number; display_name: string; store_id: number | null; active: boolean }>(
    database.db,
    sql`select id, display_name, store_id, active from staff_accounts where role = 'sales_rep' order by active desc, id`,
  );
  return {
    stores,
    reps: reps.map((rep) => ({ id: rep.id, displayName: rep.display_name, storeId: rep.store_id, active: rep.active })),
  };
}

export async function createStaff(deps: StaffAdminDeps, body: CreateStaffRequest): Promise<StaffAccountView> {
  const passwordHash = await hashPassword(body.password);
  return withTransaction(deps.database, async (tx) => {
    await requireStore(tx, body.storeId);
    try {
      const [created] = await execute<{ id: number }>(
        tx,
        sql`insert into staff_accounts (username, display_name, password_hash, role, store_id, password_changed_at, created_at, updated_at)
            values (${body.username}, ${body.displayName}, ${passwordHash}, ${body.role}, ${body.storeId}, ${deps.now}, ${deps.now}, ${deps.now})
            returning id`,
      );
      if (!created) throw new Error('insert into staff_accounts returned no row');
      await recordAudit(
        tx,
        deps.now,
        'staff.create',
        'staff',
        created.id,
        { username: body.username, role: body.role, storeId: body.storeId },
        deps.actor,
      );
      return viewOf(tx, created.id, deps.now);
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `Username ${body.username} is taken`);
      throw error;
    }
  });
}

/** Role, store, activation and password changes; each is audited, and deactivation or a new password ends sessions. */
export async function updateStaff(deps: StaffAdminDeps, id: number, body: UpdateStaffRequest): Promise<StaffAccountView> {
  const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
  return withTransaction(deps.database, async (tx) => {
    const before = await loadStaff(tx, id);
    if (id === deps.actor.staffId && (body.role !== undefined || body.active === false)) {
      throw new AppError('CONFLICT', 'Admins cannot change their own role or deactivate themselves');
    }
    const role = body.role ?? before.role;
    const storeId = body.storeId === undefined ? before.store_id : body.storeId;
    if (role === 'store_staff' && storeId === null) {
      throw new AppError('VALIDATION_FAILED', 'Invalid input — body.storeId: store staff need a store', [
        { field: 'body.storeId', message: 'store staff need a store' },
      ]);
    }
    await requireStore(tx, storeId);
    await tx.execute(
      sql`update staff_accounts
             set display_name = ${body.displayName ?? before.display_name}, role = ${role}, store_id = ${storeId},
                 active = ${body.active ?? before.active},
                 password_hash = coalesce(${passwordHash ?? null}, password_hash),
                 password_changed_at = case when ${passwordHash ?? null}::text is null then password_changed_at else ${deps.now}::timestamptz end,
                 updated_at = ${deps.now}
           where id = ${id}`,
    );
    // A new password also lifts sign-in locks: whoever holds it starts afresh.
    if (passwordHash !== undefined) await clearAccountThrottle(tx, before.username, deps.now);
    if (body.active === false || passwordHash !== undefined || role !== before.role) {
      await tx.execute(sql`update staff_sessions set revoked_at = ${deps.now} where staff_id = ${id} and revoked_at is null`);
    }
    const changes = {
      ...(role !== before.role ? { role: { from: before.role, to: role } } : {}),
      ...(storeId !== before.store_id ? { storeId: { from: before.store_id, to: storeId } } : {}),
      ...(body.active !== undefined && body.active !== before.active ? { active: { from: before.active, to: body.active } } : {}),
      ...(passwordHash !== undefined ? { password: 'reset' } : {}),
      ...(body.displayName !== undefined && body.displayName !== before.display_name ? { displayName: body.displayName } : {}),
    };
    const action = changes.role ? 'staff.role_change' : 'staff.update';
    await recordAudit(tx, deps.now, action, 'staff', id, changes, deps.actor);
    return viewOf(tx, id, deps.now);
  });
}

/**
 * Lifts every sign-in lock of the account (each address and the account-wide one) and forgets its failure counts;
 * audited with what was lifted, also when nothing was locked.
 */
export async function unlockStaff(deps: StaffAdminDeps, id: number): Promise<StaffAccountView> {
  return withTransaction(deps.database, async (tx) => {
    const account = await loadStaff(tx, id);
    const lifted = await clearAccountThrottle(tx, account.username, deps.now);
    await recordAudit(tx, deps.now, 'staff.unlock', 'staff', id, lifted, deps.actor);
    return viewOf(tx, id, deps.now);
  });
}
