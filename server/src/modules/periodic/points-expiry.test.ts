import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { addDays, fromShanghai } from '@member-ops/shared';
import { execute, withTransaction } from '../../db';
import { describeEachDatabase } from '../../testing/database';
import { insertMember } from '../../testing/fixtures';
import { creditPoints, debitPoints, lockMember } from '../points';
import { expirePoints } from './points-expiry';

const NOW = fromShanghai(2026, 12, 1, 0, 10);

describeEachDatabase('points expiry', ({ database }) => {
  const db = () => database().db;

  const credit = async (memberId: number, points: number, expiresAt: Date, key: string) => {
    const created = await withTransaction(database(), (tx) =>
      creditPoints(tx, { memberId, kind: 'bonus', points, idempotencyKey: key, earnedAt: addDays(expiresAt, -300), expiresAt }),
    );
    if (!created) throw new Error('credit not written');
    return created.batchId;
  };
  const spend = (memberId: number, points: number, at: Date, key: string) =>
    withTransaction(database(), async (tx) => {
      await lockMember(tx, memberId);
      return debitPoints(tx, { memberId, kind: 'spend', points, idempotencyKey: key, now: at });
    });
  const ledgerState = () =>
    execute<{ entries: number; mismatched: number; remaining_mismatched: number }>(
      db(),
      sql`select (select count(*) from points_ledger)::int as entries,
                 (select count(*) from member_metrics mm
                  where mm.points_balance <> coalesce((select sum(points) from points_ledger l where l.member_id = mm.member_id), 0))::int as mismatched,
                 (select count(*) from member_metrics mm
                  where mm.points_balance <> coalesce((select sum(remaining_points) from points_batches b where b.member_id = mm.member_id), 0))::int as remaining_mismatched`,
    );

  it('expires what is left of due batches at the boundary, once, keeping balance = ledger', async () => {
    const member = await insertMember(db());
    const atBoundary = await credit(member, 100, NOW, 'b1');
    const justAfter = await credit(member, 50, new Date(NOW.getTime() + 1), 'b2');
    const partlySpent = await credit(member, 80, addDays(NOW, -1), 'b3');
    await spend(member, 30, addDays(NOW, -20), 'spend:1'); // oldest expiry first: taken from b3
    const other = await insertMember(db());
    const otherDue = await credit(other, 20, addDays(NOW, -40), 'o1');
    const remindLater = await insertMember(db());
    await credit(remindLater, 10, addDays(NOW, 29), 'r1');
    await credit(remindLater, 10, addDays(NOW, 31), 'r2');

    const result = await expirePoints({ database: database() }, NOW, 2);
    expect(result).toEqual({ batchesExpired: 3, pointsExpired: 170, membersExpiringSoon: 2 });

    const expired = await execute<{
      member_id: number;
      points: number;
      idempotency_key: string;
      occurred_at: Date;
      batch_id: number;
    }>(
      db(),
      sql`select l.member_id, l.points, l.idempotency_key, l.occurred_at, c.batch_id
          from points_ledger l join points_consumptions c on c.ledger_entry_id = l.id
          where l.kind = 'expire' order by c.batch_id`,
    );
    expect(expired).toEqual(
      [
        { member_id: member, points: -100, batch_id: atBoundary, occurred_at: NOW },
        { member_id: member, points: -50, batch_id: partlySpent, occurred_at: addDays(NOW, -1) },
        { member_id: other, points: -20, batch_id: otherDue, occurred_at: addDays(NOW, -40) },
      ]
        .map((row) => ({ ...row, idempotency_key: `expire:batch:${row.batch_id}` }))
        .sort((a, b) => a.batch_id - b.batch_id),
    );
    const [balances] = await execute<{ member: number; other: number; b2: number }>(
      db(),
      sql`select (select points_balance from member_metrics where member_id = ${member}) as member,
                 (select points_balance from member_metrics where member_id = ${other}) as other,
                 (select remaining_points from points_batches where id = ${justAfter}) as b2`,
    );
    expect(balances).toEqual({ member: 50, other: 0, b2: 50 });
    const [state] = await ledgerState();
    expect(state).toMatchObject({ mismatched: 0, remaining_mismatched: 0 });

    const again = await expirePoints({ database: database() }, NOW);
    expect(again).toMatchObject({ batchesExpired: 0, pointsExpired: 0 });
    expect(await ledgerState()).toEqual([state]);
  });

  it('does not expire a batch one millisecond before its expiry', async () => {
    const member = await insertMember(db());
    const expiresAt = addDays(NOW, 10);
    await credit(member, 70, expiresAt, 'late');
    const memberState = async () => {
      const [row] = await execute<{ balance: number; expired: number }>(
        db(),
        sql`select (select points_balance from member_metrics where member_id = ${member}) as balance,
                   (select count(*) from points_ledger where member_id = ${member} and kind = 'expire')::int as expired`,
      );
      return row;
    };
    await expirePoints({ database: database() }, new Date(expiresAt.getTime() - 1));
    expect(await memberState()).toEqual({ balance: 70, expired: 0 });
    await expirePoints({ database: database() }, expiresAt);
    expect(await memberState()).toEqual({ balance: 0, expired: 1 });
    const [state] = await ledgerState();
    expect(state).toMatchObject({ mismatched: 0, remaining_mismatched: 0 });
  });
});
