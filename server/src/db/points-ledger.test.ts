import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachDatabase, expectPgError } from '../testing/database';
import { insertMember } from '../testing/fixtures';
import type { Executor } from './database';
import { execute } from './execute';
import { PG_CHECK_VIOLATION } from './pg-error';
import { memberMetrics, pointsBatches, pointsLedger } from './schema';
import { withTransaction } from './transaction';

const PG_RESTRICT_VIOLATION = '23001';

async function insertBatch(executor: Executor, memberId: number, points: number): Promise<number> {
  const [batch] = await executor
    .insert(pointsBatches)
    .values({
      memberId,
      originalPoints: points,
      remainingPoints: points,
      earnedAt: new Date('2025-03-01T00:00:00Z'),
      expiresAt: new Date('2026-03-31T16:00:00Z'),
    })
    .returning({ id: pointsBatches.id });
  return batch!.id;
}

async function earn(executor: Executor, memberId: number, points: number, key: string): Promise<void> {
  const batchId = await insertBatch(executor, memberId, points);
  await executor.insert(pointsLedger).values({ memberId, kind: 'earn', points, batchId, idempotencyKey: key });
}

async function balanceOf(executor: Executor, memberId: number): Promise<{ cached: number; summed: number }> {
  const [row] = await execute<{ cached: number | null; summed: number }>(
    executor,
    sql`select (select points_balance from ${memberMetrics} where member_id = ${memberId}) as cached,
               (select coalesce(sum(points), 0)::int8 from ${pointsLedger} where member_id = ${memberId}) as summed`,
  );
  return { cached: row?.cached ?? 0, summed: row?.summed ?? 0 };
}

describeEachDatabase('points ledger', ({ database }) => {
  it('refuses an entry of zero points', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await expectPgError(
      db.insert(pointsLedger).values({ memberId, kind: 'adjust', points: 0, idempotencyKey: 'zero' }),
      PG_CHECK_VIOLATION,
      'points_ledger_points_non_zero_check',
    );
  });

  it('refuses a debit kind with positive points and a credit without its batch', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    const batchId = await insertBatch(db, memberId, 100);
    await expectPgError(
      db.insert(pointsLedger).values({ memberId, kind: 'spend', points: 100, batchId, idempotencyKey: 'wrong-sign' }),
      PG_CHECK_VIOLATION,
      'points_ledger_sign_check',
    );
    await expectPgError(
      db.insert(pointsLedger).values({ memberId, kind: 'earn', points: 100, idempotencyKey: 'no-batch' }),
      PG_CHECK_VIOLATION,
      'points_ledger_credit_has_batch_check',
    );
  });

  it('keeps the cached balance equal to the sum of the entries', async () => {
    const { db } = database();
    const alice = await insertMember(db);
    const bob = await insertMember(db);
    await earn(db, alice, 500, 'earn:order:1');
    await earn(db, bob, 120, 'earn:order:2');
    await db.insert(pointsLedger).values([
      { memberId: alice, kind: 'spend', points: -200, idempotencyKey: 'spend:order:3' },
      { memberId: alice, kind: 'expire', points: -50, idempotencyKey: 'expire:2025-04' },
      { memberId: bob, kind: 'adjust', points: -20, idempotencyKey: 'adjust:1' },
    ]);
    await withTransaction(database(), async (tx) => {
      await earn(tx, alice, 30, 'sign_in:2025-03-02');
    });

    expect(await balanceOf(db, alice)).toEqual({ cached: 280, summed: 280 });
    expect(await balanceOf(db, bob)).toEqual({ cached: 100, summed: 100 });
  });

  it('leaves the balance untouched when the entry rolls back', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await earn(db, memberId, 100, 'earn:order:10');
    await expect(
      withTransaction(database(), async (tx) => {
        await tx.insert(pointsLedger).values({ memberId, kind: 'spend', points: -40, idempotencyKey: 'spend:order:11' });
        throw new Error('payment failed');
      }),
    ).rejects.toThrow('payment failed');
    expect(await balanceOf(db, memberId)).toEqual({ cached: 100, summed: 100 });
  });

  it('refuses to edit or delete an entry', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await earn(db, memberId, 100, 'earn:order:20');
    await expectPgError(
      db.update(pointsLedger).set({ note: 'changed' }).where(eq(pointsLedger.memberId, memberId)),
      PG_RESTRICT_VIOLATION,
    );
    await expectPgError(db.delete(pointsLedger).where(eq(pointsLedger.memberId, memberId)), PG_RESTRICT_VIOLATION);
    expect(await balanceOf(db, memberId)).toEqual({ cached: 100, summed: 100 });
  });

  it('refuses to write a balance other than through the ledger', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await expectPgError(db.insert(memberMetrics).values({ memberId, pointsBalance: 500 }), PG_RESTRICT_VIOLATION);
    await earn(db, memberId, 100, 'earn:order:25');
    await expectPgError(
      db.update(memberMetrics).set({ pointsBalance: 1_000 }).where(eq(memberMetrics.memberId, memberId)),
      PG_RESTRICT_VIOLATION,
    );
    // A refresh that rewrites the other metrics, balance unchanged, is fine.
    await db.update(memberMetrics).set({ pointsBalance: 100, lifecycle: 'active' }).where(eq(memberMetrics.memberId, memberId));
    expect(await balanceOf(db, memberId)).toEqual({ cached: 100, summed: 100 });
  });

  it('keeps a batch between empty and its original size', async () => {
    const { db } = database();
    const memberId = await insertMember(db);
    await earn(db, memberId, 100, 'earn:order:30');
    await expectPgError(
      db.update(pointsBatches).set({ remainingPoints: -1 }).where(eq(pointsBatches.memberId, memberId)),
      PG_CHECK_VIOLATION,
      'points_batches_remaining_check',
    );
    await expectPgError(
      db.update(pointsBatches).set({ remainingPoints: 101 }).where(eq(pointsBatches.memberId, memberId)),
      PG_CHECK_VIOLATION,
      'points_batches_remaining_check',
    );
  });
});
