import { createDecipheriv, createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Node-crypto halves of WeChat Pay v3 that wechatpay-node-v3 gets wrong for our needs: its `decipher_gcm` never
 * checks the GCM tag (a forged ciphertext decrypts to garbage instead of failing) and its `verifySign` looks keys up
 * in a process-wide cache filled from the hard-coded production host.
 */

export type PayVerificationFailure =
  | 'bad-headers'
  | 'unknown-serial'
  | 'stale-timestamp'
  | 'bad-signature'
  | 'malformed-body'
  | 'decrypt-failed'
  | 'unexpected-resource';

export class PayVerificationError extends Error {
  override readonly name = 'PayVerificationError';
  readonly reason: PayVerificationFailure;

  constructor(reason: PayVerificationFailure, detail: string) {
    super(`WeChat Pay message rejected (${reason}): ${detail}`);
    this.reason = reason;
  }
}

/** WeChat Pay signs with a timestamp; older (or further ahead) than this is refused as a possible replay. */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const GCM_TAG_BYTES = 16;

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export interface WechatpaySignatureHeaders {
  timestamp: string;
  nonce: string;
  serial: string;
  signature: string;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === lower)?.[1];
  return Array.isArray(entry) ? entry[0] : entry;
}

export function readSignatureHeaders(headers: HeaderSource): WechatpaySignatureHeaders {
  const timestamp = header(headers, 'wechatpay-timestamp');
  const nonce = header(headers, 'wechatpay-nonce');
  const serial = header(headers, 'wechatpay-serial');
  const signature = header(headers, 'wechatpay-signature');
  if (!timestamp || !nonce || !serial || !signature) {
    throw new PayVerificationError('bad-headers', 'a Wechatpay-Timestamp/Nonce/Serial/Signature header is missing');
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new PayVerificationError('bad-headers', 'Wechatpay-Timestamp is not a number');
  return { timestamp, nonce, serial, signature };
}

/** serial → platform public key; accepts PEM public keys ("WeChat Pay public key" mode) and PEM certificates. */
export type PlatformPublicKeys = Readonly<Record<string, string>>;

export function loadPlatformKeys(keys: PlatformPublicKeys): ReadonlyMap<string, KeyObject> {
  return new Map(Object.entries(keys).map(([serial, pem]) => [serial, createPublicKey(pem)]));
}

export interface SignatureCheck {
  headers: WechatpaySignatureHeaders;
  body: string;
  platformKeys: ReadonlyMap<string, KeyObject>;
  nowMs: number;
  maxClockSkewSeconds: number;
}

/** Throws PayVerificationError unless `body` was signed by the platform key named in the headers, recently. */
export function verifyWechatpaySignature({ headers, body, platformKeys, nowMs, maxClockSkewSeconds }: SignatureCheck) {
  const key = platformKeys.get(headers.serial);
  if (!key) throw new PayVerificationError('unknown-serial', `no platform key for serial ${headers.serial}`);
  const skewSeconds = Math.abs(nowMs / 1000 - Number(headers.timestamp));
  if (skewSeconds > maxClockSkewSeconds) {
    throw new PayVerificationError('stale-timestamp', `timestamp is ${Math.round(skewSeconds)}s away from now`);
  }
  const message = `${headers.timestamp}\n${headers.nonce}\n${body}\n`;
  const valid = verify('sha256', Buffer.from(message, 'utf8'), key, Buffer.from(headers.signature, 'base64'));
  if (!valid) throw new PayVerificationError('bad-signature', 'Wechatpay-Signature does not match');
}

export interface EncryptedResource {
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

export function apiV3KeyBytes(apiV3Key: string): Buffer {
  const bytes = Buffer.from(apiV3Key, 'utf8');
  if (bytes.length !== 32) throw new Error('the WeChat Pay APIv3 key must be 32 bytes');
  return bytes;
}

/** AEAD_AES_256_GCM: base64 ciphertext with the 16-byte tag appended; the tag is checked before anything is used. */
export function decryptResource(resource: EncryptedResource, key: Buffer): string {
  const sealed = Buffer.from(resource.ciphertext, 'base64');
  if (sealed.length <= GCM_TAG_BYTES) throw new PayVerificationError('decrypt-failed', 'ciphertext is too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)), decipher.final()]);
    return plain.toString('utf8');
  } catch (error) {
    throw new PayVerificationError('decrypt-failed', (error as Error).message);
  }
}
