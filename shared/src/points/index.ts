export { DEFAULT_POINTS_CONFIG, pointsConfigSchema, pointsPerStep, type PointsConfig } from './config';
export {
  availablePoints,
  balanceOf,
  batchesOf,
  expireDue,
  isPointsCredit,
  PointsLedgerError,
  pointsExpiringSoon,
  spendPoints,
  type PointsAllocation,
  type PointsBatch,
  type PointsCreditEntry,
  type PointsDebitEntry,
  type PointsEntry,
  type PointsExpiringSoon,
  type PointsReason,
  type PointsSpendDecision,
} from './ledger';
export {
  decideSignIn,
  earnForOrder,
  orderBatchId,
  pointsForPayment,
  profileCompletionBonus,
  reviewBonus,
  type SignInDecision,
  type SignInState,
} from './earn';
export { adjustPoints, clawbackForRefund, type PointsAdjustDecision, type PointsClawbackDecision } from './clawback';
export {
  decidePointsDeduction,
  maxPointsDeduction,
  pointsToFen,
  type PointsDeduction,
  type PointsDeductionDecision,
} from './redeem';
