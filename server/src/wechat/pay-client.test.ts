import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type RunningSandbox } from '../sandbox/testing/sandbox-server';
import { WechatPayError } from './errors';
import { createWechatPayClient, type WechatPayClient } from './pay-client';
import { PayVerificationError } from './pay-crypto';

let sandbox: RunningSandbox;
let pay: WechatPayClient;
let orderSeq = 0;

beforeAll(async () => {
  sandbox = await startSandboxServer({ notifyRetryDelaysMs: [] });
  pay = createWechatPayClient(sandbox.adapterOptions.pay);
});
afterAll(() => sandbox.close());

function prepayRequest(overrides: Partial<Parameters<WechatPayClient['createJsapiPrepay']>[0]> = {}) {
  orderSeq += 1;
  return {
    description: '会员店-春季礼盒',
    outTradeNo: `T2024050100${String(orderSeq).padStart(4, '0')}`,
    totalFen: 12_800,
    payerOpenId: 'o_sandbox_alice',
    // Nothing listens here; these tests only look at order state, not at the notification.
    notifyUrl: 'http://127.0.0.1:9/notify/pay',
    ...overrides,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have failed'),
    (reason: unknown) => reason,
  );
}

describe('JSAPI prepay', () => {
  it('returns a prepay id and wx.requestPayment params whose paySign verifies with the merchant public key', async () => {
    const { prepayId, requestPayment } = await pay.createJsapiPrepay(prepayRequest());
    expect(prepayId).toMatch(/^wx[0-9a-f]{34}$/);
    expect(requestPayment.package).toBe(`prepay_id=${prepayId}`);
    expect(requestPayment.signType).toBe('RSA');
    expect(Math.abs(Number(requestPayment.timeStamp) - Date.now() / 1000)).toBeLessThan(5);

    const signed = `${sandbox.keys.appId}\n${requestPayment.timeStamp}\n${requestPayment.nonceStr}\n${requestPayment.package}\n`;
    const merchantPublicKey = createPublicKey(sandbox.keys.merchant.publicKey);
    expect(verify('sha256', Buffer.from(signed), merchantPublicKey, Buffer.from(requestPayment.paySign, 'base64'))).toBe(true);
    const otherNonce = signed.replace(requestPayment.nonceStr, 'X'.repeat(32));
    expect(verify('sha256', Buffer.from(otherNonce), merchantPublicKey, Buffer.from(requestPayment.paySign, 'base64'))).toBe(
      false,
    );
  });

  it('gives the same prepay id for a repeated identical order and refuses a different order under the same number', async () => {
    const request = prepayRequest();
    const first = await pay.createJsapiPrepay(request);
    expect((await pay.createJsapiPrepay(request)).prepayId).toBe(first.prepayId);
    const error = await rejectionOf(pay.createJsapiPrepay({ ...request, totalFen: 1 }));
    expect(error).toBeInstanceOf(WechatPayError);
    expect(error).toMatchObject({ httpStatus: 400, code: 'INVALID_REQUEST', retryable: false });
  });

  it('answers PARAM_ERROR for an amount below one fen', async () => {
    const error = await rejectionOf(pay.createJsapiPrepay(prepayRequest({ totalFen: 0 })));
    expect(error).toMatchObject({ httpStatus: 400, code: 'PARAM_ERROR' });
  });

  it('is refused with SIGN_ERROR when signed with a key the sandbox does not know', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const impostor = createWechatPayClient({ ...sandbox.adapterOptions.pay, merchantPrivateKey: stranger.toString() });
    const error = await rejectionOf(impostor.createJsapiPrepay(prepayRequest()));
    expect(error).toMatchObject({ httpStatus: 401, code: 'SIGN_ERROR' });
  });

  it('refuses an answer signed by a platform key it was not given', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    const distrustful = createWechatPayClient({
      ...sandbox.adapterOptions.pay,
      platformPublicKeys: { PUB_KEY_ID_OTHER: otherKey.toString() },
    });
    const error = await rejectionOf(distrustful.createJsapiPrepay(prepayRequest()));
    expect(error).toBeInstanceOf(PayVerificationError);
    expect((error as PayVerificationError).reason).toBe('unknown-serial');
  });

  it('refuses an answer whose signature does not match the trusted key for that serial', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    const misled = createWechatPayClient({
      ...sandbox.adapterOptions.pay,
      platformPublicKeys: { [sandbox.keys.platform.serialNo]: otherKey.toString() },
    });
    const error = await rejectionOf(misled.createJsapiPrepay(prepayRequest()));
    expect((error as PayVerificationError).reason).toBe('bad-signature');
  });
});

describe('order query and close', () => {
  it('reports NOTPAY, then SUCCESS with the payer and transaction id once the user has paid', async () => {
    const request = prepayRequest({ totalFen: 990 });
    await pay.createJsapiPrepay(request);
    expect(await pay.queryOrderByOutTradeNo(request.outTradeNo)).toMatchObject({
      out_trade_no: request.outTradeNo,
      trade_state: 'NOTPAY',
      amount: { total: 990 },
    });

    const completed = await fetch(`${sandbox.baseUrl}/pay/${request.outTradeNo}/complete`, { method: 'POST' });
    const { transaction_id: transactionId } = (await completed.json()) as { transaction_id: string };

    const paid = await pay.queryOrderByOutTradeNo(request.outTradeNo);
    expect(paid).toMatchObject({
      trade_state: 'SUCCESS',
      transaction_id: transactionId,
      payer: { openid: 'o_sandbox_alice' },
      amount: { total: 990, payer_total: 990, currency: 'CNY' },
    });
    expect(paid.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  });

  it('closes an unpaid order, after which it can no longer be paid', async () => {
    const request = prepayRequest();
    await pay.createJsapiPrepay(request);
    await pay.closeOrder(request.outTradeNo);
    expect((await pay.queryOrderByOutTradeNo(request.outTradeNo)).trade_state).toBe('CLOSED');
    const completed = await fetch(`${sandbox.baseUrl}/pay/${request.outTradeNo}/complete`, { method: 'POST' });
    expect(completed.status).toBe(409);
  });

  it('answers ORDER_NOT_EXIST (404, not retryable) for an unknown order', async () => {
    const error = await rejectionOf(pay.queryOrderByOutTradeNo('NO_SUCH_ORDER_1'));
    expect(error).toMatchObject({ httpStatus: 404, code: 'ORDER_NOT_EXIST', retryable: false });
  });
});
