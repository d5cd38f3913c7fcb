import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  addDays,
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  forecastCustomerValue,
  fromShanghai,
  summarizeClvTransactions,
  shanghaiDate,
} from '@member-ops/shared';
import { execute } from '../../db';
import { describeEachDatabase } from '../../testing/database';
import { insertMember } from '../../testing/fixtures';
import { clvTransactionsOf, insertMembers, insertOrders, simulateShopOrders, type SimulatedOrder } from './clv.fixtures';
import { refitClv } from './clv-refit';
import { clvSummaries } from './clv-summary';
import { insertPaidOrder } from './periodic.fixtures';

const AS_OF = fromShanghai(2026, 11, 30, 4);

/** The shared summary of the simulated orders, keyed by member id. */
function sharedSummaries(simulated: readonly SimulatedOrder[], asOf: Date) {
  const summaries = summarizeClvTransactions(clvTransactionsOf(simulated, asOf), { calibrationEnd: shanghaiDate(asOf) });
  return new Map(summaries.map((s) => [Number(s.customerId), { x: s.x, tx: s.tx, T: s.T, monetary: s.monetary }]));
}

describeEachDatabase('CLV summaries in SQL', ({ database }) => {
  it('equal summarizeClvTransactions on a shop, sampled or paged', async () => {
    const db = database().db;
    const ids = await insertMembers(db, 120);
    const [edge, refundedOnly, lateOnly] = ids.slice(-3) as [number, number, number];
    const simulated = simulateShopOrders(ids.slice(0, -3), AS_OF, 7);
    // Across Shanghai midnight (two days), twice on one day, at the calibration instant, and after it.
    simulated.push(
      { memberId: edge, paidAt: fromShanghai(2026, 9, 1, 23, 59), paidFen: 1_000, refundedFen: 0 },
      { memberId: edge, paidAt: fromShanghai(2026, 9, 2, 0, 1), paidFen: 2_000, refundedFen: 500 },
      { memberId: edge, paidAt: fromShanghai(2026, 9, 2, 18), paidFen: 3_000, refundedFen: 0 },
      { memberId: edge, paidAt: AS_OF, paidFen: 4_000, refundedFen: 0 },
      { memberId: edge, paidAt: new Date(AS_OF.getTime() + 1), paidFen: 9_000, refundedFen: 0 },
      { memberId: refundedOnly, paidAt: addDays(AS_OF, -3), paidFen: 5_000, refundedFen: 5_000 },
      { memberId: lateOnly, paidAt: addDays(AS_OF, 1), paidFen: 5_000, refundedFen: 0 },
    );
    await insertOrders(db, simulated);
    await db.execute(
      sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, created_at)
          values ('pending-1', ${edge}, 'mini_program', 'pending', 7000, 7000, ${addDays(AS_OF, -2)})`,
    );

    const expected = sharedSummaries(simulated, AS_OF);
    expect(expected.has(refundedOnly)).toBe(false);
    expect(expected.has(lateOnly)).toBe(false);
    expect(expected.get(edge)).toMatchObject({ x: 2, monetary: (1_500 + 3_000 + 4_000) / 2 });
    expect([...expected.values()].filter((s) => s.x > 0).length).toBeGreaterThan(10);

    const all = await clvSummaries(db, AS_OF, { sample: { size: 1_000 } });
    expect(new Map(all.map(({ memberId, ...rest }) => [memberId, rest]))).toEqual(expected);

    const sample = await clvSummaries(db, AS_OF, { sample: { size: 40 } });
    expect(sample).toHaveLength(40);
    expect(await clvSummaries(db, AS_OF, { sample: { size: 40 } })).toEqual(sample);
    for (const { memberId, ...rest } of sample) expect(rest).toEqual(expected.get(memberId));

    const paged = [];
    let afterMemberId = 0;
    for (;;) {
      const page = await clvSummaries(db, AS_OF, { page: { afterMemberId, size: 25 } });
      paged.push(...page);
      if (page.length < 25) break;
      afterMemberId = page[page.length - 1]?.memberId ?? 0;
    }
    expect(paged).toEqual(all);
  });
});

describeEachDatabase('CLV refit', ({ database }) => {
  it('leaves predictions empty and says why when nobody bought twice', async () => {
    const db = database().db;
    const member = await insertMember(db);
    await insertPaidOrder(db, member, addDays(AS_OF, -10), 10_000);
    const result = await refitClv({ database: database() }, AS_OF);
    expect(result).toEqual({ fitted: false, reason: expect.stringMatching(/repeat purchase/), buyers: 1 });
    const [row] = await execute<{ fits: number; p_alive: number | null }>(
      db,
      sql`select (select count(*) from clv_fits)::int as fits,
                 (select p_alive from member_metrics where member_id = ${member}) as p_alive`,
    );
    expect(row).toEqual({ fits: 0, p_alive: null });
  });

  it('fits the shop, stores the fit, and gives every buyer the shared predictions', { timeout: 60_000 }, async () => {
    const db = database().db;
    const ids = await insertMembers(db, 400);
    const simulated = simulateShopOrders(ids, AS_OF, 11);
    await insertOrders(db, simulated);
    const result = await refitClv({ database: database() }, AS_OF);
    const expected = sharedSummaries(simulated, AS_OF);
    expect(result).toMatchObject({ fitted: true, fittedOn: expected.size + 1, sampled: false, scored: expected.size + 1 });

    const [fit] = await execute<{
      params: Record<string, number>;
      customers: number;
      as_of: Date;
      diagnostics: Record<string, unknown>;
    }>(db, sql`select params, customers, as_of, diagnostics from clv_fits order by id desc limit 1`);
    if (!fit) throw new Error('no fit stored');
    expect(fit.as_of).toEqual(AS_OF);
    expect(fit.diagnostics).toMatchObject({ unitDays: 7, calibrationEnd: '2026-11-30' });
    const { r, alpha, a, b, p, q, v } = fit.params as Record<'r' | 'alpha' | 'a' | 'b' | 'p' | 'q' | 'v', number>;
    for (const value of [r, alpha, a, b, p, q, v]) expect(value).toBeGreaterThan(0);
    const bgNbd = { r, alpha, a, b };

    const stored = await execute<{ member_id: number; p_alive: number; e90: number; e365: number; value: number | null }>(
      db,
      sql`select member_id, p_alive, expected_purchases_90 as e90, expected_purchases_365 as e365, expected_value_365_fen as value
          from member_metrics where member_id = any(${`{${ids.join(',')}}`}::bigint[]) and p_alive is not null`,
    );
    expect(stored).toHaveLength(expected.size);
    for (const row of stored) {
      expect(row.p_alive).toBeGreaterThanOrEqual(0);
      expect(row.p_alive).toBeLessThanOrEqual(1);
      expect(Number.isFinite(row.e90) && Number.isFinite(row.e365)).toBe(true);
      expect(row.e90).toBeLessThanOrEqual(row.e365);
      expect(row.value).not.toBeNull();
    }
    const withRepeats = stored.filter((row) => (expected.get(row.member_id)?.x ?? 0) > 0);
    const sampleRows = [...withRepeats.slice(0, 5), ...stored.filter((row) => expected.get(row.member_id)?.x === 0).slice(0, 3)];
    expect(sampleRows).toHaveLength(8);
    for (const row of sampleRows) {
      const summary = expected.get(row.member_id);
      if (!summary) throw new Error(`member ${row.member_id} has no shared summary`);
      expect(row.p_alive).toBeCloseTo(bgNbdProbabilityAlive(bgNbd, summary), 12);
      expect(row.e90).toBeCloseTo(bgNbdExpectedPurchases(bgNbd, summary, 90 / 7), 12);
      expect(row.e365).toBeCloseTo(bgNbdExpectedPurchases(bgNbd, summary, 365 / 7), 12);
      const forecast = forecastCustomerValue({ bgNbd, gammaGamma: { p, q, v } }, summary, { horizonDays: 365 });
      expect(row.value).toBe(Math.round(forecast.discountedValue));
    }
    // Someone who bought often and recently is more likely alive than someone who stopped long ago.
    expect(Math.min(...withRepeats.map((row) => row.p_alive))).toBeLessThan(0.9);
  });
});
