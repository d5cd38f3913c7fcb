import { sql } from 'drizzle-orm';
import { addDays } from '@member-ops/shared';
import { execute } from '../../db';
import { pointsConfigAt } from '../points';
import type { ServerContext } from '../../server';

/** Batches expired per statement; each statement is its own transaction. */
export const POINTS_EXPIRY_BATCH = 5_000;

export interface PointsExpiryResult {
  batchesExpired: number;
  pointsExpired: number;
  /** Members with unexpired points that expire within the reminder horizon (the 30-day reminder audience). */
  membersExpiringSoon: number;
}

/** Prefix of the ledger key of a batch's expiry (`expire:batch:<id>`): one expire entry per batch, ever. */
export const EXPIRE_KEY_PREFIX = 'expire:batch:';

/**
 * Expires every points batch whose `expires_at` ≤ `now` with points left: one `expire` debit per batch for its
 * remainder (keyed `expire:batch:<id>`, dated at the expiry like the shared `expireDue`), the consumption row
 * and the batch emptied — all in one statement per {@link POINTS_EXPIRY_BATCH} batches, walking batch ids. The
 * ledger trigger moves the balances, so balance = sum of the ledger holds throughout. A batch already expired
 * has nothing left and an entry under its key, so a re-run writes nothing.
 *
 * A batch is spendable while expires_at > now (points.repo's debitPoints), so the two never take the same
 * points: expiry only touches batches no debit can select any more.
 */
export async function expirePoints(
  context: Pick<ServerContext, 'database'>,
  now: Date,
  batchSize = POINTS_EXPIRY_BATCH,
): Promise<PointsExpiryResult> {
  const result: PointsExpiryResult = { batchesExpired: 0, pointsExpired: 0, membersExpiringSoon: 0 };
  let afterId = 0;
  for (;;) {
    const [chunk] = await execute<{ last_id: number | null; scanned: number; expired: number; points: number }>(
      context.database.db,
      sql`with due as (
            select id, member_id, remaining_points, expires_at from points_batches
            where remaining_points > 0 and expires_at <= ${now} and id > ${afterId}
            order by id limit ${batchSize}
            for update
          ), entries as (
            insert into points_ledger (member_id, kind, points, idempotency_key, occurred_at, note)
            select member_id, 'expire', -remaining_points, ${EXPIRE_KEY_PREFIX}::text || id, expires_at, 'points expired'
            from due order by id
            on conflict on constraint points_ledger_idempotency_key do nothing
            returning id, member_id, points, idempotency_key
          ), consumed as (
            insert into points_consumptions (member_id, ledger_entry_id, batch_id, points)
            select e.member_id, e.id, d.id, -e.points
            from entries e join due d on e.idempotency_key = ${EXPIRE_KEY_PREFIX}::text || d.id
            returning batch_id, points
          ), emptied as (
            update points_batches b set remaining_points = 0 from consumed c where b.id = c.batch_id
            returning b.id
          )
          select (select max(id) from due) as last_id,
                 (select count(*) from due)::int as scanned,
                 (select count(*) from emptied)::int as expired,
                 (select coalesce(sum(points), 0) from consumed)::int8 as points`,
    );
    if (!chunk || chunk.last_id === null) break;
    result.batchesExpired += chunk.expired;
    result.pointsExpired += chunk.points;
    if (chunk.scanned < batchSize) break;
    afterId = chunk.last_id;
  }
  result.membersExpiringSoon = await countMembersExpiringSoon(context, now);
  return result;
}

/** Members whose unexpired points reach their expiry within the reminder horizon of the points rules. */
async function countMembersExpiringSoon(context: Pick<ServerContext, 'database'>, now: Date): Promise<number> {
  const { config } = await pointsConfigAt(context.database.db, now);
  const [row] = await execute<{ members: number }>(
    context.database.db,
    sql`select count(distinct member_id)::int as members from points_batches
        where remaining_points > 0 and expires_at > ${now} and expires_at <= ${addDays(now, config.expiry.reminderDays)}`,
  );
  return row?.members ?? 0;
}
