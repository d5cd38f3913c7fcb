import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, DAY_MS, fromShanghai } from '../time';
import { TIER_CODES, type TierCode } from '../vocabulary';
import { DEFAULT_TIER_CONFIG, tierForGrowth, tierRank } from './config';
import { evaluateTier, type MemberTierState } from './evaluate';
import { type GrowthOrder, growthValue } from './growth';
import { tierProgress } from './progress';

const config = DEFAULT_TIER_CONFIG;
const base = fromShanghai(2026, 1, 1).getTime();
const nowArb = fc.integer({ min: 0, max: 730 * DAY_MS }).map((offset) => new Date(base + offset));
const tierArb = fc.constantFrom(...TIER_CODES);

/** A stored state as the server could hold it at `now`: a review date up to 12 months ahead or up to 3 years overdue. */
const stateArb = (now: Date) =>
  fc
    .record({ tier: tierArb, offset: fc.integer({ min: -1095 * DAY_MS, max: 365 * DAY_MS }) })
    .map(({ tier, offset }): MemberTierState => ({
      tier,
      keepUntil: tier === 'normal' ? null : new Date(Math.min(now.getTime() + offset, addMonths(now, 12).getTime())),
    }));

const ordersArb = (now: Date) =>
  fc.array(
    fc
      .record({
        ageMs: fc.integer({ min: 0, max: 500 * DAY_MS }),
        amountFen: fc.integer({ min: 1, max: 1_500_000 }),
        refundShare: fc.constantFrom(0, 0, 0, 0.3, 1),
      })
      .map(({ ageMs, amountFen, refundShare }): GrowthOrder => ({
        paidAt: new Date(now.getTime() - ageMs),
        amountFen,
        refundedFen: Math.floor(amountFen * refundShare),
      })),
    { maxLength: 8 },
  );

const memberArb = nowArb.chain((now) => fc.record({ now: fc.constant(now), state: stateArb(now), orders: ordersArb(now) }));

describe('evaluateTier properties', () => {
  it('upgrades to exactly the tier reached when that is higher, otherwise drops at most one level per review', () => {
    fc.assert(
      fc.property(memberArb, fc.integer({ min: 0, max: 3_000_000 }), ({ now, state }, growth) => {
        const decision = evaluateTier(state, growth, now, config);
        const reached = tierForGrowth(growth, config);
        if (tierRank(reached) > tierRank(state.tier)) {
          expect(decision.tier).toBe(reached);
          expect(decision.changed).toBe('up');
        } else {
          expect(tierRank(decision.tier)).toBeLessThanOrEqual(tierRank(state.tier));
          for (const entry of decision.history) {
            expect(tierRank(entry.from) - tierRank(entry.to)).toBeGreaterThanOrEqual(0);
            expect(tierRank(entry.from) - tierRank(entry.to)).toBeLessThanOrEqual(1);
            expect(entry.reason === 'review_keep').toBe(entry.from === entry.to);
          }
          expect(state.tier === 'normal' || state.keepUntil!.getTime() > now.getTime()).toBe(decision.history.length === 0);
        }
      }),
    );
  });

  it('leaves a state with no review due, which a second evaluation does not change', () => {
    fc.assert(
      fc.property(memberArb, fc.integer({ min: 0, max: 3_000_000 }), ({ now, state }, growth) => {
        const first = evaluateTier(state, growth, now, config);
        expect(first.keepUntil === null).toBe(first.tier === 'normal');
        if (first.keepUntil) expect(first.keepUntil.getTime()).toBeGreaterThan(now.getTime());
        const again = evaluateTier(first, growth, now, config);
        expect(again.tier).toBe(first.tier);
        expect(again.history).toEqual([]);
        expect(again.changed).toBe('none');
      }),
    );
  });

  it('the history chains from the stored tier to the decided one', () => {
    fc.assert(
      fc.property(memberArb, fc.integer({ min: 0, max: 3_000_000 }), ({ now, state }, growth) => {
        const decision = evaluateTier(state, growth, now, config);
        let tier: TierCode = state.tier;
        for (const entry of decision.history) {
          expect(entry.from).toBe(tier);
          tier = entry.to;
        }
        expect(tier).toBe(decision.tier);
      }),
    );
  });
});

describe('tierProgress properties: "¥X more by DATE" is exactly true', () => {
  const buy = (orders: readonly GrowthOrder[], at: Date, amountFen: number) =>
    amountFen > 0 ? [...orders, { paidAt: at, amountFen, refundedFen: 0 }] : orders;

  it('spending the amount at any moment up to `by` reaches the next tier; one fen less on `by` does not', () => {
    fc.assert(
      fc.property(memberArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ now, state, orders }, when) => {
        const progress = tierProgress({ ...state, orders }, config, now);
        fc.pre(progress.next !== null);
        const next = progress.next!;
        const entry = config.tiers[next.tier].entryFen;
        const last = next.by ?? addDays(now, 400);
        const at = new Date(now.getTime() + Math.floor((last.getTime() - now.getTime()) * when));
        expect(growthValue(buy(orders, at, next.amountFen), at, config)).toBeGreaterThanOrEqual(entry);
        expect(growthValue(buy(orders, last, next.amountFen - 1), last, config)).toBeLessThan(entry);
        if (next.by) {
          const tooLate = new Date(next.by.getTime() + 1);
          expect(growthValue(buy(orders, tooLate, next.amountFen), tooLate, config)).toBeLessThan(entry);
        }
      }),
    );
  });

  it('spending the keep amount between countsFrom and the review keeps the tier; one fen less does not', () => {
    fc.assert(
      fc.property(memberArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ now, state, orders }, when) => {
        const progress = tierProgress({ ...state, orders }, config, now);
        fc.pre(progress.keep !== null);
        const keep = progress.keep!;
        const threshold = config.tiers[keep.tier].keepFen;
        const span = keep.by.getTime() - keep.countsFrom.getTime();
        expect(span).toBeGreaterThanOrEqual(0);
        const at = new Date(keep.countsFrom.getTime() + Math.floor(span * when));
        expect(growthValue(buy(orders, at, keep.amountFen), keep.by, config)).toBeGreaterThanOrEqual(threshold);
        if (keep.amountFen > 0) {
          expect(growthValue(buy(orders, keep.by, keep.amountFen - 1), keep.by, config)).toBeLessThan(threshold);
        }
      }),
    );
  });

  it('the progress ratio stays within 0…1 and the next tier is always one above the current', () => {
    fc.assert(
      fc.property(memberArb, ({ now, state, orders }) => {
        const progress = tierProgress({ ...state, orders }, config, now);
        expect(progress.ratio).toBeGreaterThanOrEqual(0);
        expect(progress.ratio).toBeLessThanOrEqual(1);
        if (progress.next) {
          expect(tierRank(progress.next.tier)).toBe(tierRank(progress.tier) + 1);
          expect(progress.next.amountFen).toBeGreaterThan(0);
          expect(Number.isSafeInteger(progress.next.amountFen)).toBe(true);
        } else {
          expect(progress.tier).toBe('diamond');
        }
      }),
    );
  });
});
