import { sql } from 'drizzle-orm';
import type { AuditListResponse, AuditQuery } from '@member-ops/shared';
import { execute, type Database } from '../../db';

interface AuditRow extends Record<string, unknown> {
  id: number;
  at: Date;
  action: string;
  actor_staff_id: number | null;
  actor_name: string | null;
  target_type: string | null;
  target_id: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

/** The audit log newest first, in keyset pages by id. */
export async function listAudit(database: Database, query: AuditQuery): Promise<AuditListResponse> {
  const rows = await execute<AuditRow>(
    database.db,
    sql`select a.id, a.at, a.action, a.actor_staff_id, s.display_name as actor_name, a.target_type, a.target_id, a.detail, a.ip
          from audit_log a left join staff_accounts s on s.id = a.actor_staff_id
         where true
           ${query.action ? sql`and a.action like ${`${query.action.replace(/[\\%_]/g, '\\$&')}%`}` : sql``}
           ${query.actorStaffId ? sql`and a.actor_staff_id = ${query.actorStaffId}` : sql``}
           ${query.before ? sql`and a.id < ${query.before}` : sql``}
         order by a.id desc limit ${query.pageSize + 1}`,
  );
  const page = rows.slice(0, query.pageSize);
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      action: row.action,
      actorStaffId: row.actor_staff_id,
      actorName: row.actor_name,
      targetType: row.target_type,
      targetId: row.target_id,
      detail: row.detail,
      ip: row.ip,
    })),
    nextBefore: rows.length > query.pageSize ? (page.at(-1)?.id ?? null) : null,
  };
}
