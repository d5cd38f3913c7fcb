import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE_CONFIG } from './config';
import { lifecyclePotentialSql, lifecycleStageSql, type LifecycleSqlInputs } from './sql';
import { lifecycleStageFor, type LifecycleInput } from './stage';
import { lifecycleConfigArb, lifecycleInputArb, lifecycleTestNow as now } from './testing/arbitraries';

let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await db.exec(
    `CREATE TABLE lifecycle_members (id int PRIMARY KEY, first_paid_at timestamptz, last_paid_at timestamptz,
       paid_orders int NOT NULL, last_activity_at timestamptz)`,
  );
}, 60_000);

afterAll(async () => {
  await db.close();
});

const inputs: LifecycleSqlInputs = {
  now: '$1::timestamptz',
  firstPaidAt: 'first_paid_at',
  lastPaidAt: 'last_paid_at',
  paidOrderCount: 'paid_orders',
  lastActivityAt: 'last_activity_at',
};

describe('lifecycle SQL fragments', () => {
  it('inline the fixed days when the cadence is off', () => {
    const sql = lifecycleStageSql(inputs, DEFAULT_LIFECYCLE_CONFIG);
    expect(sql).toContain("<= 90 THEN 'active'");
    expect(sql).not.toContain('least(');
  });

  it('give the same stage and potential flag as lifecycleStageFor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lifecycleInputArb, { minLength: 1, maxLength: 40 }),
        lifecycleConfigArb,
        async (members, config) => {
          await db.exec('TRUNCATE lifecycle_members');
          for (const [id, m] of members.entries()) {
            await db.query('INSERT INTO lifecycle_members VALUES ($1, $2, $3, $4, $5)', [
              id,
              m.firstPaidAt?.toISOString() ?? null,
              m.lastPaidAt?.toISOString() ?? null,
              m.paidOrderCount,
              m.lastActivityAt?.toISOString() ?? null,
            ]);
          }
          const result = await db.query<{ stage: string; potential: boolean }>(
            `SELECT ${lifecycleStageSql(inputs, config)} AS stage, ${lifecyclePotentialSql(inputs, config)} AS potential
           FROM lifecycle_members ORDER BY id`,
            [now.toISOString()],
          );
          const expected = members.map((m: LifecycleInput) => {
            const { stage, potential } = lifecycleStageFor(m, now, config);
            return { stage, potential };
          });
          expect(result.rows).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
