import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RFM_CONFIG, type RfmConfig } from './config';
import { scoreBase } from './scoreBase';
import { rfmCutPointsSql, rfmDaysBetweenSql, rfmScoreSql, rfmSegmentSql, valueLayerCutPointsSql, valueLayerSql } from './sql';
import { rfmBaseArb, rfmConfigArb, rfmTestNow as now } from './testing/arbitraries';
import type { RfmMemberInput } from './window';

let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await db.exec(
    'CREATE TABLE rfm_members (member_id text PRIMARY KEY, last_paid_at timestamptz, f int NOT NULL, m bigint NOT NULL, predicted bigint)',
  );
}, 60_000);

afterAll(async () => {
  await db.close();
});

interface SqlStats {
  r_cp: number[] | null;
  f_cp: number[] | null;
  m_cp: number[] | null;
  layer_cp: number[] | null;
  sums: string[];
}

interface SqlMemberRow {
  member_id: string;
  r: number | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  segment: string | null;
  layer: string | null;
}

async function scoreInSql(members: readonly RfmMemberInput[], config: RfmConfig) {
  await db.exec('TRUNCATE rfm_members');
  for (const m of members) {
    await db.query('INSERT INTO rfm_members VALUES ($1, $2, $3, $4, $5)', [
      m.memberId,
      m.lastPaidAt?.toISOString() ?? null,
      m.paidOrderCount,
      m.netPaidFen,
      m.predictedValueFen,
    ]);
  }
  const ctes = `
    WITH buyers AS (
      SELECT member_id, f, m, predicted, ${rfmDaysBetweenSql('last_paid_at', '$1::timestamptz')} AS r
      FROM rfm_members WHERE f >= 1
    ), stats AS (
      SELECT ${rfmCutPointsSql('r', 'lower_is_better')} AS r_cp,
             ${rfmCutPointsSql('f', 'higher_is_better')} AS f_cp,
             ${rfmCutPointsSql('m', 'higher_is_better')} AS m_cp,
             ${valueLayerCutPointsSql('coalesce(predicted, m)', config)} AS layer_cp,
             sum(r) AS r_sum, sum(f) AS f_sum, sum(m) AS m_sum, count(*) AS n
      FROM buyers
    )`;
  const stats = await db.query<SqlStats>(
    `${ctes} SELECT r_cp::float8[] AS r_cp, f_cp::float8[] AS f_cp, m_cp::float8[] AS m_cp, layer_cp::float8[] AS layer_cp,
       ARRAY[r_sum::text, f_sum::text, m_sum::text, n::text] AS sums FROM stats`,
    [now.toISOString()],
  );
  const segment = rfmSegmentSql(
    { recencyDays: 'b.r', frequency: 'b.f', monetary: 'b.m' },
    {
      recency: { sum: 's.r_sum', count: 's.n' },
      frequency: { sum: 's.f_sum', count: 's.n' },
      monetary: { sum: 's.m_sum', count: 's.n' },
    },
  );
  const rows = await db.query<SqlMemberRow>(
    `${ctes} SELECT mb.member_id, b.r,
       ${rfmScoreSql('b.r', 's.r_cp', 'lower_is_better')} AS r_score,
       ${rfmScoreSql('b.f', 's.f_cp', 'higher_is_better')} AS f_score,
       ${rfmScoreSql('b.m', 's.m_cp', 'higher_is_better')} AS m_score,
       ${segment} AS segment,
       ${valueLayerSql('coalesce(b.predicted, b.m)', 's.layer_cp')} AS layer
     FROM rfm_members mb LEFT JOIN buyers b USING (member_id) CROSS JOIN stats s ORDER BY mb.member_id`,
    [now.toISOString()],
  );
  return { stats: stats.rows[0] as SqlStats, rows: rows.rows };
}

describe('RFM SQL fragments', () => {
  it('build the documented text', () => {
    expect(rfmCutPointsSql('f', 'higher_is_better')).toBe(
      'percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]::float8[]) WITHIN GROUP (ORDER BY f ASC)',
    );
    expect(rfmCutPointsSql('r', 'lower_is_better')).toContain('ORDER BY r DESC');
    expect(valueLayerCutPointsSql('v', DEFAULT_RFM_CONFIG)).toBe(
      'percentile_disc(ARRAY[0.5, 0.8]::float8[]) WITHIN GROUP (ORDER BY v ASC)',
    );
  });

  it('give the same cut points, means, scores, segments and layers as scoreBase', async () => {
    await fc.assert(
      fc.asyncProperty(rfmBaseArb, rfmConfigArb, async (members, config) => {
        const js = scoreBase(members, now, config);
        const sql = await scoreInSql(members, config);
        if (js.stats) {
          expect(sql.stats.r_cp).toEqual([...js.stats.cutPoints.recency]);
          expect(sql.stats.f_cp).toEqual([...js.stats.cutPoints.frequency]);
          expect(sql.stats.m_cp).toEqual([...js.stats.cutPoints.monetary]);
          expect(sql.stats.layer_cp).toEqual([js.stats.valueLayerCutPoints.mid, js.stats.valueLayerCutPoints.high]);
          expect(sql.stats.sums).toEqual(
            [js.stats.means.recency.sum, js.stats.means.frequency.sum, js.stats.means.monetary.sum, js.stats.buyerCount].map(
              String,
            ),
          );
        } else {
          expect(sql.stats.r_cp).toBeNull();
        }
        const byId = new Map(js.members.map((m) => [m.memberId, m]));
        expect(sql.rows).toHaveLength(members.length);
        for (const row of sql.rows) {
          const expected = byId.get(row.member_id);
          expect({
            r: row.r,
            scores: row.r_score === null ? null : { r: row.r_score, f: row.f_score, m: row.m_score },
            segment: row.segment,
            layer: row.layer,
          }).toEqual({
            r: expected?.recencyDays,
            scores: expected?.scores,
            segment: expected?.segment,
            layer: expected?.valueLayer,
          });
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
