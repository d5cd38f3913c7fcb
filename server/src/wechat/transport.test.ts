import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type RunningSandbox } from '../sandbox/testing/sandbox-server';
import { refusedPort, startFaultyWechat, startMuteServer, type FaultyWechat } from '../testing/faulty-wechat';
import { WechatError, WechatPayError } from './errors';
import { createWechatPayClient } from './pay-client';
import { SUBSCRIBE_SEND_API } from './subscribe-message';
import { createBoundedFetch, mayHaveReachedServer, TransportError, type WechatTimeouts } from './transport';
import { createWechatClient } from './wechat-client';

/** Limits short enough for a test, with room for a loaded machine between connecting and the total limit. */
const LIMITS: WechatTimeouts = { connectMs: 1500, totalMs: 3000 };

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (reason: unknown) => reason,
  );
}

describe('the bounded HTTP client', () => {
  const fetch = createBoundedFetch(LIMITS);

  it('gives up on a server that accepts the connection and never answers: sent, outcome unknown', async () => {
    const mute = await startMuteServer();
    try {
      const error = await rejectionOf(fetch(`http://127.0.0.1:${mute.port}/x`, { method: 'POST', body: '{}' }));
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'TIMEOUT', requestSent: true });
      expect(mayHaveReachedServer(error)).toBe(true);
      expect(mute.accepted()).toBe(1);
    } finally {
      await mute.close();
    }
  });

  it('gives up on a TLS connection whose handshake never completes: a connect timeout, never sent', async () => {
    const mute = await startMuteServer();
    try {
      const error = await rejectionOf(fetch(`https://127.0.0.1:${mute.port}/x`, { method: 'POST', body: '{}' }));
      expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT', requestSent: false });
      expect(mayHaveReachedServer(error)).toBe(false);
    } finally {
      await mute.close();
    }
  });

  it('reports a refused connection as never sent', async () => {
    const error = await rejectionOf(fetch(`http://127.0.0.1:${await refusedPort()}/x`));
    expect(error).toMatchObject({ code: 'ECONNREFUSED', requestSent: false });
  });

  it('reports a connection reset after the request was read as sent', async () => {
    let read = 0;
    const server = http.createServer((req) => {
      req.resume();
      req.on('end', () => {
        read += 1;
        req.socket.resetAndDestroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const error = await rejectionOf(fetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: '{"a":1}' }));
      expect(error).toMatchObject({ requestSent: true });
      expect(read).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('classifies errors of other fetch implementations by their connection error code', () => {
    expect(mayHaveReachedServer(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(false);
    expect(mayHaveReachedServer(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))).toBe(false);
    expect(mayHaveReachedServer(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(true);
    expect(mayHaveReachedServer(new DOMException('aborted', 'TimeoutError'))).toBe(true);
  });
});

describe('WeChat adapters with an unanswering WeChat', () => {
  let sandbox: RunningSandbox;
  let faulty: FaultyWechat;
  const message = { toOpenId: 'o_sandbox_alice', templateId: 'tmpl_tier_up', data: { thing1: '升级为金卡会员' } };
  const delivered = async () =>
    ((await (await fetch(`${sandbox.baseUrl}/_inspect/messages`)).json()) as { messages: unknown[] }).messages.length;

  beforeAll(async () => {
    sandbox = await startSandboxServer();
  });
  afterAll(() => sandbox.close());
  afterEach(async () => {
    await faulty?.close();
  });

  const wechatThrough = () => createWechatClient({ ...sandbox.adapterOptions.wechat, baseUrl: faulty.baseUrl, timeouts: LIMITS });

  it('a send that reached WeChat and got no answer is outcome-unknown; the late answer changes nothing', async () => {
    faulty = await startFaultyWechat(new URL(sandbox.baseUrl).origin);
    faulty.inject(SUBSCRIBE_SEND_API, 'no-answer');
    const before = await delivered();
    const result = await wechatThrough().sendSubscribeMessage(message);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'outcome-unknown' });
    expect(faulty.received(SUBSCRIBE_SEND_API)).toBe(1);
    expect(await delivered()).toBe(before + 1);
    faulty.releaseHeld();
    expect(await delivered()).toBe(before + 1);
  });

  it.each(['reset', 'bad-gateway'] as const)('a send answered by %s after reaching WeChat is outcome-unknown', async (fault) => {
    faulty = await startFaultyWechat(new URL(sandbox.baseUrl).origin);
    faulty.inject(SUBSCRIBE_SEND_API, fault);
    const result = await wechatThrough().sendSubscribeMessage(message);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'outcome-unknown' });
    expect(faulty.forwarded(SUBSCRIBE_SEND_API)).toBe(1);
  });

  it('a send that never connected is retryable; so is a token call that timed out (nothing was sent)', async () => {
    const offline = createWechatClient({
      ...sandbox.adapterOptions.wechat,
      baseUrl: `http://127.0.0.1:${await refusedPort()}/sandbox`,
      timeouts: LIMITS,
    });
    expect(await offline.sendSubscribeMessage(message)).toMatchObject({ ok: false, retryable: true, reason: 'transport' });

    faulty = await startFaultyWechat(new URL(sandbox.baseUrl).origin);
    faulty.inject('/cgi-bin/stable_token', 'silent');
    expect(await wechatThrough().sendSubscribeMessage(message)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'transport',
    });
    expect(faulty.received(SUBSCRIBE_SEND_API)).toBe(0);
  });

  it('login and phone calls to a silent WeChat fail as transport errors within the limit', async () => {
    faulty = await startFaultyWechat(new URL(sandbox.baseUrl).origin);
    faulty.inject('/sns/jscode2session', 'silent');
    faulty.inject('/wxa/business/getuserphonenumber', 'silent');
    const client = wechatThrough();
    const login = await rejectionOf(client.code2Session('sandbox-quiet'));
    expect(login).toBeInstanceOf(WechatError);
    expect(login).toMatchObject({ source: 'transport', outcomeUnknown: true, retryable: true });
    const phone = await rejectionOf(client.getPhoneNumber('phone-13800138000'));
    expect(phone).toMatchObject({ source: 'transport', outcomeUnknown: true });
    expect([faulty.received('/sns/jscode2session'), faulty.received('/wxa/business/getuserphonenumber')]).toEqual([1, 1]);
  });

  it('WeChat Pay calls that time out after reaching it are outcome-unknown, never a refusal', async () => {
    faulty = await startFaultyWechat(new URL(sandbox.baseUrl).origin);
    faulty.inject('/v3/pay/transactions/jsapi', 'no-answer');
    const pay = createWechatPayClient({ ...sandbox.adapterOptions.pay, baseUrl: faulty.baseUrl, timeouts: LIMITS });
    const prepay = {
      description: '测试商品',
      outTradeNo: `TO${Date.now()}`,
      totalFen: 100,
      payerOpenId: 'o_sandbox_alice',
      notifyUrl: 'http://127.0.0.1:9/api/pay/notify',
    };
    const error = await rejectionOf(pay.createJsapiPrepay(prepay));
    expect(error).toBeInstanceOf(WechatPayError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', outcomeUnknown: true, refused: false });
    // Asked again with the same out_trade_no, WeChat Pay gives the prepay it already made.
    const again = await pay.createJsapiPrepay(prepay);
    const direct = await createWechatPayClient(sandbox.adapterOptions.pay).createJsapiPrepay(prepay);
    expect(again.prepayId).toBe(direct.prepayId);
    expect(faulty.forwarded('/v3/pay/transactions/jsapi')).toBe(2);
  });
});
