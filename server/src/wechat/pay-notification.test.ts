import { createSign, generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import WechatPay from 'wechatpay-node-v3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationRecord } from '../sandbox/notifier';
import { closeServer, listen, startSandboxServer, urlOf, type RunningSandbox } from '../sandbox/testing/sandbox-server';
import { createWechatPayClient, type WechatPayClient } from './pay-client';
import { PayVerificationError, type PayVerificationFailure } from './pay-crypto';
import { createNotificationVerifier } from './pay-notification';
import type { WechatPayNotificationEvent } from './pay-types';

interface Delivery {
  headers: Record<string, string>;
  rawBody: string;
}

/** The merchant's notify endpoint as the order flow will write it: verify, decrypt, answer 204 or 4xx. */
function merchantReceiver(pay: WechatPayClient) {
  const state = {
    deliveries: [] as Delivery[],
    events: [] as WechatPayNotificationEvent[],
    rejections: [] as PayVerificationFailure[],
    failNext: 0,
  };
  const app = new Koa();
  app.use(bodyParser());
  app.use((ctx) => {
    state.deliveries.push({ headers: { ...ctx.headers } as Record<string, string>, rawBody: ctx.request.rawBody });
    if (state.failNext > 0) {
      state.failNext -= 1;
      ctx.status = 500;
      ctx.body = { code: 'FAIL', message: 'database unavailable' };
      return;
    }
    try {
      state.events.push(pay.verifyAndDecryptNotification(ctx.headers, ctx.request.rawBody));
      ctx.status = 204;
    } catch (error) {
      if (!(error instanceof PayVerificationError)) throw error;
      state.rejections.push(error.reason);
      ctx.status = 401;
      ctx.body = { code: 'FAIL', message: error.reason };
    }
  });
  return { app, state };
}

let sandbox: RunningSandbox;
let pay: WechatPayClient;
let receiver: ReturnType<typeof merchantReceiver>;
let receiverServer: Server;
let notifyUrl: string;
let orderSeq = 0;

beforeAll(async () => {
  sandbox = await startSandboxServer({ notifyRetryDelaysMs: [10, 10], refundNotifyDelayMs: 20 });
  pay = createWechatPayClient(sandbox.adapterOptions.pay);
  receiver = merchantReceiver(pay);
  receiverServer = await listen(receiver.app);
  notifyUrl = `${urlOf(receiverServer)}/notify/wechatpay`;
});
afterAll(async () => {
  await closeServer(receiverServer);
  await sandbox.close();
});
beforeEach(() => {
  Object.assign(receiver.state, { deliveries: [], events: [], rejections: [], failNext: 0 });
});

async function paidOrder(totalFen = 25_600) {
  orderSeq += 1;
  const outTradeNo = `N2024050100${String(orderSeq).padStart(4, '0')}`;
  await pay.createJsapiPrepay({ description: '储值卡充值', outTradeNo, totalFen, payerOpenId: 'o_sandbox_alice', notifyUrl });
  const response = await fetch(`${sandbox.baseUrl}/pay/${outTradeNo}/complete`, { method: 'POST' });
  expect(response.status).toBe(200);
  const completed = (await response.json()) as { transaction_id: string; notification: NotificationRecord };
  return { outTradeNo, totalFen, ...completed };
}

function reasonOf(check: () => unknown): PayVerificationFailure {
  try {
    check();
  } catch (error) {
    if (error instanceof PayVerificationError) return error.reason;
    throw error;
  }
  return expect.unreachable('the notification should have been rejected');
}

function signAsPlatform(body: string, headers: Record<string, string>): Record<string, string> {
  const message = `${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n${body}\n`;
  const signature = createSign('RSA-SHA256').update(message).sign(sandbox.keys.platform.privateKey, 'base64');
  return { ...headers, 'wechatpay-signature': signature };
}

describe('payment notification round trip', () => {
  it('delivers a signed, encrypted TRANSACTION.SUCCESS that the merchant verifies and decrypts', async () => {
    const order = await paidOrder(25_600);
    expect(order.notification.delivered).toBe(true);
    expect(order.notification.attempts.map((attempt) => attempt.status)).toEqual([204]);

    expect(receiver.state.events).toHaveLength(1);
    const event = receiver.state.events[0];
    if (event?.kind !== 'transaction') return expect.unreachable('expected a transaction event');
    expect(event.eventType).toBe('TRANSACTION.SUCCESS');
    expect(event.id).toBe(order.notification.id);
    expect(event.transaction).toMatchObject({
      out_trade_no: order.outTradeNo,
      transaction_id: order.transaction_id,
      trade_state: 'SUCCESS',
      mchid: sandbox.keys.mchId,
      appid: sandbox.keys.appId,
      payer: { openid: 'o_sandbox_alice' },
      amount: { total: 25_600, payer_total: 25_600 },
    });

    const delivery = receiver.state.deliveries[0] as Delivery;
    const envelope = JSON.parse(delivery.rawBody) as { resource: Record<string, string> } & Record<string, unknown>;
    expect(envelope).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource' });
    expect(envelope.resource).toMatchObject({
      algorithm: 'AEAD_AES_256_GCM',
      associated_data: 'transaction',
      original_type: 'transaction',
    });
    expect(delivery.headers['wechatpay-serial']).toBe(sandbox.keys.platform.serialNo);
  });

  it('produces a resource that wechatpay-node-v3, an independent implementation, also decrypts', async () => {
    const order = await paidOrder();
    const { resource } = JSON.parse((receiver.state.deliveries[0] as Delivery).rawBody) as { resource: Record<string, string> };
    const library = new WechatPay({
      appid: sandbox.keys.appId,
      mchid: sandbox.keys.mchId,
      serial_no: sandbox.keys.merchant.serialNo,
      publicKey: Buffer.from(sandbox.keys.merchant.publicKey),
      privateKey: Buffer.from(sandbox.keys.merchant.privateKey),
    });
    const decrypted = library.decipher_gcm<{ out_trade_no: string }>(
      resource.ciphertext as string,
      resource.associated_data as string,
      resource.nonce as string,
      sandbox.keys.apiV3Key,
    );
    expect(decrypted.out_trade_no).toBe(order.outTradeNo);
  });

  it('retries while the merchant answers 5xx and stops at the first 204, resending the same notification', async () => {
    receiver.state.failNext = 2;
    const order = await paidOrder();
    expect(order.notification.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 204]);
    expect(order.notification.delivered).toBe(true);
    const bodies = new Set(receiver.state.deliveries.map((delivery) => delivery.rawBody));
    expect(receiver.state.deliveries).toHaveLength(3);
    expect(bodies.size).toBe(1);
    expect(receiver.state.events).toHaveLength(1);
  });

  it('gives up after the bounded retries and can redeliver later with a fresh signature', async () => {
    receiver.state.failNext = 3;
    const order = await paidOrder();
    expect(order.notification.delivered).toBe(false);
    expect(order.notification.attempts).toHaveLength(3);

    const response = await fetch(`${sandbox.baseUrl}/_notifications/${order.notification.id}/redeliver`, { method: 'POST' });
    const redelivered = (await response.json()) as NotificationRecord;
    expect(redelivered.delivered).toBe(true);
    expect(receiver.state.events.map((event) => event.id)).toEqual([order.notification.id]);
    const nonces = new Set(receiver.state.deliveries.map((delivery) => delivery.headers['wechatpay-nonce']));
    expect(nonces.size).toBe(4);
  });
});

describe('notification rejection', () => {
  let genuine: Delivery;
  beforeEach(async () => {
    await paidOrder();
    genuine = receiver.state.deliveries[0] as Delivery;
  });
  const verify = (headers: Record<string, string>, body: string) => () => pay.verifyAndDecryptNotification(headers, body);

  it('accepts the genuine delivery when checked again', () => {
    expect(pay.verifyAndDecryptNotification(genuine.headers, genuine.rawBody).kind).toBe('transaction');
  });

  it('rejects a body with one byte changed', () => {
    const body = genuine.rawBody.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESs');
    expect(body).not.toBe(genuine.rawBody);
    expect(reasonOf(verify(genuine.headers, body))).toBe('bad-signature');
  });

  it('rejects a changed timestamp', () => {
    const timestamp = String(Number(genuine.headers['wechatpay-timestamp']) - 1);
    expect(reasonOf(verify({ ...genuine.headers, 'wechatpay-timestamp': timestamp }, genuine.rawBody))).toBe('bad-signature');
  });

  it('rejects a changed signature', () => {
    const bytes = Buffer.from(genuine.headers['wechatpay-signature'] as string, 'base64');
    bytes[10] = (bytes[10] as number) ^ 0x01;
    const headers = { ...genuine.headers, 'wechatpay-signature': bytes.toString('base64') };
    expect(reasonOf(verify(headers, genuine.rawBody))).toBe('bad-signature');
  });

  it('rejects a serial it has no key for', () => {
    const headers = { ...genuine.headers, 'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000' };
    expect(reasonOf(verify(headers, genuine.rawBody))).toBe('unknown-serial');
  });

  it('rejects missing signature headers', () => {
    const { 'wechatpay-signature': _dropped, ...headers } = genuine.headers;
    expect(reasonOf(verify(headers, genuine.rawBody))).toBe('bad-headers');
  });

  it('rejects a timestamp more than five minutes old, with an injected clock', () => {
    const at = (offsetSeconds: number) =>
      createNotificationVerifier({
        ...sandbox.adapterOptions.pay,
        now: () => new Date((Number(genuine.headers['wechatpay-timestamp']) + offsetSeconds) * 1000),
      });
    expect(at(299)(genuine.headers, genuine.rawBody).kind).toBe('transaction');
    expect(reasonOf(() => at(301)(genuine.headers, genuine.rawBody))).toBe('stale-timestamp');
  });

  it('rejects a notification the sandbox signed ten minutes ago, so WeChat keeps retrying', async () => {
    const tenMinutesAgo = () => new Date(Date.now() - 10 * 60 * 1000);
    const lateSandbox = await startSandboxServer({ keys: sandbox.keys, notifyRetryDelaysMs: [], now: tenMinutesAgo });
    try {
      // The merchant server placing the order shares the sandbox's clock; only the notify endpoint has the right time.
      const latePay = createWechatPayClient({ ...sandbox.adapterOptions.pay, baseUrl: lateSandbox.baseUrl, now: tenMinutesAgo });
      await latePay.createJsapiPrepay({
        description: '迟到',
        outTradeNo: 'LATE20240501',
        totalFen: 100,
        payerOpenId: 'o_sandbox_alice',
        notifyUrl,
      });
      const response = await fetch(`${lateSandbox.baseUrl}/pay/LATE20240501/complete`, { method: 'POST' });
      const { notification } = (await response.json()) as { notification: NotificationRecord };
      expect(notification.delivered).toBe(false);
      expect(receiver.state.rejections.at(-1)).toBe('stale-timestamp');
    } finally {
      await lateSandbox.close();
    }
  });

  it('rejects a correctly signed notification whose ciphertext was altered (GCM tag check)', () => {
    const envelope = JSON.parse(genuine.rawBody) as { resource: { ciphertext: string } };
    const sealed = Buffer.from(envelope.resource.ciphertext, 'base64');
    sealed[0] = (sealed[0] as number) ^ 0x01;
    envelope.resource.ciphertext = sealed.toString('base64');
    const body = JSON.stringify(envelope);
    expect(reasonOf(verify(signAsPlatform(body, genuine.headers), body))).toBe('decrypt-failed');
  });

  it('rejects a notification that does not decrypt with our APIv3 key', () => {
    const otherMerchant = createNotificationVerifier({ ...sandbox.adapterOptions.pay, apiV3Key: 'k'.repeat(32) });
    expect(reasonOf(() => otherMerchant(genuine.headers, genuine.rawBody))).toBe('decrypt-failed');
  });

  it('rejects a signed body that is not a notification', () => {
    const body = '{"hello":"world"}';
    expect(reasonOf(verify(signAsPlatform(body, genuine.headers), body))).toBe('malformed-body');
  });

  it('trusts a notification only from the platform key configured for its serial', () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    const misconfigured = createNotificationVerifier({
      ...sandbox.adapterOptions.pay,
      platformPublicKeys: { [sandbox.keys.platform.serialNo]: otherKey.toString() },
    });
    expect(reasonOf(() => misconfigured(genuine.headers, genuine.rawBody))).toBe('bad-signature');
  });
});

describe('refund round trip', () => {
  it('answers PROCESSING, then notifies REFUND.SUCCESS, which the merchant verifies and decrypts', async () => {
    const order = await paidOrder(1_000);
    const refund = await pay.createRefund({
      outTradeNo: order.outTradeNo,
      outRefundNo: `R${order.outTradeNo}`,
      refundFen: 300,
      totalFen: 1_000,
      reason: '商品缺货',
      notifyUrl,
    });
    expect(refund).toMatchObject({ status: 'PROCESSING', out_trade_no: order.outTradeNo, amount: { refund: 300, total: 1_000 } });

    await vi.waitFor(() => expect(receiver.state.events.some((event) => event.kind === 'refund')).toBe(true), {
      timeout: 5000,
    });
    const event = receiver.state.events.find((candidate) => candidate.kind === 'refund');
    if (event?.kind !== 'refund') return expect.unreachable('expected a refund event');
    expect(event.eventType).toBe('REFUND.SUCCESS');
    expect(event.refund).toMatchObject({
      out_trade_no: order.outTradeNo,
      out_refund_no: `R${order.outTradeNo}`,
      refund_id: refund.refund_id,
      transaction_id: order.transaction_id,
      refund_status: 'SUCCESS',
      amount: { total: 1_000, refund: 300 },
    });
    const refundDelivery = receiver.state.deliveries.find((delivery) => delivery.rawBody.includes('REFUND.SUCCESS')) as Delivery;
    expect(JSON.parse(refundDelivery.rawBody).resource).toMatchObject({ associated_data: 'refund', original_type: 'refund' });

    expect((await pay.queryRefund(`R${order.outTradeNo}`)).status).toBe('SUCCESS');
    expect((await pay.queryOrderByOutTradeNo(order.outTradeNo)).trade_state).toBe('REFUND');
  });

  it('refuses to refund more than was paid, and refunds of unpaid orders', async () => {
    const order = await paidOrder(1_000);
    await pay.createRefund({
      outTradeNo: order.outTradeNo,
      outRefundNo: `A${order.outTradeNo}`,
      refundFen: 700,
      totalFen: 1_000,
    });
    await expect(
      pay.createRefund({ outTradeNo: order.outTradeNo, outRefundNo: `B${order.outTradeNo}`, refundFen: 301, totalFen: 1_000 }),
    ).rejects.toMatchObject({ httpStatus: 403, code: 'NOT_ENOUGH' });

    await pay.createJsapiPrepay({
      description: '未支付',
      outTradeNo: 'UNPAID20240501',
      totalFen: 500,
      payerOpenId: 'o_sandbox_alice',
      notifyUrl,
    });
    await expect(
      pay.createRefund({ outTradeNo: 'UNPAID20240501', outRefundNo: 'RUNPAID20240501', refundFen: 100, totalFen: 500 }),
    ).rejects.toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST' });
  });

  it('answers a repeated refund request with the same refund instead of refunding twice', async () => {
    const order = await paidOrder(1_000);
    const request = { outTradeNo: order.outTradeNo, outRefundNo: `C${order.outTradeNo}`, refundFen: 1_000, totalFen: 1_000 };
    const first = await pay.createRefund(request);
    expect((await pay.createRefund(request)).refund_id).toBe(first.refund_id);
  });
});
