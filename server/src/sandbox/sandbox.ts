import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { WechatClientOptions } from '../wechat/wechat-client';
import type { WechatPayClientOptions } from '../wechat/pay-client';
import type { SandboxKeys } from './keys';
import { registerMiniProgramRoutes } from './mini-program-routes';
import { createNotifier } from './notifier';
import { registerPayRoutes } from './pay-routes';
import { refundView, transactionView, type SandboxOrder, type SandboxRefund } from './pay-store';
import { registerRefundRoutes } from './refund-routes';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const DEFAULT_SANDBOX_PREFIX = '/sandbox';

export interface SandboxOptions {
  keys: SandboxKeys;
  now?: () => Date;
  /** Used to deliver payment and refund notifications to the merchant's notify_url. */
  fetch?: FetchLike;
  prefix?: string;
  /** Pauses before redelivering an unacknowledged notification; the count bounds the retries. */
  notifyRetryDelaysMs?: readonly number[];
  /** How long a refund stays PROCESSING before it succeeds and its notification is sent. */
  refundNotifyDelayMs?: number;
  /** Failures of work that runs after the answer was sent (refund settlement); pass the app's logger. */
  onBackgroundError?: (error: unknown, message: string) => void;
}

/**
 * A local WeChat: the same paths, payloads, error codes and signatures as api.weixin.qq.com and
 * api.mch.weixin.qq.com, under `prefix`, so the real adapters run unchanged against it. Mount with
 * `app.use(sandbox.routes()).use(sandbox.allowedMethods())`.
 *
 * Test and demo conventions: login code `sandbox-<name>` (optionally `.suffix` to make each code unique) → openid
 * `o_sandbox_<name>`; an openid containing `refuse` refuses subscribe messages (43101); phone code `phone-<11 digits>`;
 * `POST <prefix>/pay/<out_trade_no>/complete` pays an order. Inspection: `GET <prefix>/_inspect/messages|pay|notifications`.
 */
export function createSandbox(options: SandboxOptions): Router {
  const now = options.now ?? (() => new Date());
  const router = new Router({ prefix: options.prefix ?? DEFAULT_SANDBOX_PREFIX });
  const notifier = createNotifier({
    keys: options.keys,
    now,
    fetch: options.fetch ?? globalThis.fetch,
    retryDelaysMs: options.notifyRetryDelaysMs ?? [1000, 3000],
  });
  const orders = new Map<string, SandboxOrder>();
  const refunds = new Map<string, SandboxRefund>();
  const payDeps = {
    keys: options.keys,
    now,
    notifier,
    orders,
    refunds,
    refundNotifyDelayMs: options.refundNotifyDelayMs ?? 1000,
    onBackgroundError: options.onBackgroundError ?? ((error: unknown, message: string) => console.error(message, error)),
  };

  router.use(bodyParser({ enableTypes: ['json'] }));
  registerMiniProgramRoutes(router, { keys: options.keys, now });
  registerPayRoutes(router, payDeps);
  registerRefundRoutes(router, payDeps);

  router.get('/_inspect/pay', (ctx) => {
    ctx.body = { orders: [...orders.values()].map(transactionView), refunds: [...refunds.values()].map(refundView) };
  });
  router.get('/_inspect/notifications', (ctx) => {
    ctx.body = { notifications: notifier.list() };
  });
  router.post('/_notifications/:id/redeliver', async (ctx) => {
    const record = notifier.find(ctx.params.id ?? '');
    if (!record) {
      ctx.status = 404;
      ctx.body = { code: 'NOT_FOUND', message: 'no such notification' };
      return;
    }
    ctx.body = await notifier.redeliver(record);
  });
  return router;
}

/**
 * The adapter options that point at a sandbox mounted at `sandboxBaseUrl`, e.g. `http://127.0.0.1:3000/sandbox`.
 * The merchant trusts exactly the sandbox's platform key.
 */
export function sandboxAdapterOptions(
  keys: SandboxKeys,
  sandboxBaseUrl: string,
): { wechat: WechatClientOptions; pay: WechatPayClientOptions } {
  return {
    wechat: { appId: keys.appId, appSecret: keys.appSecret, baseUrl: sandboxBaseUrl },
    pay: {
      appId: keys.appId,
      mchId: keys.mchId,
      merchantSerialNo: keys.merchant.serialNo,
      merchantPrivateKey: keys.merchant.privateKey,
      apiV3Key: keys.apiV3Key,
      platformPublicKeys: { [keys.platform.serialNo]: keys.platform.publicKey },
      baseUrl: sandboxBaseUrl,
    },
  };
}
