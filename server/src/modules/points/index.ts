export { registerPointsRoutes } from './points.routes';
export { getPoints, redeemPoints, signIn } from './points.service';
export {
  availablePointsOf,
  balanceOf,
  creditPoints,
  debitPoints,
  lockMember,
  returnSpentPoints,
  type CreditEntry,
  type DebitEntry,
  type DebitResult,
} from './points.repo';
export { pointsConfigAt, tierConfigAt, type VersionedConfig } from './rule-configs';
