import type { TierProgress, TierProgressView } from '@member-ops/shared';

/**
 * The API's tier progress (computed on the server by the shared `tierProgress`, with the shop's current tier
 * rules) as the shared type, so the card formats it with the shared hint helpers.
 */
export function progressFromView(view: TierProgressView): TierProgress {
  return {
    tier: view.tier,
    keepUntil: view.keepUntil ? new Date(view.keepUntil) : null,
    growthFen: view.growthFen,
    next: view.next
      ? { tier: view.next.tier, amountFen: view.next.amountFen, by: view.next.by ? new Date(view.next.by) : null }
      : null,
    keep: view.keep
      ? {
          tier: view.keep.tier,
          amountFen: view.keep.amountFen,
          by: new Date(view.keep.by),
          countsFrom: new Date(view.keep.countsFrom),
        }
      : null,
    ratio: view.ratio,
  };
}
