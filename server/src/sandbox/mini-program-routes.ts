import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { SandboxKeys } from './keys';
import { invalidTemplateFields } from './template-rules';

/** Stand-ins for the mini-program server APIs of api.weixin.qq.com, with WeChat's payloads and errcodes. */

const TOKEN_LIFETIME_SECONDS = 7200;
/** In normal mode WeChat issues the next token during the last five minutes of the current one. */
const TOKEN_RENEWAL_WINDOW_SECONDS = 300;

const LOGIN_CODE = /^sandbox-([A-Za-z0-9_-]{1,32})(?:\.[A-Za-z0-9]{1,32})?$/;
const PHONE_CODE = /^phone-(1\d{10})$/;
const OPENID = /^o[A-Za-z0-9_-]{5,63}$/;
const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);

export interface SentSubscribeMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state: string;
  lang: string;
  sentAt: string;
}

/** A queued failure for one API path, e.g. two `-1` answers for `/cgi-bin/message/subscribe/send`. */
export interface InjectedFault {
  path: string;
  errcode?: number;
  httpStatus?: number;
  remaining: number;
}

export interface MiniProgramDeps {
  keys: SandboxKeys;
  now: () => Date;
}

export function registerMiniProgramRoutes(router: Router, { keys, now }: MiniProgramDeps): void {
  const usedLoginCodes = new Set<string>();
  /** Every token still accepted, with its expiry in Unix seconds; a renewed token stays valid until it expires. */
  const tokenExpiry = new Map<string, number>();
  let current: { token: string; expiresAt: number } | undefined;
  const messages: SentSubscribeMessage[] = [];
  let faults: InjectedFault[] = [];

  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const answerError = (ctx: Context, errcode: number, errmsg: string) => {
    ctx.body = { errcode, errmsg };
  };

  /** Answers with an injected fault if one is queued for this path; returns whether it did. */
  function injectedFault(ctx: Context, path: string): boolean {
    const fault = faults.find((candidate) => candidate.path === path && candidate.remaining > 0);
    if (!fault) return false;
    fault.remaining -= 1;
    if (fault.httpStatus) {
      ctx.status = fault.httpStatus;
      ctx.body = 'sandbox injected HTTP failure';
    } else {
      answerError(ctx, fault.errcode ?? -1, 'system error (sandbox injected fault)');
    }
    return true;
  }

  /** WeChat's answer to a missing, unknown or expired access_token, or undefined when the token is valid. */
  function tokenProblem(token: unknown): [number, string] | undefined {
    const expiresAt = typeof token === 'string' ? tokenExpiry.get(token) : undefined;
    if (expiresAt === undefined) return [40001, 'invalid credential, access_token is invalid or not latest'];
    if (nowSeconds() >= expiresAt) return [42001, 'access_token expired'];
    return undefined;
  }

  function issueToken(): { token: string; expiresAt: number } {
    const issued = {
      token: `sandbox-token-${randomBytes(24).toString('base64url')}`,
      expiresAt: nowSeconds() + TOKEN_LIFETIME_SECONDS,
    };
    tokenExpiry.set(issued.token, issued.expiresAt);
    return issued;
  }

  router.get('/sns/jscode2session', (ctx) => {
    if (injectedFault(ctx, '/sns/jscode2session')) return;
    const { appid, secret, js_code: code, grant_type: grantType } = ctx.query;
    if (appid !== keys.appId) return answerError(ctx, 40013, 'invalid appid');
    if (secret !== keys.appSecret) return answerError(ctx, 40125, 'invalid appsecret');
    if (grantType !== 'authorization_code') return answerError(ctx, 40002, 'invalid grant_type');
    const name = typeof code === 'string' ? LOGIN_CODE.exec(code)?.[1] : undefined;
    if (typeof code !== 'string' || name === undefined) return answerError(ctx, 40029, 'invalid code');
    if (usedLoginCodes.has(code)) return answerError(ctx, 40163, 'code been used');
    usedLoginCodes.add(code);
    ctx.body = {
      openid: `o_sandbox_${name}`,
      session_key: randomBytes(16).toString('base64'),
      unionid: `u_sandbox_${name}`,
    };
  });

  router.post('/cgi-bin/stable_token', (ctx) => {
    if (injectedFault(ctx, '/cgi-bin/stable_token')) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credential') return answerError(ctx, 40002, 'invalid grant_type');
    if (body.appid !== keys.appId) return answerError(ctx, 40013, 'invalid appid');
    if (body.secret !== keys.appSecret) return answerError(ctx, 40125, 'invalid appsecret');
    if (body.force_refresh === true && current) {
      tokenExpiry.delete(current.token);
      current = undefined;
    }
    if (!current || current.expiresAt - nowSeconds() <= TOKEN_RENEWAL_WINDOW_SECONDS) current = issueToken();
    ctx.body = { access_token: current.token, expires_in: current.expiresAt - nowSeconds() };
  });

  router.post('/cgi-bin/message/subscribe/send', (ctx) => {
    if (injectedFault(ctx, '/cgi-bin/message/subscribe/send')) return;
    const problem = tokenProblem(ctx.query.access_token);
    if (problem) return answerError(ctx, ...problem);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const { touser, template_id: templateId, page, data } = body;
    const state = body.miniprogram_state ?? 'formal';
    const lang = body.lang ?? 'zh_CN';
    if (typeof touser !== 'string' || !OPENID.test(touser)) return answerError(ctx, 40003, 'invalid openid');
    if (typeof templateId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(templateId)) {
      return answerError(ctx, 40037, 'invalid template_id');
    }
    if (page !== undefined && (typeof page !== 'string' || page.length === 0 || page.length > 1024)) {
      return answerError(ctx, 41030, 'invalid page');
    }
    if (typeof state !== 'string' || !MINIPROGRAM_STATES.has(state) || typeof lang !== 'string') {
      return answerError(ctx, 47003, 'argument invalid! miniprogram_state or lang');
    }
    if (typeof data !== 'object' || data === null || Object.keys(data).length === 0) {
      return answerError(ctx, 47003, 'argument invalid! data is empty');
    }
    const invalid = invalidTemplateFields(data as Record<string, unknown>);
    if (invalid.length > 0) return answerError(ctx, 47003, `argument invalid! data.${invalid[0]}.value invalid`);
    if (touser.includes('refuse')) return answerError(ctx, 43101, 'user refuse to accept the msg');
    messages.push({
      touser,
      template_id: templateId,
      page,
      data: data as SentSubscribeMessage['data'],
      miniprogram_state: state,
      lang,
      sentAt: now().toISOString(),
    });
    ctx.body = { errcode: 0, errmsg: 'ok' };
  });

  router.post('/wxa/business/getuserphonenumber', (ctx) => {
    if (injectedFault(ctx, '/wxa/business/getuserphonenumber')) return;
    const problem = tokenProblem(ctx.query.access_token);
    if (problem) return answerError(ctx, ...problem);
    const code = ((ctx.request.body ?? {}) as Record<string, unknown>).code;
    const phone = typeof code === 'string' ? PHONE_CODE.exec(code)?.[1] : undefined;
    if (phone === undefined) return answerError(ctx, 40029, 'invalid code');
    ctx.body = {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: phone,
        purePhoneNumber: phone,
        countryCode: '86',
        watermark: { timestamp: nowSeconds(), appid: keys.appId },
      },
    };
  });

  router.get('/_inspect/messages', (ctx) => {
    ctx.body = { messages };
  });

  router.delete('/_inspect/messages', (ctx) => {
    messages.length = 0;
    ctx.status = 204;
  });

  router.post('/_control/faults', (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const { path, errcode, httpStatus, times } = body;
    const validPath = typeof path === 'string' && path.startsWith('/');
    const validAnswer = typeof errcode === 'number' || (typeof httpStatus === 'number' && httpStatus >= 400);
    if (!validPath || !validAnswer) {
      ctx.status = 400;
      ctx.body = { error: 'expected { path, errcode | httpStatus, times? }' };
      return;
    }
    const fault: InjectedFault = { path, remaining: typeof times === 'number' ? times : 1 };
    if (typeof errcode === 'number') fault.errcode = errcode;
    if (typeof httpStatus === 'number') fault.httpStatus = httpStatus;
    faults.push(fault);
    ctx.status = 201;
    ctx.body = { faults };
  });

  router.delete('/_control/faults', (ctx) => {
    faults = [];
    ctx.status = 204;
  });
}
