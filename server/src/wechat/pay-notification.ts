import type { z } from 'zod';
import {
  apiV3KeyBytes,
  decryptResource,
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  loadPlatformKeys,
  PayVerificationError,
  readSignatureHeaders,
  verifyWechatpaySignature,
  type HeaderSource,
  type PlatformPublicKeys,
} from './pay-crypto';
import {
  notificationEnvelopeSchema,
  refundNotificationSchema,
  transactionSchema,
  type WechatPayNotificationEvent,
} from './pay-types';

export interface PayNotificationVerifierOptions {
  mchId: string;
  apiV3Key: string;
  platformPublicKeys: PlatformPublicKeys;
  now?: () => Date;
  maxClockSkewSeconds?: number;
}

/**
 * Checks a WeChat Pay notification exactly as received (`rawBody` must be the unparsed request body) and returns the
 * decrypted payment or refund. Throws PayVerificationError with a `reason` the notify route can log; the route then
 * answers 4xx/5xx so WeChat delivers again.
 */
export type VerifyAndDecryptNotification = (headers: HeaderSource, rawBody: string) => WechatPayNotificationEvent;

export function createNotificationVerifier(options: PayNotificationVerifierOptions): VerifyAndDecryptNotification {
  const platformKeys = loadPlatformKeys(options.platformPublicKeys);
  const key = apiV3KeyBytes(options.apiV3Key);
  const now = options.now ?? (() => new Date());
  const maxClockSkewSeconds = options.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;

  return (headers, rawBody) => {
    verifyWechatpaySignature({
      headers: readSignatureHeaders(headers),
      body: rawBody,
      platformKeys,
      nowMs: now().getTime(),
      maxClockSkewSeconds,
    });
    const envelope = parseJson(notificationEnvelopeSchema, rawBody, 'malformed-body');
    const plaintext = decryptResource(envelope.resource, key);
    const meta = { id: envelope.id, eventType: envelope.event_type, createTime: envelope.create_time };

    if (envelope.resource.original_type === 'transaction') {
      const transaction = parseJson(transactionSchema, plaintext, 'unexpected-resource');
      assertMerchant(transaction.mchid, options.mchId);
      return { ...meta, kind: 'transaction', transaction };
    }
    if (envelope.resource.original_type === 'refund') {
      const refund = parseJson(refundNotificationSchema, plaintext, 'unexpected-resource');
      assertMerchant(refund.mchid, options.mchId);
      return { ...meta, kind: 'refund', refund };
    }
    throw new PayVerificationError('unexpected-resource', `original_type ${envelope.resource.original_type}`);
  };
}

function parseJson<T>(schema: z.ZodType<T>, text: string, reason: 'malformed-body' | 'unexpected-resource'): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PayVerificationError(reason, 'not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PayVerificationError(reason, parsed.error.message);
  return parsed.data;
}

function assertMerchant(actual: string, expected: string): void {
  if (actual !== expected) throw new PayVerificationError('unexpected-resource', `mchid ${actual} is not ours`);
}
