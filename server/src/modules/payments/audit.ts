import { sql } from 'drizzle-orm';
import type { Executor } from '../../db';

/**
 * Appends an audit_log row. `detail` must never hold a phone number, token or key. The actor is a staff account
 * or a member acting on their own data (e.g. an export or erasure request), or neither for the system.
 */
export async function recordAudit(
  executor: Executor,
  at: Date,
  action: string,
  targetType: string,
  targetId: string | number,
  detail: Record<string, unknown>,
  actor: { staffId?: number; memberId?: number; requestId?: string; ip?: string } = {},
): Promise<void> {
  await executor.execute(
    sql`insert into audit_log (actor_staff_id, actor_member_id, action, target_type, target_id, detail, ip, request_id, at)
        values (${actor.staffId ?? null}, ${actor.memberId ?? null}, ${action}, ${targetType}, ${String(targetId)}, ${JSON.stringify(detail)}::jsonb,
                ${actor.ip ?? null}, ${actor.requestId ?? null}, ${at})`,
  );
}
