import { describe, expect, it } from 'vitest';
import { addMonths, fromShanghai } from '../time';
import { DEFAULT_TIER_CONFIG, type TierConfig } from './config';
import { evaluateTier } from './evaluate';

const config = DEFAULT_TIER_CONFIG;
const now = fromShanghai(2026, 6, 15, 10, 30);

describe('evaluateTier: upgrades', () => {
  it('upgrades at once to the highest tier reached, skipping tiers in between', () => {
    const decision = evaluateTier({ tier: 'normal', keepUntil: null }, 2_100_000, now, config);
    expect(decision).toEqual({
      tier: 'diamond',
      changed: 'up',
      keepUntil: fromShanghai(2027, 6, 15, 10, 30),
      reason: 'upgrade',
      history: [
        {
          from: 'normal',
          to: 'diamond',
          reason: 'upgrade',
          growthFen: 2_100_000,
          at: now,
          keepUntil: fromShanghai(2027, 6, 15, 10, 30),
        },
      ],
    });
  });

  it('upgrades exactly at the threshold and not one fen below', () => {
    expect(evaluateTier({ tier: 'normal', keepUntil: null }, 100_000, now, config).tier).toBe('silver');
    expect(evaluateTier({ tier: 'normal', keepUntil: null }, 99_999, now, config).tier).toBe('normal');
  });

  it('restarts the keep period on an upgrade during a keep period', () => {
    const decision = evaluateTier({ tier: 'silver', keepUntil: fromShanghai(2026, 9, 1) }, 500_000, now, config);
    expect(decision.tier).toBe('gold');
    expect(decision.keepUntil?.getTime()).toBe(addMonths(now, 12).getTime());
  });

  it('prefers an upgrade over an overdue review', () => {
    const decision = evaluateTier({ tier: 'silver', keepUntil: fromShanghai(2026, 1, 1) }, 600_000, now, config);
    expect(decision).toMatchObject({ tier: 'gold', changed: 'up', reason: 'upgrade' });
    expect(decision.history).toHaveLength(1);
  });

  it('uses the configured keep period', () => {
    const short: TierConfig = { ...config, keepMonths: 3 };
    expect(evaluateTier({ tier: 'normal', keepUntil: null }, 100_000, now, short).keepUntil?.getTime()).toBe(
      fromShanghai(2026, 9, 15, 10, 30).getTime(),
    );
  });
});

describe('evaluateTier: within the keep period', () => {
  it('keeps a tier whose growth has fallen while keepUntil is ahead', () => {
    const keepUntil = fromShanghai(2026, 6, 15, 10, 31);
    expect(evaluateTier({ tier: 'gold', keepUntil }, 0, now, config)).toEqual({
      tier: 'gold',
      changed: 'none',
      keepUntil,
      reason: 'within_keep_period',
      history: [],
    });
  });

  it('reports no change for a normal member below silver and clears a stray keepUntil', () => {
    expect(evaluateTier({ tier: 'normal', keepUntil: fromShanghai(2020, 1, 1) }, 5_000, now, config)).toEqual({
      tier: 'normal',
      changed: 'none',
      keepUntil: null,
      reason: 'no_change',
      history: [],
    });
  });

  it('refuses a tier above normal without a review date', () => {
    expect(() => evaluateTier({ tier: 'gold', keepUntil: null }, 0, now, config)).toThrow(RangeError);
  });
});

describe('evaluateTier: reviews', () => {
  const due = fromShanghai(2026, 6, 15, 10, 30);

  it('runs the review exactly at keepUntil and keeps the tier at the keep threshold', () => {
    const decision = evaluateTier({ tier: 'gold', keepUntil: due }, 500_000, now, config);
    expect(decision).toMatchObject({ tier: 'gold', changed: 'none', reason: 'review_keep' });
    expect(decision.keepUntil?.getTime()).toBe(fromShanghai(2027, 6, 15, 10, 30).getTime());
    expect(decision.history).toEqual([
      { from: 'gold', to: 'gold', reason: 'review_keep', growthFen: 500_000, at: now, keepUntil: decision.keepUntil },
    ]);
  });

  it('drops one level, not to the tier the growth reaches, one fen below the keep threshold', () => {
    const decision = evaluateTier({ tier: 'diamond', keepUntil: due }, 1_999_999, now, config);
    expect(decision).toMatchObject({ tier: 'gold', changed: 'down', reason: 'review_down' });
    const collapsed = evaluateTier({ tier: 'diamond', keepUntil: due }, 0, now, config);
    expect(collapsed.tier).toBe('gold');
    expect(collapsed.keepUntil?.getTime()).toBe(fromShanghai(2027, 6, 15, 10, 30).getTime());
  });

  it('counts the next period from the due date, so a late job does not stretch it', () => {
    const late = fromShanghai(2026, 6, 17, 3);
    const decision = evaluateTier({ tier: 'silver', keepUntil: due }, 100_000, late, config);
    expect(decision.keepUntil?.getTime()).toBe(fromShanghai(2027, 6, 15, 10, 30).getTime());
    expect(decision.history[0]?.at).toBe(late);
  });

  it('uses the configured keep threshold rather than the entry threshold', () => {
    const lenient: TierConfig = {
      ...config,
      tiers: { ...config.tiers, gold: { ...config.tiers.gold, keepFen: 300_000 } },
    };
    expect(evaluateTier({ tier: 'gold', keepUntil: due }, 300_000, now, lenient).reason).toBe('review_keep');
    expect(evaluateTier({ tier: 'gold', keepUntil: due }, 299_999, now, lenient).reason).toBe('review_down');
  });

  it('drops silver to normal with no further review date', () => {
    expect(evaluateTier({ tier: 'silver', keepUntil: due }, 0, now, config)).toMatchObject({
      tier: 'normal',
      changed: 'down',
      keepUntil: null,
      reason: 'review_down',
    });
  });

  it('applies every review missed, one level each, and records each one', () => {
    const longAgo = fromShanghai(2024, 3, 1);
    const decision = evaluateTier({ tier: 'diamond', keepUntil: longAgo }, 150_000, now, config);
    expect(decision.history.map((h) => [h.from, h.to, h.reason])).toEqual([
      ['diamond', 'gold', 'review_down'],
      ['gold', 'silver', 'review_down'],
      ['silver', 'silver', 'review_keep'],
    ]);
    expect(decision).toMatchObject({ tier: 'silver', changed: 'down', reason: 'review_keep' });
    expect(decision.keepUntil?.getTime()).toBe(fromShanghai(2027, 3, 1).getTime());
  });
});
