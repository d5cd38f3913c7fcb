import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import { adjustPoints, clawbackForRefund } from './clawback';
import { DEFAULT_POINTS_CONFIG } from './config';
import { decideSignIn, earnForOrder, type SignInState } from './earn';
import {
  availablePoints,
  balanceOf,
  batchesOf,
  expireDue,
  isPointsCredit,
  type PointsDebitEntry,
  type PointsEntry,
  pointsExpiringSoon,
  spendPoints,
} from './ledger';
import { maxPointsDeduction, pointsToFen } from './redeem';

const config = DEFAULT_POINTS_CONFIG;

type Op =
  | { op: 'earn'; paidFen: number; multiplier: number }
  | { op: 'spend'; points: number }
  | { op: 'wait'; hours: number }
  | { op: 'expire' }
  | { op: 'refund'; pick: number; share: number }
  | { op: 'signIn' }
  | { op: 'adjust'; points: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('earn' as const),
    paidFen: fc.integer({ min: 0, max: 300_000 }),
    multiplier: fc.constantFrom(1, 1.2, 1.5, 2),
  }),
  fc.record({ op: fc.constant('spend' as const), points: fc.integer({ min: 1, max: 4_000 }) }),
  fc.record({ op: fc.constant('wait' as const), hours: fc.integer({ min: 0, max: 24 * 150 }) }),
  fc.record({ op: fc.constant('expire' as const) }),
  fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('signIn' as const) }),
  fc.record({ op: fc.constant('adjust' as const), points: fc.integer({ min: -800, max: 800 }) }),
);

interface Order {
  orderId: string;
  paidFen: number;
  refundedFen: number;
}

/** Allocations a correct oldest-first debit of `points` at `now` must have. */
function expectedOldestFirst(before: readonly PointsEntry[], points: number, now: Date) {
  const allocations: Array<{ batchId: string; points: number }> = [];
  let left = points;
  const oldestFirst = [...batchesOf(before, now)].sort(
    (a, b) =>
      a.expiresAt.getTime() - b.expiresAt.getTime() ||
      a.earnedAt.getTime() - b.earnedAt.getTime() ||
      a.batchId.localeCompare(b.batchId),
  );
  for (const batch of oldestFirst) {
    if (left === 0 || batch.expired || batch.remaining === 0) continue;
    const take = Math.min(left, batch.remaining);
    allocations.push({ batchId: batch.batchId, points: take });
    left -= take;
  }
  return allocations;
}

function checkInvariants(entries: readonly PointsEntry[], now: Date): void {
  const batches = batchesOf(entries, now);
  const balance = balanceOf(entries);
  expect(balance).toBe(entries.reduce((sum, entry) => sum + entry.points, 0));
  expect(balance).toBe(batches.reduce((sum, batch) => sum + batch.remaining, 0));
  expect(balance).toBeGreaterThanOrEqual(0);
  for (const batch of batches) {
    expect(batch.remaining).toBeGreaterThanOrEqual(0);
    expect(batch.remaining).toBeLessThanOrEqual(batch.points);
  }
  expect(availablePoints(entries, now)).toBeLessThanOrEqual(balance);
}

function run(ops: readonly Op[]): void {
  const entries: PointsEntry[] = [];
  const orders: Order[] = [];
  let now = fromShanghai(2026, 1, 1, 10);
  let signIn: SignInState | null = null;
  let adjustments = 0;
  const appendDebit = (entry: PointsDebitEntry, expectedPoints: number) => {
    const usable = new Set(
      batchesOf(entries, now)
        .filter((b) => !b.expired)
        .map((b) => b.batchId),
    );
    for (const allocation of entry.allocations) expect(usable.has(allocation.batchId)).toBe(true);
    expect(entry.points + expectedPoints).toBe(0);
    expect(Object.is(entry.points, -0)).toBe(false);
    entries.push(entry);
  };

  for (const step of ops) {
    switch (step.op) {
      case 'earn': {
        const orderId = `o${orders.length}`;
        orders.push({ orderId, paidFen: step.paidFen, refundedFen: 0 });
        entries.push(...earnForOrder({ orderId, paidFen: step.paidFen, paidAt: now }, step.multiplier, config));
        break;
      }
      case 'spend': {
        const available = availablePoints(entries, now);
        const decision = spendPoints(entries, step.points, now, 'checkout');
        expect(decision.ok).toBe(step.points <= available);
        if (decision.ok) {
          expect(decision.entry.allocations).toEqual(expectedOldestFirst(entries, step.points, now));
          appendDebit(decision.entry, step.points);
        } else {
          expect(decision.available).toBe(available);
        }
        break;
      }
      case 'wait':
        now = new Date(now.getTime() + step.hours * 3_600_000);
        break;
      case 'expire': {
        entries.push(...expireDue(entries, now));
        expect(balanceOf(entries)).toBe(availablePoints(entries, now));
        expect(expireDue(entries, now)).toEqual([]);
        break;
      }
      case 'refund': {
        const refundable = orders.filter((o) => o.paidFen > 0);
        const order = refundable[step.pick % Math.max(1, refundable.length)];
        if (!order) break;
        order.refundedFen = Math.min(
          order.paidFen,
          order.refundedFen + Math.floor((order.paidFen - order.refundedFen) * step.share),
        );
        const decision = clawbackForRefund(entries, { ...order }, now);
        for (const entry of decision.entries) appendDebit(entry, decision.clawedBack);
        const earned = entries.filter((e) => isPointsCredit(e) && e.ref === order.orderId).reduce((s, e) => s + e.points, 0);
        const reversed = entries
          .filter((e): e is PointsDebitEntry => e.kind === 'clawback' && e.ref === order.orderId)
          .reduce((s, e) => s - e.points + (e.shortfall ?? 0), 0);
        expect(reversed).toBe(Math.floor((earned * order.refundedFen) / order.paidFen));
        break;
      }
      case 'signIn': {
        const decision = decideSignIn(signIn, now, config);
        signIn = decision.state;
        if (decision.status === 'signed_in') entries.push(...decision.entries);
        break;
      }
      case 'adjust': {
        adjustments += 1;
        const available = availablePoints(entries, now);
        const decision = adjustPoints(entries, { adjustmentId: `a${adjustments}`, points: step.points, note: '' }, now, config);
        expect(decision.ok).toBe(step.points !== 0 && step.points >= -available);
        if (decision.ok && isPointsCredit(decision.entry)) entries.push(decision.entry);
        if (decision.ok && !isPointsCredit(decision.entry)) {
          expect(decision.entry.allocations).toEqual(expectedOldestFirst(entries, -step.points, now));
          appendDebit(decision.entry, -step.points);
        }
        break;
      }
    }
    checkInvariants(entries, now);
  }
}

describe('points ledger properties', () => {
  it('over any sequence of operations the ledger stays consistent, non-negative, oldest-first and expiry-safe', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 20, maxLength: 60, size: 'max' }), run), { numRuns: 200 });
  }, 60_000);

  it('partial refunds claw back in total exactly what one full refund would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom(1, 1.2, 1.5, 2),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        (paidFen, multiplier, shares) => {
          const now = fromShanghai(2026, 5, 1);
          const earned = earnForOrder({ orderId: 'x', paidFen, paidAt: now }, multiplier, config);
          const full = clawbackForRefund(earned, { orderId: 'x', paidFen, refundedFen: paidFen }, now);
          const entries: PointsEntry[] = [...earned];
          const cumulative = [...shares.map((s) => Math.floor(paidFen * s)).sort((a, b) => a - b), paidFen];
          let total = 0;
          for (const refundedFen of cumulative) {
            const decision = clawbackForRefund(entries, { orderId: 'x', paidFen, refundedFen }, now);
            expect(decision.clawedBack).toBeGreaterThanOrEqual(0);
            expect(decision.shortfall).toBe(0);
            entries.push(...decision.entries);
            total += decision.clawedBack;
          }
          expect(total).toBe(full.clawedBack);
          expect(total).toBe(balanceOf(earned));
          expect(balanceOf(entries)).toBe(0);
        },
      ),
    );
  });

  it('the expiry reminder only counts points that can still be spent and will expire within the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 900 }),
        (earnDays, checkDay) => {
          const start = fromShanghai(2026, 1, 1, 12);
          const entries = earnDays.flatMap((d, i) =>
            earnForOrder({ orderId: `o${i}`, paidFen: 1_000 + i, paidAt: addDays(start, d) }, 1, config),
          );
          const now = addDays(start, checkDay);
          const known = entries.filter((e) => e.occurredAt.getTime() <= now.getTime());
          const soon = pointsExpiringSoon(batchesOf(known, now), now, 30);
          expect(soon.points).toBeLessThanOrEqual(availablePoints(known, now));
          for (const batch of soon.batches) {
            expect(batch.expiresAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
            expect(batch.expiresAt.getTime()).toBeLessThanOrEqual(addDays(now, 30).getTime());
          }
        },
      ),
    );
  });

  it('a checkout deduction never exceeds the order share, the balance, or its own value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (orderFen, balance) => {
        const max = maxPointsDeduction(orderFen, balance, config);
        expect(max.points).toBeLessThanOrEqual(balance);
        expect(max.fen * 2).toBeLessThanOrEqual(orderFen);
        expect(max.fen % config.redemption.stepFen).toBe(0);
        expect(pointsToFen(max.points, config)).toBe(max.fen);
        const oneMoreStep = maxPointsDeduction(orderFen, balance + 100, config);
        expect(oneMoreStep.fen - max.fen).toBeLessThanOrEqual(100);
      }),
    );
  });
});
