import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import { DEFAULT_TIER_CONFIG, type TierConfig } from './config';
import { formatTierKeepHint, formatTierUpgradeHint } from './format';
import type { GrowthOrder } from './growth';
import { tierProgress } from './progress';

const config = DEFAULT_TIER_CONFIG;
const paid = (paidAt: Date, amountFen: number, refundedFen = 0): GrowthOrder => ({ paidAt, amountFen, refundedFen });

describe('tierProgress: reaching the next tier', () => {
  const now = fromShanghai(2026, 12, 1, 10);
  const orders = [paid(fromShanghai(2026, 4, 1, 15), 200_000), paid(fromShanghai(2026, 8, 10, 9), 176_600)];
  const progress = tierProgress({ tier: 'silver', keepUntil: fromShanghai(2027, 4, 1, 15), orders }, config, now);

  it('needs the gap to the next entry threshold, valid until the day before the earliest order drops out', () => {
    expect(progress.growthFen).toBe(376_600);
    expect(progress.next).toEqual({ tier: 'gold', amountFen: 123_400, by: fromShanghai(2027, 3, 31, 23, 59, 59, 999) });
    expect(progress.ratio).toBeCloseTo(376_600 / 500_000, 12);
  });

  it('says so in one Chinese sentence', () => {
    expect(formatTierUpgradeHint(progress)).toBe('再消费¥1,234.00（2027-03-31前）即可升级金卡会员');
  });

  it('needs more once that order has dropped out', () => {
    const later = tierProgress(
      { tier: 'silver', keepUntil: fromShanghai(2027, 4, 1, 15), orders },
      config,
      fromShanghai(2027, 4, 1),
    );
    expect(later.next).toEqual({ tier: 'gold', amountFen: 323_400, by: fromShanghai(2027, 8, 9, 23, 59, 59, 999) });
  });

  it('has no deadline when nothing counted can drop out', () => {
    const fresh = tierProgress({ tier: 'normal', keepUntil: null, orders: [] }, config, now);
    expect(fresh.next).toEqual({ tier: 'silver', amountFen: 100_000, by: null });
    expect(fresh.ratio).toBe(0);
    expect(formatTierUpgradeHint(fresh)).toBe('再消费¥1,000.00即可升级银卡会员');
  });
});

describe('tierProgress: keeping the current tier', () => {
  const now = fromShanghai(2026, 12, 1, 10);
  const keepUntil = fromShanghai(2027, 4, 1, 15);

  it('counts only what will still be in the window at the review', () => {
    const orders = [paid(fromShanghai(2026, 4, 1, 15), 200_000), paid(fromShanghai(2026, 8, 10, 9), 60_000)];
    const progress = tierProgress({ tier: 'silver', keepUntil, orders }, config, now);
    // The April order leaves on 2027-04-01 00:00, before the review at 15:00; only ¥600 remains.
    expect(progress.keep).toEqual({ tier: 'silver', amountFen: 40_000, by: keepUntil, countsFrom: now });
    expect(formatTierKeepHint(progress, now)).toBe('再消费¥400.00（2027-04-01前）即可保级银卡会员');
  });

  it('needs nothing when the orders still counted at the review suffice', () => {
    const orders = [paid(fromShanghai(2026, 10, 1), 150_000)];
    const progress = tierProgress({ tier: 'silver', keepUntil, orders }, config, now);
    expect(progress.keep?.amountFen).toBe(0);
    expect(formatTierKeepHint(progress, now)).toBe('已满足银卡会员保级条件（2027-04-01复核）');
  });

  it('tells a member just upgraded from which day purchases count at the review', () => {
    const upgradedAt = fromShanghai(2026, 3, 15, 10);
    const orders = [paid(upgradedAt, 100_000)];
    const progress = tierProgress({ tier: 'normal', keepUntil: null, orders }, config, upgradedAt);
    expect(progress.tier).toBe('silver');
    expect(progress.keep).toEqual({
      tier: 'silver',
      amountFen: 100_000,
      by: fromShanghai(2027, 3, 15, 10),
      countsFrom: fromShanghai(2026, 3, 16),
    });
    expect(formatTierKeepHint(progress, upgradedAt)).toBe('2026-03-16至2027-03-15期间再消费¥1,000.00即可保级银卡会员');
  });

  it('has nothing to keep on the lowest tier', () => {
    const progress = tierProgress({ tier: 'normal', keepUntil: null, orders: [] }, config, now);
    expect(progress.keep).toBeNull();
    expect(formatTierKeepHint(progress, now)).toBeNull();
  });
});

describe('tierProgress: effective tier and the top', () => {
  const now = fromShanghai(2026, 12, 1, 10);

  it('applies a due upgrade before reporting', () => {
    const orders = [paid(fromShanghai(2026, 11, 1), 600_000)];
    const progress = tierProgress({ tier: 'silver', keepUntil: fromShanghai(2027, 1, 1), orders }, config, now);
    expect(progress.tier).toBe('gold');
    expect(progress.keepUntil?.getTime()).toBe(fromShanghai(2027, 12, 1, 10).getTime());
    expect(progress.next?.tier).toBe('diamond');
  });

  it('applies a due review before reporting', () => {
    const progress = tierProgress({ tier: 'gold', keepUntil: fromShanghai(2026, 11, 1), orders: [] }, config, now);
    expect(progress.tier).toBe('silver');
    expect(progress.keepUntil?.getTime()).toBe(fromShanghai(2027, 11, 1).getTime());
  });

  it('has no next tier at the top; the bar shows progress towards keeping it', () => {
    const orders = [paid(fromShanghai(2026, 11, 1), 2_500_000)];
    const progress = tierProgress({ tier: 'diamond', keepUntil: fromShanghai(2027, 5, 1), orders }, config, now);
    expect(progress.next).toBeNull();
    expect(formatTierUpgradeHint(progress)).toBeNull();
    expect(progress.ratio).toBe(1);
    const short = tierProgress(
      { tier: 'diamond', keepUntil: fromShanghai(2027, 5, 1), orders: [paid(now, 500_000)] },
      config,
      now,
    );
    expect(short.ratio).toBe(0.25);
    expect(short.keep?.amountFen).toBe(1_500_000);
  });

  it('shows a full bar when the keep threshold of the top tier is zero', () => {
    const free: TierConfig = { ...config, tiers: { ...config.tiers, diamond: { ...config.tiers.diamond, keepFen: 0 } } };
    const progress = tierProgress({ tier: 'diamond', keepUntil: fromShanghai(2027, 5, 1), orders: [] }, free, now);
    expect(progress.ratio).toBe(1);
    expect(progress.keep?.amountFen).toBe(0);
  });
});
