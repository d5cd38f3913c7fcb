import { randomUUID } from 'node:crypto';
import { addDays, addMonths } from '@member-ops/shared';
import { withTransaction, type DatabaseKind, type Executor } from '../../db';
import { coupons } from '../../db/schema';
import type { ApiRouter } from '../../http/api-router';
import { createMemberSession } from '../../http/auth';
import { loadOrCreateSandboxKeys } from '../../sandbox';
import { encryptResource, platformSignatureHeaders } from '../../sandbox/pay-signing';
import type { ServerContext } from '../../server';
import { startTestServer, type TestServer } from '../../testing/server';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { registerOrderRoutes } from '../orders';
import { creditPoints, lockMember } from '../points/points.repo';
import { registerPointsRoutes } from '../points';
import { registerPaymentRoutes } from './payments.routes';

/** Mounts the money-path modules only, so their tests do not depend on other modules. */
export function registerMoneyRoutes(api: ApiRouter, context: ServerContext): void {
  registerOrderRoutes(api, context);
  registerPaymentRoutes(api, context);
  registerPointsRoutes(api, context);
}

export interface ServerLosingNotifications {
  test: TestServer;
  /** The server's clock, which moves only by `advance`. */
  now: () => Date;
  advance: (ms: number) => Date;
  /** While set, /api/pay/notify answers 503, as if the server were unreachable. */
  loseNotifications: (lost: boolean) => void;
}

/** A money-path test server on a clock moved by the test, whose payment notifications can be lost. */
export async function startServerLosingNotifications(kind: DatabaseKind): Promise<ServerLosingNotifications> {
  let now = new Date();
  let notificationsLost = false;
  const test = await startTestServer(kind, {
    now,
    registerRoutes: (api, context) => {
      api.router.post('/pay/notify', async (ctx, next) => {
        if (!notificationsLost) return next();
        ctx.status = 503;
        ctx.body = { code: 'FAIL', message: 'unreachable' };
      });
      registerMoneyRoutes(api, context);
    },
  });
  return {
    test,
    now: () => now,
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
      test.setNow(now);
      return now;
    },
    loseNotifications: (lost) => {
      notificationsLost = lost;
    },
  };
}

/** A member with a live session; `points` are credited as one batch valid for a year. */
export async function memberWithSession(
  test: TestServer,
  options: { points?: number } = {},
): Promise<{ memberId: number; token: string; headers: Record<string, string> }> {
  const db = test.testDatabase.database.db;
  const now = test.server.clock();
  const memberId = await insertMember(db, { openid: `o_sandbox_${randomUUID().slice(0, 12)}` });
  if (options.points) await creditOpeningPoints(test, memberId, options.points);
  const { token } = await createMemberSession(db, memberId, now);
  return { memberId, token, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}

/** Credits `points` as one batch valid for a year, as a promotion would. */
export async function creditOpeningPoints(test: TestServer, memberId: number, points: number): Promise<void> {
  const now = test.server.clock();
  await withTransaction(test.testDatabase.database, async (tx) => {
    await lockMember(tx, memberId);
    await creditPoints(tx, {
      memberId,
      kind: 'bonus',
      points,
      idempotencyKey: 'test:opening',
      earnedAt: now,
      expiresAt: addMonths(now, 12),
    });
  });
}

/** An available coupon of a new 满100减20 template (or the given one) for the member. */
export async function couponFor(db: Executor, memberId: number, now: Date, templateId?: number): Promise<number> {
  const template = templateId ?? (await insertCouponTemplate(db));
  const [row] = await db
    .insert(coupons)
    .values({
      code: randomUUID().slice(0, 12),
      templateId: template,
      memberId,
      source: 'manual',
      sourceKey: `test:${randomUUID()}`,
      validFrom: addDays(now, -1),
      validTo: addDays(now, 30),
    })
    .returning({ id: coupons.id });
  if (!row) throw new Error('coupon insert returned nothing');
  return row.id;
}

export const ADDRESS = {
  name: '张三',
  phone: '13800138000',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: '世纪大道 100 号',
};

/**
 * A payment notification signed with the sandbox's platform key and encrypted with its APIv3 key, exactly
 * as WeChat Pay would send it, for tests that must control delivery themselves.
 */
export async function signedTransactionNotification(
  test: TestServer,
  transaction: { outTradeNo: string; totalFen: number; openid: string; transactionId?: string },
): Promise<{ body: string; headers: Record<string, string> }> {
  const keys = await loadOrCreateSandboxKeys(test.server.config.dataDir);
  const now = new Date();
  const resource = {
    appid: keys.appId,
    mchid: keys.mchId,
    out_trade_no: transaction.outTradeNo,
    transaction_id: transaction.transactionId ?? `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: now.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    payer: { openid: transaction.openid },
    amount: { total: transaction.totalFen, payer_total: transaction.totalFen, currency: 'CNY', payer_currency: 'CNY' },
  };
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: now.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: encryptResource(keys.apiV3Key, 'transaction', resource),
  });
  return { body, headers: { 'content-type': 'application/json', ...platformSignatureHeaders(keys.platform, body, now) } };
}

/** One JSON request to the test server. */
export async function call<T = Record<string, unknown>>(
  test: TestServer,
  method: 'GET' | 'POST',
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${test.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** Places an order and returns its id, number and payable amount (fails the test on any other status). */
export async function placeOrder(
  test: TestServer,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): Promise<{ id: number; orderNo: string; payableFen: number }> {
  const { status, body: order } = await call<{ id: number; orderNo: string; payableFen: number }>(test, 'POST', '/api/orders', {
    headers,
    body: { address: ADDRESS, ...body },
  });
  if (status !== 201) throw new Error(`order not placed: ${status} ${JSON.stringify(order)}`);
  return order;
}

/** Prepay through the API, then the sandbox "user paid" (which sends the signed notification). */
export async function payThroughSandbox(
  test: TestServer,
  headers: Record<string, string>,
  order: { id: number; orderNo: string },
): Promise<{ notificationId: string }> {
  const pay = await call(test, 'POST', `/api/orders/${order.id}/pay`, { headers });
  if (pay.status !== 200) throw new Error(`pay failed: ${pay.status} ${JSON.stringify(pay.body)}`);
  const complete = await call<{ notification: { id: string } }>(test, 'POST', `/sandbox/pay/${order.orderNo}/complete`);
  if (complete.status !== 200) throw new Error(`sandbox complete failed: ${complete.status}`);
  return { notificationId: complete.body.notification.id };
}
