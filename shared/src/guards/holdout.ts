/**
 * Deterministic campaign holdout. A member is held out of a campaign when
 *   holdoutHash(`${campaignId}:${memberId}`) mod 10000 < round(ratio × 10000)
 * where holdoutHash is 32-bit FNV-1a over the UTF-8 bytes of the key, followed by the MurmurHash3 `fmix32`
 * finaliser (FNV-1a alone mixes sequential ids poorly). Every step is 32-bit unsigned arithmetic, so any
 * language reproduces it; `HOLDOUT_HASH_SQL` is the PostgreSQL version, which splits each multiplication by a
 * 32-bit constant into 16-bit halves so that it stays within bigint.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BUCKETS = 10_000;

/** UTF-8 bytes of a string, written out because `TextEncoder` is missing on some mini-program runtimes. */
function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    let code = char.codePointAt(0) ?? 0;
    // A lone surrogate is not a character; encode it as U+FFFD like TextEncoder does.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return bytes;
}

/**
 * FNV-1a (32-bit) of the UTF-8 bytes, finalised with MurmurHash3's fmix32; an unsigned 32-bit integer.
 * @example holdoutHash('spring-sale:10086') // the same number in JavaScript and in PostgreSQL
 */
export function holdoutHash(key: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of utf8Bytes(key)) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * The member's bucket 0…9999 for a campaign.
 * @example holdoutBucket('spring-sale', '10086') // 0 ≤ n < 10000
 */
export function holdoutBucket(campaignId: string, memberId: string): number {
  return holdoutHash(`${campaignId}:${memberId}`) % BUCKETS;
}

/**
 * True when the member belongs to the campaign's holdout (default 10 %). Stable for a campaign and member,
 * independent between campaigns, and a larger ratio only adds members (buckets below the threshold).
 * @example isInHoldout('spring-sale', '10086') // same answer every time, on every server
 */
export function isInHoldout(campaignId: string, memberId: string, ratio = 0.1): boolean {
  return holdoutBucket(campaignId, memberId) < holdoutThreshold(ratio);
}

/**
 * The number of buckets (of 10000) held out for `ratio`; pass this integer to SQL so both sides agree
 * even where `ratio × 10000` is not exact in floating point.
 * @example holdoutThreshold(0.1) // 1000
 */
export function holdoutThreshold(ratio: number): number {
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`holdout ratio must be within 0…1, got ${ratio}`);
  return Math.round(ratio * BUCKETS);
}

/**
 * PostgreSQL (15+) functions that give the same answers as `holdoutHash` and `isInHoldout`:
 * `member_ops_holdout_hash(text) → bigint` and `member_ops_in_holdout(campaign text, member text, threshold int)`
 * with `threshold = holdoutThreshold(ratio)`, e.g. `WHERE member_ops_in_holdout($1, m.id::text, 1000)`.
 * The loop runs per byte in PL/pgSQL: fine for reports over a campaign's audience, too slow to recompute for
 * millions of members on every request — store the flag with the delivery instead.
 */
export const HOLDOUT_HASH_SQL = `
CREATE OR REPLACE FUNCTION member_ops_holdout_hash(input text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  bytes bytea := convert_to(input, 'UTF8');
  h bigint := 2166136261;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    h := ((h # get_byte(bytes, i)) * 16777619) & 4294967295;
  END LOOP;
  h := h # (h >> 16);
  h := (h * 51819 + (((h * 34283) & 65535) << 16)) & 4294967295;
  h := h # (h >> 13);
  h := (h * 44597 + (((h * 49842) & 65535) << 16)) & 4294967295;
  h := h # (h >> 16);
  RETURN h;
END $$;

CREATE OR REPLACE FUNCTION member_ops_in_holdout(campaign_id text, member_id text, threshold integer)
RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT member_ops_holdout_hash(campaign_id || ':' || member_id) % 10000 < threshold
$$;
`;
