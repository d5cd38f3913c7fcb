import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { MEMBER_CODE_TTL_SECONDS } from '@member-ops/shared';
import type { PhoneKeys } from '../../security/phone-crypto';

/**
 * Member QR codes: "MC1." + base64url(iv ‖ AES-256-GCM(member id, expiry) ‖ tag). The member id is encrypted and
 * the tag authenticates it, so a code reveals nobody's id and no code can be made or altered without the server's
 * key. The key is derived (HKDF) from the phone hash key, so it needs no configuration of its own.
 */
const PREFIX = 'MC1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PLAIN_BYTES = 12;

export type MemberCodeKey = Buffer;

export function memberCodeKey(keys: PhoneKeys): MemberCodeKey {
  return Buffer.from(hkdfSync('sha256', keys.hashKey, Buffer.alloc(0), 'member-ops member code v1', 32));
}

export function issueMemberCode(key: MemberCodeKey, memberId: number, now: Date): { code: string; expiresAt: Date } {
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + MEMBER_CODE_TTL_SECONDS * 1000);
  const plain = Buffer.alloc(PLAIN_BYTES);
  plain.writeBigUInt64BE(BigInt(memberId), 0);
  plain.writeUInt32BE(expiresAt.getTime() / 1000, 8);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  const code = PREFIX + Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  return { code, expiresAt };
}

export type MemberCodeDecision = { ok: true; memberId: number } | { ok: false; reason: 'invalid' | 'expired' };

/** Opens a scanned code: the member it names, or why it cannot be used. */
export function readMemberCode(key: MemberCodeKey, code: string, now: Date): MemberCodeDecision {
  if (!code.startsWith(PREFIX)) return { ok: false, reason: 'invalid' };
  const raw = Buffer.from(code.slice(PREFIX.length), 'base64url');
  if (raw.length !== IV_BYTES + PLAIN_BYTES + TAG_BYTES) return { ok: false, reason: 'invalid' };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES + PLAIN_BYTES));
    plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, IV_BYTES + PLAIN_BYTES)), decipher.final()]);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const memberId = Number(plain.readBigUInt64BE(0));
  const expiresAtSeconds = plain.readUInt32BE(8);
  if (now.getTime() >= expiresAtSeconds * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, memberId };
}
