export { ACCESS_TOKEN_ERRCODES, isRetryableErrcode, WechatError, WechatPayError, type WechatErrorSource } from './errors';
export { DEFAULT_WECHAT_BASE_URL, type FetchLike } from './http';
export {
  createBoundedFetch,
  DEFAULT_WECHAT_TIMEOUTS,
  mayHaveReachedServer,
  TransportError,
  type WechatTimeouts,
} from './transport';
export { createAccessTokenProvider, DEFAULT_REFRESH_MARGIN_MS, type AccessTokenProvider } from './access-token';
export {
  classifySubscribeError,
  type MiniprogramState,
  type SubscribeFailureReason,
  type SubscribeLang,
  type SubscribeMessage,
  type SubscribeSendResult,
} from './subscribe-message';
export {
  createWechatClient,
  type WechatClient,
  type WechatClientOptions,
  type WechatPhoneNumber,
  type WechatSession,
} from './wechat-client';
export {
  createWechatPayClient,
  DEFAULT_WECHAT_PAY_BASE_URL,
  type WechatPayClient,
  type WechatPayClientOptions,
} from './pay-client';
export {
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  PayVerificationError,
  type HeaderSource,
  type PayVerificationFailure,
  type PlatformPublicKeys,
} from './pay-crypto';
export {
  createNotificationVerifier,
  type PayNotificationVerifierOptions,
  type VerifyAndDecryptNotification,
} from './pay-notification';
export type {
  JsapiPrepayRequest,
  RefundRequest,
  RefundStatus,
  RequestPaymentParams,
  TradeState,
  WechatPayNotificationEvent,
  WechatPayRefund,
  WechatPayRefundNotification,
  WechatPayTransaction,
} from './pay-types';
