import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingFetch, startSandboxServer, type RunningSandbox } from '../sandbox/testing/sandbox-server';
import { WechatError } from './errors';
import { createWechatClient, type WechatClient } from './wechat-client';

let sandbox: RunningSandbox;
let client: WechatClient;

beforeAll(async () => {
  sandbox = await startSandboxServer();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  client = createWechatClient(sandbox.adapterOptions.wechat);
});

async function failureOf(promise: Promise<unknown>): Promise<WechatError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WechatError);
  return error as WechatError;
}

async function injectFault(fault: { path: string; errcode?: number; httpStatus?: number; times?: number }) {
  const response = await fetch(`${sandbox.baseUrl}/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(response.status).toBe(201);
}

async function sentMessages(): Promise<Array<{ touser: string; data: Record<string, { value: string }> }>> {
  const response = await fetch(`${sandbox.baseUrl}/_inspect/messages`);
  return ((await response.json()) as { messages: Array<{ touser: string; data: Record<string, { value: string }> }> }).messages;
}

describe('login through jscode2session', () => {
  it('turns sandbox-alice into the openid and unionid of alice', async () => {
    const session = await client.code2Session('sandbox-alice');
    expect(session.openId).toBe('o_sandbox_alice');
    expect(session.unionId).toBe('u_sandbox_alice');
    expect(session.sessionKey).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('accepts a unique suffix so the same person can log in again', async () => {
    const session = await client.code2Session('sandbox-bob.x1');
    expect((await client.code2Session('sandbox-bob.x2')).openId).toBe(session.openId);
  });

  it('rejects an unknown code with 40029, not retryable', async () => {
    const error = await failureOf(client.code2Session('061abcDEF'));
    expect(error.errcode).toBe(40029);
    expect(error.retryable).toBe(false);
  });

  it('rejects a code used twice with 40163', async () => {
    await client.code2Session('sandbox-carol');
    expect((await failureOf(client.code2Session('sandbox-carol'))).errcode).toBe(40163);
  });

  it('rejects a wrong app secret with 40125', async () => {
    const wrong = createWechatClient({ ...sandbox.adapterOptions.wechat, appSecret: 'not-the-secret' });
    expect((await failureOf(wrong.code2Session('sandbox-dave'))).errcode).toBe(40125);
  });

  it('reports an unreachable WeChat as a retryable transport error', async () => {
    const offline = createWechatClient({ ...sandbox.adapterOptions.wechat, baseUrl: 'http://127.0.0.1:9/sandbox' });
    const error = await failureOf(offline.code2Session('sandbox-erin'));
    expect(error.source).toBe('transport');
    expect(error.retryable).toBe(true);
  });
});

describe('subscribe messages', () => {
  const message = {
    templateId: 'tmpl_tier_up',
    page: 'pages/member/index',
    data: { thing1: '升级为金卡会员', time2: '2024-05-01 10:00' },
  };

  it('sends and WeChat records the message with {value} fields', async () => {
    const result = await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(result).toEqual({ ok: true });
    const last = (await sentMessages()).at(-1);
    expect(last?.touser).toBe('o_sandbox_alice');
    expect(last?.data).toEqual({ thing1: { value: '升级为金卡会员' }, time2: { value: '2024-05-01 10:00' } });
  });

  it('classifies a refusal (43101) as permanent: the credit is gone', async () => {
    const result = await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_refuse_frank' });
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'user-refused', errcode: 43101 });
  });

  it('classifies a value over the thing limit (47003) as permanent', async () => {
    const data = { thing1: '这是一个超过二十个字符限制的非常非常长的会员通知内容' };
    const result = await client.sendSubscribeMessage({ ...message, data, toOpenId: 'o_sandbox_alice' });
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'invalid-data', errcode: 47003 });
  });

  it('classifies a malformed openid (40003) as permanent', async () => {
    const result = await client.sendSubscribeMessage({ ...message, toOpenId: 'nobody' });
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'invalid-openid', errcode: 40003 });
  });

  it('classifies system busy (-1) and the daily quota (45009) as retryable', async () => {
    await injectFault({ path: '/cgi-bin/message/subscribe/send', errcode: -1 });
    const busy = await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(busy).toMatchObject({ ok: false, retryable: true, reason: 'busy', errcode: -1 });

    await injectFault({ path: '/cgi-bin/message/subscribe/send', errcode: 45009 });
    const quota = await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(quota).toMatchObject({ ok: false, retryable: true, reason: 'rate-limited' });

    expect(await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' })).toEqual({ ok: true });
  });

  it('reports a token refused even after a forced refresh as retryable token trouble', async () => {
    await injectFault({ path: '/cgi-bin/message/subscribe/send', errcode: 40001, times: 2 });
    const result = await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'token-rejected', errcode: 40001 });
  });

  it('classifies an HTTP 5xx to a send as an unknown outcome, never retried (WeChat may have sent it)', async () => {
    await injectFault({ path: '/cgi-bin/message/subscribe/send', httpStatus: 502 });
    const result = await client.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'outcome-unknown' });
  });

  it('classifies an HTTP 5xx to the token call as a retryable transport failure (nothing was sent)', async () => {
    const fresh = createWechatClient(sandbox.adapterOptions.wechat);
    await injectFault({ path: '/cgi-bin/stable_token', httpStatus: 502 });
    const result = await fresh.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'transport' });
  });

  it('refreshes the token once (force_refresh) when WeChat rejects it with 40001, then sends', async () => {
    const counted = countingFetch();
    const victim = createWechatClient({ ...sandbox.adapterOptions.wechat, fetch: counted.fetch });
    await victim.getAccessToken();
    // Another server forcing a refresh invalidates the token the victim has cached.
    const forcing = await fetch(`${sandbox.baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: sandbox.keys.appId,
        secret: sandbox.keys.appSecret,
        force_refresh: true,
      }),
    });
    expect(((await forcing.json()) as { access_token?: string }).access_token).toBeTruthy();

    const result = await victim.sendSubscribeMessage({ ...message, toOpenId: 'o_sandbox_alice' });
    expect(result).toEqual({ ok: true });
    const paths = counted.urls.map((url) => new URL(url).pathname.replace('/sandbox', ''));
    expect(paths).toEqual([
      '/cgi-bin/stable_token',
      '/cgi-bin/message/subscribe/send',
      '/cgi-bin/stable_token',
      '/cgi-bin/message/subscribe/send',
    ]);
  });
});

describe('phone number exchange', () => {
  it('returns the number behind a phone-<11 digits> code with the app watermark', async () => {
    const phone = await client.getPhoneNumber('phone-13800138000');
    expect(phone).toMatchObject({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    expect(phone.watermark.appId).toBe(sandbox.keys.appId);
  });

  it('rejects an invalid code with 40029', async () => {
    expect((await failureOf(client.getPhoneNumber('phone-123'))).errcode).toBe(40029);
  });
});
