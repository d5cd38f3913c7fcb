import { sql } from 'drizzle-orm';
import {
  LIFECYCLE_STAGES,
  RFM_SEGMENTS,
  TIER_CODES,
  type DashboardResponse,
  type LifecycleStage,
  type RfmSegment,
  type TierCode,
} from '@member-ops/shared';
import { execute, type Database } from '../../db';

/** Months of tier migrations the dashboard charts. */
const MIGRATION_MONTHS = 12;

/** The dashboard's figures, each one grouped query over the per-member read model (no rows reach Node). */
export async function loadDashboard(database: Database, now: Date): Promise<DashboardResponse> {
  const db = database.db;
  const [totals] = await execute<{ members: number; buyers: number; repeat_buyers: number; as_of: Date | null }>(
    db,
    sql`select count(*)::int as members,
               count(*) filter (where coalesce(mm.orders_total, 0) >= 1)::int as buyers,
               count(*) filter (where coalesce(mm.orders_total, 0) >= 2)::int as repeat_buyers,
               (select max(as_of) from segment_stats) as as_of
          from members m left join member_metrics mm on mm.member_id = m.id
         where m.deleted_at is null`,
  );
  const tiers = await execute<{ tier: TierCode; n: number }>(
    db,
    sql`select tier, count(*)::int as n from members where deleted_at is null group by tier`,
  );
  const stages = await execute<{ stage: LifecycleStage; n: number }>(
    db,
    sql`select coalesce(mm.lifecycle, 'prospect') as stage, count(*)::int as n
          from members m left join member_metrics mm on mm.member_id = m.id
         where m.deleted_at is null group by 1`,
  );
  const rfm = await execute<{ segment: RfmSegment; n: number; monetary: number }>(
    db,
    sql`select mm.rfm_segment as segment, count(*)::int as n, sum(mm.monetary_365_fen)::int8 as monetary
          from member_metrics mm join members m on m.id = mm.member_id
         where m.deleted_at is null and mm.rfm_segment is not null group by 1`,
  );
  const migrations = await execute<{ month: string; from_value: string; to_value: string; n: number }>(
    db,
    sql`select to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, from_tier as from_value, to_tier as to_value,
               count(*)::int as n
          from tier_history
         where from_tier is not null and at >= ${new Date(now.getTime() - MIGRATION_MONTHS * 31 * 86_400_000)} and at <= ${now}
         group by 1, 2, 3 order by 1, 2, 3`,
  );
  const members = totals?.members ?? 0;
  const buyers = totals?.buyers ?? 0;
  const repeatBuyers = totals?.repeat_buyers ?? 0;
  const revenue = rfm.reduce((sum, row) => sum + row.monetary, 0);
  const countOf = <K extends string>(rows: { key: K; n: number }[], key: K) => rows.find((r) => r.key === key)?.n ?? 0;
  return {
    members,
    buyers,
    repeatBuyers,
    repeatPurchaseRate: buyers === 0 ? 0 : repeatBuyers / buyers,
    segmentsAsOf: totals?.as_of?.toISOString() ?? null,
    byTier: TIER_CODES.map((tier) => ({
      tier,
      members: countOf(
        tiers.map((r) => ({ key: r.tier, n: r.n })),
        tier,
      ),
    })),
    lifecycleFunnel: LIFECYCLE_STAGES.map((stage) => ({
      stage,
      members: countOf(
        stages.map((r) => ({ key: r.stage, n: r.n })),
        stage,
      ),
    })),
    rfmMatrix: RFM_SEGMENTS.map((segment) => {
      const row = rfm.find((r) => r.segment === segment);
      const monetary = row?.monetary ?? 0;
      return { segment, members: row?.n ?? 0, monetary365Fen: monetary, revenueShare: revenue === 0 ? 0 : monetary / revenue };
    }),
    tierMigrations: migrations.map((row) => ({ month: row.month, from: row.from_value, to: row.to_value, members: row.n })),
  };
}
