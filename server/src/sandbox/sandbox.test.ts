import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWechatPayClient } from '../wechat/pay-client';
import { generateSandboxKeys, type SandboxKeys } from './keys';
import { createSandbox, sandboxAdapterOptions } from './sandbox';
import { closeServer, listen, urlOf } from './testing/sandbox-server';

let keys: SandboxKeys;
beforeAll(() => {
  keys = generateSandboxKeys();
});

function sandboxApp(now?: () => Date) {
  const app = new Koa();
  const sandbox = createSandbox({ keys, now, notifyRetryDelaysMs: [] });
  app.use(sandbox.routes()).use(sandbox.allowedMethods());
  return app.callback();
}

function manualClock(start = Date.UTC(2024, 4, 1, 2, 0, 0)) {
  let nowMs = start;
  return { now: () => new Date(nowMs), advanceSeconds: (seconds: number) => (nowMs += seconds * 1000) };
}

const tokenRequest = (overrides: Record<string, unknown> = {}) => ({
  grant_type: 'client_credential',
  appid: keys.appId,
  secret: keys.appSecret,
  force_refresh: false,
  ...overrides,
});

const validMessage = { touser: 'o_sandbox_alice', template_id: 'tmpl_1', data: { thing1: { value: '你好' } } };

describe('stable_token stand-in', () => {
  it('checks the app id and secret', async () => {
    const app = sandboxApp();
    const wrongSecret = await request(app)
      .post('/sandbox/cgi-bin/stable_token')
      .send(tokenRequest({ secret: 'x' }));
    expect(wrongSecret.body).toMatchObject({ errcode: 40125 });
    const wrongApp = await request(app)
      .post('/sandbox/cgi-bin/stable_token')
      .send(tokenRequest({ appid: 'wx0' }));
    expect(wrongApp.body).toMatchObject({ errcode: 40013 });
  });

  it('returns the same token in normal mode until its last five minutes, and the old one keeps working until expiry', async () => {
    const clock = manualClock();
    const app = sandboxApp(clock.now);
    const first = (await request(app).post('/sandbox/cgi-bin/stable_token').send(tokenRequest())).body;
    expect(first.expires_in).toBe(7200);

    clock.advanceSeconds(6000);
    const same = (await request(app).post('/sandbox/cgi-bin/stable_token').send(tokenRequest())).body;
    expect(same).toEqual({ access_token: first.access_token, expires_in: 1200 });

    clock.advanceSeconds(1000);
    const renewed = (await request(app).post('/sandbox/cgi-bin/stable_token').send(tokenRequest())).body;
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.expires_in).toBe(7200);
    const withOld = await request(app)
      .post(`/sandbox/cgi-bin/message/subscribe/send?access_token=${first.access_token}`)
      .send(validMessage);
    expect(withOld.body).toEqual({ errcode: 0, errmsg: 'ok' });

    clock.advanceSeconds(201);
    const expired = await request(app)
      .post(`/sandbox/cgi-bin/message/subscribe/send?access_token=${first.access_token}`)
      .send(validMessage);
    expect(expired.body).toMatchObject({ errcode: 42001 });
  });

  it('invalidates the previous token at once on force_refresh', async () => {
    const app = sandboxApp();
    const old = (await request(app).post('/sandbox/cgi-bin/stable_token').send(tokenRequest())).body.access_token;
    await request(app)
      .post('/sandbox/cgi-bin/stable_token')
      .send(tokenRequest({ force_refresh: true }));
    const send = await request(app).post(`/sandbox/cgi-bin/message/subscribe/send?access_token=${old}`).send(validMessage);
    expect(send.body).toMatchObject({ errcode: 40001 });
  });
});

describe('subscribe message stand-in', () => {
  it('records sent messages for inspection and forgets them on DELETE', async () => {
    const app = sandboxApp();
    const token = (await request(app).post('/sandbox/cgi-bin/stable_token').send(tokenRequest())).body.access_token;
    await request(app).post(`/sandbox/cgi-bin/message/subscribe/send?access_token=${token}`).send(validMessage);
    const inspected = await request(app).get('/sandbox/_inspect/messages');
    expect(inspected.body.messages).toHaveLength(1);
    expect(inspected.body.messages[0]).toMatchObject({ ...validMessage, miniprogram_state: 'formal', lang: 'zh_CN' });
    await request(app).delete('/sandbox/_inspect/messages').expect(204);
    expect((await request(app).get('/sandbox/_inspect/messages')).body.messages).toEqual([]);
  });

  it('answers an injected fault the requested number of times, then normally', async () => {
    const app = sandboxApp();
    await request(app)
      .post('/sandbox/_control/faults')
      .send({ path: '/wxa/business/getuserphonenumber', errcode: -1, times: 2 })
      .expect(201);
    const token = (await request(app).post('/sandbox/cgi-bin/stable_token').send(tokenRequest())).body.access_token;
    const url = `/sandbox/wxa/business/getuserphonenumber?access_token=${token}`;
    const answers = [];
    for (let call = 0; call < 3; call += 1) answers.push((await request(app).post(url).send({ code: 'phone-13900000000' })).body);
    expect(answers.map((answer) => answer.errcode)).toEqual([-1, -1, 0]);
    await request(app).post('/sandbox/_control/faults').send({ path: 'no-slash' }).expect(400);
  });
});

describe('WeChat Pay gateway stand-in', () => {
  it('refuses a request without a merchant signature and still signs its answer', async () => {
    const response = await request(sandboxApp())
      .post('/sandbox/v3/pay/transactions/jsapi')
      .send({ appid: keys.appId })
      .expect(401);
    expect(response.body).toMatchObject({ code: 'SIGN_ERROR' });
    expect(response.headers['wechatpay-serial']).toBe(keys.platform.serialNo);
    expect(response.headers['wechatpay-signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('refuses a signed request whose body was changed on the way', async () => {
    const authorization =
      `WECHATPAY2-SHA256-RSA2048 mchid="${keys.mchId}",nonce_str="abc",timestamp="${Math.floor(Date.now() / 1000)}",` +
      `serial_no="${keys.merchant.serialNo}",signature="${Buffer.alloc(256).toString('base64')}"`;
    const response = await request(sandboxApp())
      .post('/sandbox/v3/pay/transactions/jsapi')
      .set('authorization', authorization)
      .send({ appid: keys.appId })
      .expect(401);
    expect(response.body.message).toMatch(/签名错误/);
  });

  it('answers 404 when asked to pay an unknown order', async () => {
    const response = await request(sandboxApp()).post('/sandbox/pay/NOPE123456/complete').expect(404);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });

  it('works behind an application-wide body parser, as the API mounts it', async () => {
    const app = new Koa();
    app.use(bodyParser());
    const sandbox = createSandbox({ keys, notifyRetryDelaysMs: [] });
    app.use(sandbox.routes()).use(sandbox.allowedMethods());
    const server = await listen(app);
    try {
      const pay = createWechatPayClient(sandboxAdapterOptions(keys, `${urlOf(server)}/sandbox`).pay);
      const { prepayId } = await pay.createJsapiPrepay({
        description: '挂载测试',
        outTradeNo: 'MOUNT20240501',
        totalFen: 100,
        payerOpenId: 'o_sandbox_alice',
        notifyUrl: 'http://127.0.0.1:9/notify',
      });
      expect(prepayId).toMatch(/^wx/);
    } finally {
      await closeServer(server);
    }
  });
});
