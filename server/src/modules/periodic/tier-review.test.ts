import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { addDays, addMonths, DEFAULT_TIER_CONFIG, evaluateTier, fromShanghai, type TierCode } from '@member-ops/shared';
import { execute } from '../../db';
import { describeEachDatabase } from '../../testing/database';
import { insertMember } from '../../testing/fixtures';
import { insertPaidOrder } from './periodic.fixtures';
import { reviewTiers } from './tier-review';

const NOW = fromShanghai(2026, 11, 24, 2);
const HOUR = 3_600_000;

type MemberRow = {
  id: number;
  tier: TierCode;
  tier_keep_until: Date | null;
  tier_since: Date | null;
};

describeEachDatabase('tier review (保级)', ({ database }) => {
  const db = () => database().db;
  const memberRow = async (id: number) => {
    const [row] = await execute<MemberRow>(db(), sql`select id, tier, tier_keep_until, tier_since from members where id = ${id}`);
    return row;
  };
  const historyOf = (id: number) =>
    execute<{ from_tier: string; to_tier: string; reason: string; growth_value_fen: number; at: Date }>(
      db(),
      sql`select from_tier, to_tier, reason, growth_value_fen, at from tier_history where member_id = ${id} order by id`,
    );

  it('keeps, drops one level, applies missed reviews, ignores orders outside the window, and re-runs as a no-op', async () => {
    const keptDue = addDays(NOW, -1);
    const kept = await insertMember(db(), { tier: 'gold', tierKeepUntil: keptDue, tierSince: addMonths(keptDue, -12) });
    await insertPaidOrder(db(), kept, addDays(NOW, -100), 450_000);
    await insertPaidOrder(db(), kept, addDays(NOW, -10), 150_000, 50_000);

    const droppedDue = new Date(NOW.getTime() - HOUR);
    const dropped = await insertMember(db(), { tier: 'diamond', tierKeepUntil: droppedDue });

    const missedDue = addMonths(NOW, -13);
    const missed = await insertMember(db(), { tier: 'gold', tierKeepUntil: missedDue });
    await insertPaidOrder(db(), missed, addDays(NOW, -30), 50_000);

    const staleOrder = await insertMember(db(), { tier: 'silver', tierKeepUntil: addDays(NOW, -2) });
    await insertPaidOrder(db(), staleOrder, addDays(NOW, -400), 300_000);

    const notDue = await insertMember(db(), { tier: 'gold', tierKeepUntil: addDays(NOW, 1) });
    const exactlyDue = await insertMember(db(), { tier: 'silver', tierKeepUntil: NOW });
    await insertPaidOrder(db(), exactlyDue, addDays(NOW, -364), 100_000);

    const result = await reviewTiers({ database: database() }, NOW, 2);
    expect(result).toMatchObject({ reviewed: 5, kept: 2, downgraded: 3, upgraded: 0, historyRows: 6 });

    expect(await memberRow(kept)).toMatchObject({ tier: 'gold', tier_keep_until: addMonths(keptDue, 12) });
    expect(await historyOf(kept)).toEqual([
      { from_tier: 'gold', to_tier: 'gold', reason: 'review_keep', growth_value_fen: 550_000, at: NOW },
    ]);

    expect(await memberRow(dropped)).toMatchObject({ tier: 'gold', tier_keep_until: addMonths(droppedDue, 12), tier_since: NOW });
    expect(await historyOf(dropped)).toEqual([
      { from_tier: 'diamond', to_tier: 'gold', reason: 'review_downgrade', growth_value_fen: 0, at: NOW },
    ]);

    // Two reviews were missed: gold → silver at the first due date, silver → normal at the next.
    const shared = evaluateTier({ tier: 'gold', keepUntil: missedDue }, 50_000, NOW, DEFAULT_TIER_CONFIG);
    expect(shared.history.map((entry) => entry.to)).toEqual(['silver', 'normal']);
    expect(await memberRow(missed)).toMatchObject({ tier: shared.tier, tier_keep_until: null });
    expect(await historyOf(missed)).toEqual(
      shared.history.map((entry) => ({
        from_tier: entry.from,
        to_tier: entry.to,
        reason: entry.reason === 'review_down' ? 'review_downgrade' : entry.reason,
        growth_value_fen: 50_000,
        at: NOW,
      })),
    );

    expect(await memberRow(staleOrder)).toMatchObject({ tier: 'normal', tier_keep_until: null });
    expect(await memberRow(notDue)).toMatchObject({ tier: 'gold', tier_keep_until: addDays(NOW, 1) });
    expect(await historyOf(notDue)).toEqual([]);
    // An order paid 364 days ago is still inside the 365-day window, and keep_until = now is due.
    expect(await memberRow(exactlyDue)).toMatchObject({ tier: 'silver', tier_keep_until: addMonths(NOW, 12) });
    // Each downgraded member gets one tier_down fact for the campaigns, naming the tier they end in.
    const downTriggers = await execute<{ member_id: number; to_tier: string }>(
      db(),
      sql`select member_id, payload->>'toTier' as to_tier from member_triggers where kind = 'tier_down' order by member_id`,
    );
    expect(downTriggers).toEqual(
      [
        { member_id: dropped, to_tier: 'gold' },
        { member_id: missed, to_tier: shared.tier },
        { member_id: staleOrder, to_tier: 'normal' },
      ].sort((a, b) => a.member_id - b.member_id),
    );

    const snapshot = async () =>
      execute(
        db(),
        sql`select (select json_agg(m order by m.id)::text from (select id, tier, tier_keep_until, tier_since, updated_at from members) m) as members,
                   (select count(*) from tier_history)::int as history`,
      );
    const before = await snapshot();
    const again = await reviewTiers({ database: database() }, new Date(NOW.getTime() + 5 * HOUR));
    expect(again).toMatchObject({ reviewed: 0, historyRows: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('records the tier rules version in force on every history row', async () => {
    await db().execute(
      sql`insert into rule_configs (kind, version, config, effective_from)
          values ('tier', 7, ${JSON.stringify({ ...DEFAULT_TIER_CONFIG, tiers: { ...DEFAULT_TIER_CONFIG.tiers, silver: { ...DEFAULT_TIER_CONFIG.tiers.silver, keepFen: 40_000 } } })}::jsonb,
                  ${addDays(NOW, -400)})`,
    );
    const member = await insertMember(db(), { tier: 'silver', tierKeepUntil: addDays(NOW, -3) });
    await insertPaidOrder(db(), member, addDays(NOW, -5), 40_000);
    const result = await reviewTiers({ database: database() }, new Date(NOW.getTime() + 12 * HOUR));
    expect(result).toMatchObject({ reviewed: 1, kept: 1, configVersion: 7 });
    const [row] = await execute<{ reason: string; config_version: number }>(
      db(),
      sql`select reason, config_version from tier_history where member_id = ${member}`,
    );
    expect(row).toEqual({ reason: 'review_keep', config_version: 7 });
  });
});
