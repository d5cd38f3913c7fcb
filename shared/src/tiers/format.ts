import { formatYuan } from '../money';
import { shanghaiDate } from '../time';
import { TIER_LABELS } from '../vocabulary';
import type { TierProgress } from './progress';

/**
 * The member-facing upgrade hint, or null at the top tier.
 * @example formatTierUpgradeHint(progress) // '再消费¥1,234.00（2027-03-31前）即可升级金卡会员'
 */
export function formatTierUpgradeHint(progress: Pick<TierProgress, 'next'>): string | null {
  const { next } = progress;
  if (!next) return null;
  const deadline = next.by ? `（${shanghaiDate(next.by)}前）` : '';
  return `再消费${formatYuan(next.amountFen)}${deadline}即可升级${TIER_LABELS[next.tier]}`;
}

/**
 * The member-facing keep (保级) hint, or null on the lowest tier.
 * @example formatTierKeepHint(progress) // '再消费¥800.00（2027-03-15前）即可保级银卡会员'
 */
export function formatTierKeepHint(progress: Pick<TierProgress, 'keep'>, now: Date): string | null {
  const { keep } = progress;
  if (!keep) return null;
  const label = TIER_LABELS[keep.tier];
  const by = shanghaiDate(keep.by);
  if (keep.amountFen === 0) return `已满足${label}保级条件（${by}复核）`;
  const amount = formatYuan(keep.amountFen);
  if (keep.countsFrom.getTime() > now.getTime()) {
    return `${shanghaiDate(keep.countsFrom)}至${by}期间再消费${amount}即可保级${label}`;
  }
  return `再消费${amount}（${by}前）即可保级${label}`;
}
