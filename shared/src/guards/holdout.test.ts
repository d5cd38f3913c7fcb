import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLDOUT_HASH_SQL, holdoutBucket, holdoutHash, holdoutThreshold, isInHoldout } from './holdout';

// The package compiles without DOM or Node types; Node provides TextEncoder as the reference encoder.
declare const TextEncoder: new () => { encode(input: string): Uint8Array };

describe('holdoutHash', () => {
  it('is FNV-1a with the fmix32 finaliser (known values)', () => {
    // FNV-1a of "" is the offset basis 0x811c9dc5; fmix32 of that, computed independently.
    expect(holdoutHash('')).toBe(fmix32Reference(0x811c9dc5));
    // FNV-1a("a") = 0xe40c292c (published test vector).
    expect(holdoutHash('a')).toBe(fmix32Reference(0xe40c292c));
    // FNV-1a("foobar") = 0xbf9cf968 (published test vector).
    expect(holdoutHash('foobar')).toBe(fmix32Reference(0xbf9cf968));
  });

  it('hashes the UTF-8 bytes, including Chinese, emoji and lone surrogates like TextEncoder', () => {
    for (const key of ['会员:42', '春季🌸:7', 'é', '\ud800x', '𝄞']) {
      expect(holdoutHash(key)).toBe(referenceHash(new TextEncoder().encode(key)));
    }
  });

  it('is an unsigned 32-bit integer', () => {
    for (const key of ['x', 'campaign:1', 'a much longer campaign key:123456789']) {
      const hash = holdoutHash(key);
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 32);
    }
  });
});

describe('isInHoldout', () => {
  it('is deterministic', () => {
    const first = Array.from({ length: 1000 }, (_, i) => isInHoldout('spring', String(i)));
    const again = Array.from({ length: 1000 }, (_, i) => isInHoldout('spring', String(i)));
    expect(again).toEqual(first);
  });

  it('holds out close to 10 % of 100 000 sequential ids (within 5 standard deviations)', () => {
    const n = 100_000;
    const held = Array.from({ length: n }, (_, i) => isInHoldout('campaign-7', String(i + 1))).filter(Boolean).length;
    const sd = Math.sqrt(n * 0.1 * 0.9);
    expect(Math.abs(held - n * 0.1)).toBeLessThan(5 * sd);
  });

  it('draws independent holdouts for different campaigns', () => {
    const n = 100_000;
    let both = 0;
    for (let i = 0; i < n; i++) if (isInHoldout('c101', `m${i}`) && isInHoldout('c102', `m${i}`)) both += 1;
    const sd = Math.sqrt(n * 0.01 * 0.99);
    expect(Math.abs(both - n * 0.01)).toBeLessThan(5 * sd);
  });

  it('only adds members when the ratio grows, and covers the extremes', () => {
    for (let i = 0; i < 2000; i++) {
      if (isInHoldout('c', String(i), 0.05)) expect(isInHoldout('c', String(i), 0.2)).toBe(true);
      expect(isInHoldout('c', String(i), 0)).toBe(false);
      expect(isInHoldout('c', String(i), 1)).toBe(true);
    }
  });

  it('rejects a ratio outside 0…1', () => {
    expect(() => isInHoldout('c', '1', 1.5)).toThrow(RangeError);
    expect(() => isInHoldout('c', '1', -0.1)).toThrow(RangeError);
    expect(() => isInHoldout('c', '1', Number.NaN)).toThrow(RangeError);
  });

  it('uses the bucket and threshold it exports', () => {
    expect(holdoutThreshold(0.1)).toBe(1000);
    expect(holdoutThreshold(0.12345)).toBe(1235);
    for (let i = 0; i < 500; i++) expect(isInHoldout('c', String(i))).toBe(holdoutBucket('c', String(i)) < 1000);
  });
});

describe('HOLDOUT_HASH_SQL in PostgreSQL', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.exec(HOLDOUT_HASH_SQL);
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('gives the same hash and the same holdout as JavaScript', async () => {
    const keys = [
      '',
      'a',
      'foobar',
      '会员:42',
      '春季🌸:7',
      ...Array.from({ length: 2000 }, (_, i) => `camp-${i % 7}:${i * 7919}`),
    ];
    const hashes = await db.query<{ h: string }>(
      'SELECT member_ops_holdout_hash(k)::text AS h FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n',
      [keys],
    );
    expect(hashes.rows.map((row) => Number(row.h))).toEqual(keys.map(holdoutHash));
    const members = Array.from({ length: 2000 }, (_, i) => String(i));
    const held = await db.query<{ held: boolean }>(
      'SELECT member_ops_in_holdout($2, m, $3) AS held FROM unnest($1::text[]) WITH ORDINALITY AS t(m, n) ORDER BY n',
      [members, 'spring-sale', holdoutThreshold(0.1)],
    );
    expect(held.rows.map((row) => row.held)).toEqual(members.map((m) => isInHoldout('spring-sale', m)));
  }, 60_000);
});

/** An independent FNV-1a over bytes and MurmurHash3 fmix32, written with BigInt arithmetic. */
function referenceHash(bytes: Uint8Array): number {
  let hash = 0x811c9dc5n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x01000193n) & 0xffffffffn;
  return fmix32Reference(Number(hash));
}

function fmix32Reference(value: number): number {
  let h = BigInt(value);
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & 0xffffffffn;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & 0xffffffffn;
  h ^= h >> 16n;
  return Number(h);
}
