import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** A complete live configuration with throw-away merchant and platform keys (nothing is sent to WeChat). */
export function liveEnv(dataDir: string): Record<string, string> {
  const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchant = pem();
  const platform = pem();
  const privateKeyFile = path.join(dataDir, 'merchant.pem');
  const platformFile = path.join(dataDir, 'platform.pem');
  writeFileSync(privateKeyFile, merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(platformFile, platform.publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    NODE_ENV: 'production',
    PORT: '0',
    DATA_DIR: dataDir,
    JOBS_ENABLED: 'false',
    PUBLIC_BASE_URL: 'https://shop.example.com',
    WECHAT_APP_ID: 'wx0123456789abcdef',
    WECHAT_APP_SECRET: 'live-secret',
    WECHAT_API_BASE: 'http://127.0.0.1:9',
    WECHAT_PAY_MCH_ID: '1900000109',
    WECHAT_PAY_SERIAL: 'MERCHANTSERIAL',
    WECHAT_PAY_PRIVATE_KEY_FILE: privateKeyFile,
    WECHAT_PAY_APIV3_KEY: 'a'.repeat(32),
    WECHAT_PAY_PLATFORM_CERT_FILE: platformFile,
    WECHAT_PAY_PLATFORM_SERIAL: 'PLATFORMSERIAL',
    WECHAT_PAY_BASE: 'http://127.0.0.1:9',
    PHONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PHONE_HASH_KEY: randomBytes(32).toString('base64'),
  };
}
