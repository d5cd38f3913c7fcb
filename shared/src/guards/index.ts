export {
  DEFAULT_DELIVERY_GUARD_CONFIG,
  DELIVERY_CHANNELS,
  deliveryGuardConfigSchema,
  type DeliveryChannel,
  type DeliveryGuardConfig,
} from './config';
export { decideDelivery, type DeliveryDecision, type DeliveryInput } from './delivery';
export { HOLDOUT_HASH_SQL, holdoutBucket, holdoutHash, holdoutThreshold, isInHoldout } from './holdout';
export {
  SUBSCRIBE_FIELD_KINDS,
  subscribeFieldKind,
  truncateThing,
  validateSubscribeData,
  type SubscribeFieldKind,
  type SubscribeFieldProblem,
} from './subscribe';
