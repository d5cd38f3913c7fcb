export {
  DEFAULT_TIER_CONFIG,
  tierAbove,
  tierBelow,
  tierBenefits,
  tierConfigSchema,
  tierForGrowth,
  tierRank,
  type TierBenefits,
  type TierConfig,
  type TierRule,
} from './config';
export {
  growthLeavesWindowAt,
  growthValue,
  growthWindowStart,
  nextGrowthDrop,
  projectedGrowth,
  type GrowthOrder,
} from './growth';
export { evaluateTier, type MemberTierState, type TierChangeReason, type TierDecision, type TierHistoryEntry } from './evaluate';
export { tierProgress, type TierProgress, type TierProgressMember } from './progress';
export { formatTierKeepHint, formatTierUpgradeHint } from './format';
export { previewTierChanges, type TierChangePreview, type TierPreviewMember } from './preview';
