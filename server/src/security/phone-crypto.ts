import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Phone numbers are stored encrypted (AES-256-GCM, random 12-byte IV) and found by a keyed hash
 * (HMAC-SHA256), so a database dump reveals neither the numbers nor a table one could brute-force
 * without the key. Ciphertext format: "v1:" + base64(iv ‖ tag ‖ ciphertext).
 */
export interface PhoneKeys {
  encryptionKey: Buffer;
  hashKey: Buffer;
}

const VERSION = 'v1';

/** Digits only, without a +86 / 0086 prefix; throws unless it is a mainland mobile number or 5–15 digits. */
export function normalizePhone(phone: string): string {
  let digits = phone.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  if (!/^\d{5,15}$/.test(digits)) throw new RangeError('not a phone number');
  return digits;
}

export function encryptPhone(phone: string, keys: PhoneKeys): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(normalizePhone(phone), 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

export function decryptPhone(stored: string, keys: PhoneKeys): string {
  const [version, payload] = stored.split(':');
  if (version !== VERSION || !payload) throw new Error('unknown phone ciphertext format');
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Keyed lookup hash (hex) of the normalised number. */
export function phoneHash(phone: string, keys: PhoneKeys): string {
  return createHmac('sha256', keys.hashKey).update(normalizePhone(phone)).digest('hex');
}

/** The last four digits, kept in clear for the till's "phone tail" lookup within a store. */
export function phoneTail(phone: string): string {
  return normalizePhone(phone).slice(-4);
}

/** "138****5678" for screens and exports. */
export function maskPhone(phone: string): string {
  const digits = normalizePhone(phone);
  if (digits.length < 7) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
