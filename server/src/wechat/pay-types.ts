import { z } from 'zod';

/** WeChat Pay v3 shapes the server reads. Amounts are integer fen, as WeChat sends them. */

export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;
export type TradeState = (typeof TRADE_STATES)[number];

export const REFUND_STATUSES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

const fen = z.number().int().nonnegative();

export const transactionSchema = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.enum(TRADE_STATES),
  trade_state_desc: z.string().optional(),
  bank_type: z.string().optional(),
  attach: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string() }).optional(),
  amount: z.object({
    total: fen,
    payer_total: fen.optional(),
    currency: z.string().optional(),
    payer_currency: z.string().optional(),
  }),
});
export type WechatPayTransaction = z.infer<typeof transactionSchema>;

/** The refund as the refund API and the query API return it. */
export const refundSchema = z.object({
  refund_id: z.string(),
  out_refund_no: z.string(),
  transaction_id: z.string(),
  out_trade_no: z.string(),
  channel: z.string().optional(),
  user_received_account: z.string().optional(),
  success_time: z.string().optional(),
  create_time: z.string().optional(),
  status: z.enum(REFUND_STATUSES),
  amount: z.object({
    total: fen,
    refund: fen,
    payer_total: fen.optional(),
    payer_refund: fen.optional(),
    currency: z.string().optional(),
  }),
});
export type WechatPayRefund = z.infer<typeof refundSchema>;

/** The refund as the REFUND.* notification carries it (note `refund_status`, not `status`). */
export const refundNotificationSchema = z.object({
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string(),
  out_refund_no: z.string(),
  refund_id: z.string(),
  refund_status: z.enum(REFUND_STATUSES),
  success_time: z.string().optional(),
  user_received_account: z.string().optional(),
  amount: z.object({ total: fen, refund: fen, payer_total: fen.optional(), payer_refund: fen.optional() }),
});
export type WechatPayRefundNotification = z.infer<typeof refundNotificationSchema>;

export const notificationEnvelopeSchema = z.object({
  id: z.string(),
  create_time: z.string(),
  event_type: z.string(),
  resource_type: z.string(),
  summary: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string(),
    nonce: z.string(),
    associated_data: z.string().optional(),
    original_type: z.string(),
  }),
});
export type WechatPayNotificationEnvelope = z.infer<typeof notificationEnvelopeSchema>;

interface NotificationMeta {
  /** WeChat's notification id; the same id arrives again on redelivery, so it can key idempotency. */
  id: string;
  eventType: string;
  createTime: string;
}

export type WechatPayNotificationEvent =
  | (NotificationMeta & { kind: 'transaction'; transaction: WechatPayTransaction })
  | (NotificationMeta & { kind: 'refund'; refund: WechatPayRefundNotification });

export interface JsapiPrepayRequest {
  description: string;
  outTradeNo: string;
  /** Integer fen. */
  totalFen: number;
  payerOpenId: string;
  notifyUrl: string;
  attach?: string;
  /** RFC 3339, e.g. 2024-05-20T13:29:35+08:00. */
  timeExpire?: string;
}

/** Exactly the object `wx.requestPayment` takes. */
export interface RequestPaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface RefundRequest {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason?: string;
  notifyUrl?: string;
}
