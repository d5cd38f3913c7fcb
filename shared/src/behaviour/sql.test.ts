import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityScoreFromEvents, behaviourStateFor } from './activity';
import { DEFAULT_BEHAVIOUR_CONFIG } from './config';
import { activityDecayFactorSql, activityEventPointsSql, behaviourStateSql } from './sql';
import { activityEventArb, behaviourConfigArb, behaviourTestNow as now, relativelyClose } from './testing/arbitraries';

let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await db.exec(
    'CREATE TABLE activity_events (member int NOT NULL, type text NOT NULL, at timestamptz NOT NULL, dwell_seconds int)',
  );
}, 60_000);

afterAll(async () => {
  await db.close();
});

describe('behaviour SQL fragments', () => {
  it('build the documented state expression', () => {
    expect(behaviourStateSql('a.activity_score', DEFAULT_BEHAVIOUR_CONFIG)).toBe(
      "(CASE WHEN a.activity_score >= 15::float8 THEN 'active' WHEN a.activity_score >= 1::float8 THEN 'potential' ELSE 'churned' END)",
    );
  });

  it('give the batch score within 1e-9 and the same state away from the thresholds', async () => {
    const membersArb = fc.array(fc.array(activityEventArb, { minLength: 1, maxLength: 15 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(membersArb, behaviourConfigArb, async (members, config) => {
        await db.exec('TRUNCATE activity_events');
        for (const [member, events] of members.entries()) {
          for (const e of events) {
            await db.query('INSERT INTO activity_events VALUES ($1, $2, $3, $4)', [
              member,
              e.type,
              e.at.toISOString(),
              e.dwellSeconds ?? null,
            ]);
          }
        }
        const score = `sum(${activityEventPointsSql('type', 'dwell_seconds', config)} * ${activityDecayFactorSql('at', '$1::timestamptz', config)})`;
        const result = await db.query<{ member: number; score: number; state: string }>(
          `SELECT member, ${score} AS score, ${behaviourStateSql(score, config)} AS state
           FROM activity_events WHERE at <= $1::timestamptz GROUP BY member ORDER BY member`,
          [now.toISOString()],
        );
        expect(result.rows).toHaveLength(members.length);
        for (const row of result.rows) {
          const js = activityScoreFromEvents(members[row.member] ?? [], now, config);
          expect(relativelyClose(row.score, js), `${row.score} vs ${js}`).toBe(true);
          const nearThreshold = [config.thresholds.activeAtLeast, config.thresholds.potentialAtLeast].some((t) =>
            relativelyClose(js, t),
          );
          if (!nearThreshold) expect(row.state).toBe(behaviourStateFor(js, config));
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
