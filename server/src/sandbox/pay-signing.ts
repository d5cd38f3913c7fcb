import { createCipheriv, createSign, createVerify, randomBytes } from 'node:crypto';
import type { SandboxKeyPair, SandboxKeys } from './keys';

/**
 * The platform side of WeChat Pay v3 signing, written from WeChat's specification independently of the adapter in
 * server/src/wechat, so that a misreading on either side shows up as a failed round trip instead of cancelling out.
 */

const AUTHORIZATION_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export function randomAlphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** The headers WeChat Pay puts on its answers and notifications: signature over `timestamp\nnonce\nbody\n`. */
export function platformSignatureHeaders(platform: SandboxKeyPair, body: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = randomAlphanumeric(32);
  const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(platform.privateKey, 'base64');
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': platform.serialNo,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': AUTHORIZATION_SCHEME,
  };
}

export interface EncryptedNotificationResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  nonce: string;
  associated_data: string;
  original_type: string;
}

/** AEAD_AES_256_GCM with the APIv3 key; the 16-byte tag is appended to the ciphertext before base64. */
export function encryptResource(apiV3Key: string, originalType: string, resource: object): EncryptedNotificationResource {
  const nonce = randomAlphanumeric(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(originalType, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: sealed.toString('base64'),
    nonce,
    associated_data: originalType,
    original_type: originalType,
  };
}

export interface MerchantRequest {
  authorization: string | undefined;
  method: string;
  /** Path and query as WeChat Pay would see them, e.g. `/v3/pay/transactions/jsapi`. */
  canonicalUrl: string;
  body: string;
}

/** WeChat Pay's 401 SIGN_ERROR message for a request that fails merchant authentication, or undefined if it passes. */
export function merchantAuthenticationProblem(request: MerchantRequest, keys: SandboxKeys, now: Date): string | undefined {
  const header = request.authorization ?? '';
  if (!header.startsWith(`${AUTHORIZATION_SCHEME} `)) return 'Authorization 头缺失或认证类型错误';
  const fields = Object.fromEntries(
    [...header.slice(AUTHORIZATION_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
  );
  const { mchid, nonce_str: nonce, timestamp, serial_no: serialNo, signature } = fields;
  if (!mchid || !nonce || !timestamp || !serialNo || !signature) return 'Authorization 参数不完整';
  if (mchid !== keys.mchId) return '商户号与签名不一致';
  if (serialNo !== keys.merchant.serialNo) return '商户证书序列号有误';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return '请求时间戳已过期';
  const message = `${request.method}\n${request.canonicalUrl}\n${timestamp}\n${nonce}\n${request.body}\n`;
  const valid = createVerify('RSA-SHA256').update(message).verify(keys.merchant.publicKey, signature, 'base64');
  return valid ? undefined : '签名错误，请检查后再试';
}
