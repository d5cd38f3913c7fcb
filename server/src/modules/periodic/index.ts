/** The periodic member jobs: tier review (保级), points expiry and the CLV refit; each is set-based and idempotent. */
export { reviewTiers, TIER_REVIEW_BATCH, type TierReviewResult } from './tier-review';
export { expirePoints, EXPIRE_KEY_PREFIX, POINTS_EXPIRY_BATCH, type PointsExpiryResult } from './points-expiry';
export { refitClv, scoreMember, CLV_FIT_SAMPLE, CLV_PAGE, type ClvRefitResult } from './clv-refit';
export { clvSummaries, CLV_UNIT_DAYS, type ClvMemberSummary, type ClvSelection } from './clv-summary';
