import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { WechatPayError } from './errors';
import type { FetchLike } from './http';
import {
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  loadPlatformKeys,
  readSignatureHeaders,
  verifyWechatpaySignature,
  type PlatformPublicKeys,
} from './pay-crypto';
import { createNotificationVerifier, type VerifyAndDecryptNotification } from './pay-notification';
import { createMerchantSigner } from './pay-signer';
import { createBoundedFetch, DEFAULT_WECHAT_TIMEOUTS, mayHaveReachedServer, type WechatTimeouts } from './transport';
import {
  refundSchema,
  transactionSchema,
  type JsapiPrepayRequest,
  type RefundRequest,
  type RequestPaymentParams,
  type WechatPayRefund,
  type WechatPayTransaction,
} from './pay-types';

export const DEFAULT_WECHAT_PAY_BASE_URL = 'https://api.mch.weixin.qq.com';

export interface WechatPayClientOptions {
  appId: string;
  mchId: string;
  merchantSerialNo: string;
  merchantPrivateKey: string;
  apiV3Key: string;
  /** serial → PEM public key or certificate; notifications and responses signed by any other serial are refused. */
  platformPublicKeys: PlatformPublicKeys;
  /** Default https://api.mch.weixin.qq.com; the sandbox is `http://127.0.0.1:<port>/sandbox`. */
  baseUrl?: string;
  /** Replaces the bounded HTTP client (tests count or break calls with it); `timeouts` then do not apply. */
  fetch?: FetchLike;
  /** Connect and total limits of every call; DEFAULT_WECHAT_TIMEOUTS unless given. */
  timeouts?: WechatTimeouts;
  now?: () => Date;
  maxClockSkewSeconds?: number;
}

export interface WechatPayClient {
  /** Creates the prepay order and the parameters the mini-program passes to `wx.requestPayment`. */
  createJsapiPrepay(request: JsapiPrepayRequest): Promise<{ prepayId: string; requestPayment: RequestPaymentParams }>;
  requestPaymentParams(prepayId: string): RequestPaymentParams;
  queryOrderByOutTradeNo(outTradeNo: string): Promise<WechatPayTransaction>;
  closeOrder(outTradeNo: string): Promise<void>;
  /** The answer usually says PROCESSING; the final state arrives as a REFUND.* notification. */
  createRefund(request: RefundRequest): Promise<WechatPayRefund>;
  queryRefund(outRefundNo: string): Promise<WechatPayRefund>;
  verifyAndDecryptNotification: VerifyAndDecryptNotification;
}

const prepaySchema = z.object({ prepay_id: z.string().min(1) });
const errorBodySchema = z.object({ code: z.string(), message: z.string().optional() });

/** 32 characters, as WeChat's own examples; used for request, response and `wx.requestPayment` nonces. */
export function randomNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export function createWechatPayClient(options: WechatPayClientOptions): WechatPayClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_WECHAT_PAY_BASE_URL).replace(/\/+$/, '');
  const fetch = options.fetch ?? createBoundedFetch(options.timeouts ?? DEFAULT_WECHAT_TIMEOUTS);
  const now = options.now ?? (() => new Date());
  const maxClockSkewSeconds = options.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;
  const signer = createMerchantSigner({
    appId: options.appId,
    mchId: options.mchId,
    serialNo: options.merchantSerialNo,
    privateKey: options.merchantPrivateKey,
  });
  const platformKeys = loadPlatformKeys(options.platformPublicKeys);
  const unixSeconds = () => String(Math.floor(now().getTime() / 1000));

  /** Signs and sends one request; verifies the signature of every successful answer before reading it. */
  async function call(method: 'GET' | 'POST', canonicalUrl: string, payload?: object): Promise<unknown> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const authorization = signer.authorization({
      method,
      canonicalUrl,
      body,
      nonce: randomNonce(),
      timestamp: unixSeconds(),
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${baseUrl}${canonicalUrl}`, {
        method,
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
        body: payload === undefined ? undefined : body,
      });
      text = await response.text();
    } catch (error) {
      throw new WechatPayError({
        httpStatus: 0,
        code: 'NETWORK_ERROR',
        message: (error as Error).message,
        retryable: true,
        outcomeUnknown: mayHaveReachedServer(error),
      });
    }
    if (!response.ok) throw payError(response.status, text);
    // A PayVerificationError (an answer not signed by WeChat Pay) leaves what WeChat Pay did unknown to the caller.
    verifyWechatpaySignature({
      headers: readSignatureHeaders(response.headers),
      body: text,
      platformKeys,
      nowMs: now().getTime(),
      maxClockSkewSeconds,
    });
    try {
      return text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      throw new WechatPayError({
        httpStatus: response.status,
        code: 'UNEXPECTED_RESPONSE',
        message: (error as Error).message,
        retryable: false,
        outcomeUnknown: true,
      });
    }
  }

  function parse<T>(schema: z.ZodType<T>, value: unknown, api: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new WechatPayError({
        httpStatus: 200,
        code: 'UNEXPECTED_RESPONSE',
        message: `${api}: ${parsed.error.message}`,
        outcomeUnknown: true,
      });
    }
    return parsed.data;
  }

  const orderPath = (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`;

  function requestPaymentParams(prepayId: string): RequestPaymentParams {
    const timeStamp = unixSeconds();
    const nonceStr = randomNonce();
    const packageValue = `prepay_id=${prepayId}`;
    return {
      timeStamp,
      nonceStr,
      package: packageValue,
      signType: 'RSA',
      paySign: signer.paySign(timeStamp, nonceStr, packageValue),
    };
  }

  return {
    async createJsapiPrepay(request) {
      const answer = await call('POST', '/v3/pay/transactions/jsapi', {
        appid: options.appId,
        mchid: options.mchId,
        description: request.description,
        out_trade_no: request.outTradeNo,
        time_expire: request.timeExpire,
        attach: request.attach,
        notify_url: request.notifyUrl,
        amount: { total: request.totalFen, currency: 'CNY' },
        payer: { openid: request.payerOpenId },
      });
      const { prepay_id: prepayId } = parse(prepaySchema, answer, 'jsapi prepay');
      return { prepayId, requestPayment: requestPaymentParams(prepayId) };
    },

    requestPaymentParams,

    async queryOrderByOutTradeNo(outTradeNo) {
      const answer = await call('GET', `${orderPath(outTradeNo)}?mchid=${encodeURIComponent(options.mchId)}`);
      return parse(transactionSchema, answer, 'query order');
    },

    async closeOrder(outTradeNo) {
      await call('POST', `${orderPath(outTradeNo)}/close`, { mchid: options.mchId });
    },

    async createRefund(request) {
      const answer = await call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        reason: request.reason,
        notify_url: request.notifyUrl,
        amount: { refund: request.refundFen, total: request.totalFen, currency: 'CNY' },
      });
      return parse(refundSchema, answer, 'refund');
    },

    async queryRefund(outRefundNo) {
      const answer = await call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
      return parse(refundSchema, answer, 'query refund');
    },

    verifyAndDecryptNotification: createNotificationVerifier({
      mchId: options.mchId,
      apiV3Key: options.apiV3Key,
      platformPublicKeys: options.platformPublicKeys,
      now,
      maxClockSkewSeconds,
    }),
  };
}

function payError(httpStatus: number, text: string): WechatPayError {
  const parsed = errorBodySchema.safeParse(parseJsonOrText(text));
  if (parsed.success) return new WechatPayError({ httpStatus, code: parsed.data.code, message: parsed.data.message ?? '' });
  // A non-JSON error page (a proxy, a gateway) keeps a generic code and shows the start of the text.
  return new WechatPayError({ httpStatus, code: 'HTTP_ERROR', message: text.slice(0, 200) });
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
