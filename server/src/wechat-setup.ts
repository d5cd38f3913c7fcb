import { readFileSync } from 'node:fs';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { createSandbox, loadOrCreateSandboxKeys, sandboxAdapterOptions } from './sandbox';
import { phoneKeysFor, phoneKeysFromBase64 } from './security/local-keys';
import type { PhoneKeys } from './security/phone-crypto';
import { createWechatClient, createWechatPayClient, type WechatClient, type WechatPayClient } from './wechat';
import type Router from '@koa/router';

export interface WechatSetup {
  mode: 'sandbox' | 'live';
  appId: string;
  wechat: WechatClient;
  pay: WechatPayClient;
  phoneKeys: PhoneKeys;
  /** The local stand-in's router, mounted under /sandbox in sandbox mode. */
  sandbox?: Router;
}

/**
 * Sandbox mode: keys generated once in DATA_DIR, the stand-in served by this same process at `ownBaseUrl/sandbox`,
 * and the real adapters pointed at it. Live mode: the adapters talk to WeChat with the configured credentials.
 */
export async function setupWechat(config: AppConfig, ownBaseUrl: string, logger: Logger): Promise<WechatSetup> {
  if (config.wechat.mode === 'sandbox') {
    if (config.env === 'production') {
      logger.warn(
        { wechatMode: 'sandbox', nodeEnv: 'production' },
        'WECHAT_MODE=sandbox IN PRODUCTION: no real WeChat login or payment; anyone can mark orders paid through /sandbox. ' +
          'Do not let real shoppers use this server.',
      );
    }
    const keys = await loadOrCreateSandboxKeys(config.dataDir);
    const sandboxBaseUrl = `${ownBaseUrl}/sandbox`;
    const adapters = sandboxAdapterOptions(keys, sandboxBaseUrl);
    const phoneKeys = phoneKeysFor(config, config.dataDir);
    return {
      mode: 'sandbox',
      appId: keys.appId,
      wechat: createWechatClient({ ...adapters.wechat, timeouts: config.wechat.timeouts }),
      pay: createWechatPayClient({ ...adapters.pay, timeouts: config.wechat.timeouts }),
      phoneKeys,
      sandbox: createSandbox({
        keys,
        onBackgroundError: (err, message) => logger.error({ err }, `sandbox: ${message}`),
      }),
    };
  }
  const { pay } = config.wechat;
  const need = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is required in live mode`);
    return value;
  };
  return {
    mode: 'live',
    appId: config.wechat.appId,
    wechat: createWechatClient({
      appId: config.wechat.appId,
      appSecret: need(config.wechat.appSecret, 'WECHAT_APP_SECRET'),
      timeouts: config.wechat.timeouts,
      ...(config.wechat.apiBase ? { baseUrl: config.wechat.apiBase } : {}),
    }),
    pay: createWechatPayClient({
      appId: config.wechat.appId,
      mchId: need(pay.mchId, 'WECHAT_PAY_MCH_ID'),
      timeouts: config.wechat.timeouts,
      merchantSerialNo: need(pay.serial, 'WECHAT_PAY_SERIAL'),
      merchantPrivateKey: readFileSync(need(pay.privateKeyFile, 'WECHAT_PAY_PRIVATE_KEY_FILE'), 'utf8'),
      apiV3Key: need(pay.apiV3Key, 'WECHAT_PAY_APIV3_KEY'),
      platformPublicKeys: {
        [need(pay.platformSerial, 'WECHAT_PAY_PLATFORM_SERIAL')]: readFileSync(
          need(pay.platformCertFile, 'WECHAT_PAY_PLATFORM_CERT_FILE'),
          'utf8',
        ),
      },
      ...(pay.base ? { baseUrl: pay.base } : {}),
    }),
    phoneKeys: phoneKeysFromBase64(
      need(config.phoneEncryptionKey, 'PHONE_ENCRYPTION_KEY'),
      need(config.phoneHashKey, 'PHONE_HASH_KEY'),
    ),
  };
}
