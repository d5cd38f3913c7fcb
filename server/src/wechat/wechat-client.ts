import { z } from 'zod';
import { createAccessTokenProvider } from './access-token';
import { ACCESS_TOKEN_ERRCODES, WechatError } from './errors';
import { callWechatApi, DEFAULT_WECHAT_BASE_URL, joinUrl, jsonPost, type FetchLike } from './http';
import {
  classifySubscribeError,
  postSubscribeMessage,
  type SubscribeMessage,
  type SubscribeSendResult,
} from './subscribe-message';
import { createBoundedFetch, DEFAULT_WECHAT_TIMEOUTS, type WechatTimeouts } from './transport';

const CODE2SESSION_API = '/sns/jscode2session';
const PHONE_API = '/wxa/business/getuserphonenumber';

export interface WechatClientOptions {
  appId: string;
  appSecret: string;
  /** Default https://api.weixin.qq.com; the sandbox is `http://127.0.0.1:<port>/sandbox`. */
  baseUrl?: string;
  /** Replaces the bounded HTTP client (tests count or break calls with it); `timeouts` then do not apply. */
  fetch?: FetchLike;
  /** Connect and total limits of every call; DEFAULT_WECHAT_TIMEOUTS unless given. */
  timeouts?: WechatTimeouts;
  now?: () => Date;
  refreshMarginMs?: number;
}

export interface WechatSession {
  openId: string;
  sessionKey: string;
  unionId?: string;
}

export interface WechatPhoneNumber {
  /** With country code for numbers outside mainland China. */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  watermark: { timestamp: number; appId: string };
}

export interface WechatClient {
  /** `wx.login` code → session. Throws WechatError: 40029 invalid code, 40163 code already used, 45011 rate limit. */
  code2Session(jsCode: string): Promise<WechatSession>;
  getAccessToken(): Promise<string>;
  /**
   * Never throws for WeChat's answers: the result says whether to retry, to give up (and drop the credit), or that
   * the outcome is unknown (the send may have been delivered: never repeat it).
   */
  sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeSendResult>;
  /** `getPhoneNumber` button code → phone number. Throws WechatError (40029 invalid code). Each call is billed. */
  getPhoneNumber(code: string): Promise<WechatPhoneNumber>;
}

const sessionSchema = z.object({
  openid: z.string().min(1),
  session_key: z.string().min(1),
  unionid: z.string().min(1).optional(),
});

const phoneSchema = z.object({
  phone_info: z.object({
    phoneNumber: z.string(),
    purePhoneNumber: z.string(),
    countryCode: z.union([z.string(), z.number()]).transform(String),
    watermark: z.object({ timestamp: z.number(), appid: z.string() }),
  }),
});

export function createWechatClient(options: WechatClientOptions): WechatClient {
  const baseUrl = options.baseUrl ?? DEFAULT_WECHAT_BASE_URL;
  const fetch = options.fetch ?? createBoundedFetch(options.timeouts ?? DEFAULT_WECHAT_TIMEOUTS);
  const tokens = createAccessTokenProvider({
    appId: options.appId,
    appSecret: options.appSecret,
    baseUrl,
    fetch,
    now: options.now ?? (() => new Date()),
    refreshMarginMs: options.refreshMarginMs,
  });

  /** Runs `call` with the current token; if WeChat rejects the token, refreshes it once and repeats the call. */
  async function withAccessToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await tokens.get();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof WechatError) || !ACCESS_TOKEN_ERRCODES.has(error.errcode)) throw error;
      return call(await tokens.refreshAfterRejection(token));
    }
  }

  return {
    async code2Session(jsCode) {
      const body = await callWechatApi({
        fetch,
        api: CODE2SESSION_API,
        url: joinUrl(baseUrl, CODE2SESSION_API, {
          appid: options.appId,
          secret: options.appSecret,
          js_code: jsCode,
          grant_type: 'authorization_code',
        }),
        schema: sessionSchema,
      });
      return { openId: body.openid, sessionKey: body.session_key, unionId: body.unionid };
    },

    getAccessToken: () => tokens.get(),

    async sendSubscribeMessage(message) {
      try {
        await withAccessToken((token) => postSubscribeMessage(fetch, baseUrl, token, message));
        return { ok: true };
      } catch (error) {
        if (error instanceof WechatError) return classifySubscribeError(error);
        throw error;
      }
    },

    async getPhoneNumber(code) {
      const body = await withAccessToken((token) =>
        callWechatApi({
          fetch,
          api: PHONE_API,
          url: joinUrl(baseUrl, PHONE_API, { access_token: token }),
          init: jsonPost({ code }),
          schema: phoneSchema,
        }),
      );
      const info = body.phone_info;
      if (info.watermark.appid !== options.appId) {
        throw WechatError.transport(PHONE_API, 'phone number watermark belongs to another app', {
          retryable: false,
          outcomeUnknown: false,
        });
      }
      return {
        phoneNumber: info.phoneNumber,
        purePhoneNumber: info.purePhoneNumber,
        countryCode: info.countryCode,
        watermark: { timestamp: info.watermark.timestamp, appId: info.watermark.appid },
      };
    },
  };
}
