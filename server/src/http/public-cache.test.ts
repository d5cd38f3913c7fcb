import { describe, expect, it } from 'vitest';
import {
  canonicalKey,
  ifNoneMatchNames,
  publicAnswerCache,
  publicCacheControl,
  serializeAnswer,
  type SerializedAnswer,
} from './public-cache';

function setup(ttlMs = 1000, maxEntries = 100) {
  let nowMs = Date.parse('2026-11-11T00:00:00Z');
  const cache = publicAnswerCache({ ttlMs, maxEntries, clock: () => new Date(nowMs) });
  let version = 0;
  const calls: string[] = [];
  const compute = (key: string) => async (): Promise<SerializedAnswer> => {
    calls.push(key);
    version += 1;
    return serializeAnswer({ key, version });
  };
  const read = async (key: string) => JSON.parse((await cache.get(key, compute(key))).body) as { version: number };
  return { cache, calls, read, compute, advance: (ms: number) => (nowMs += ms) };
}

describe('publicAnswerCache', () => {
  it('reuses an answer for less than the TTL after its query started, then asks again', async () => {
    const { read, advance, calls } = setup(1000);
    expect((await read('a')).version).toBe(1);
    advance(999);
    expect((await read('a')).version).toBe(1);
    advance(1);
    expect((await read('a')).version).toBe(2);
    expect(calls).toEqual(['a', 'a']);
  });

  it('does not trust an entry when the clock went backwards', async () => {
    const { read, advance } = setup(1000);
    await read('a');
    advance(-1);
    expect((await read('a')).version).toBe(2);
  });

  it('with TTL 0 asks every time and keeps nothing', async () => {
    const { read, cache } = setup(0);
    await read('a');
    await read('a');
    expect(cache.stats()).toMatchObject({ entries: 0, computations: 2, hits: 0 });
  });

  it('drops the least recently used answer beyond the bound', async () => {
    const { read, cache, calls } = setup(1000, 2);
    await read('a');
    await read('b');
    await read('a'); // a is now the most recently used
    await read('c'); // evicts b
    expect(cache.stats().entries).toBe(2);
    await read('a');
    await read('b');
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('lets concurrent misses for one key share one computation', async () => {
    const { cache } = setup(1000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let computations = 0;
    const slow = async () => {
      computations += 1;
      await gate;
      return serializeAnswer({ computations });
    };
    const answers = Array.from({ length: 50 }, () => cache.get('list', slow));
    expect(cache.stats().sharedWaits).toBe(49);
    release();
    const bodies = new Set((await Promise.all(answers)).map((a) => a.body));
    expect(computations).toBe(1);
    expect(bodies).toEqual(new Set([JSON.stringify({ computations: 1 })]));
  });

  it('gives a failure to everyone waiting on it and stores nothing', async () => {
    const { cache, read } = setup(1000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failing = async (): Promise<SerializedAnswer> => {
      await gate;
      throw new Error('database busy');
    };
    const waiting = [cache.get('a', failing), cache.get('a', failing)];
    release();
    for (const result of await Promise.allSettled(waiting)) expect(result).toMatchObject({ status: 'rejected' });
    expect(cache.stats()).toMatchObject({ entries: 0, computations: 1, sharedWaits: 1 });
    expect((await read('a')).version).toBe(1);
  });
});

describe('public answers', () => {
  it('have a strong ETag that changes with the body', () => {
    const first = serializeAnswer({ items: [1] });
    expect(first.etag).toMatch(/^"[\w-]{27}"$/);
    expect(serializeAnswer({ items: [1] }).etag).toBe(first.etag);
    expect(serializeAnswer({ items: [2] }).etag).not.toBe(first.etag);
  });

  it('are keyed by the parsed input whatever the order of its keys', () => {
    expect(canonicalKey('/products', { query: { sort: 'price', page: 1 } })).toBe(
      canonicalKey('/products', { query: { page: 1, sort: 'price' } }),
    );
    expect(canonicalKey('/products', { query: { page: 1 } })).not.toBe(canonicalKey('/products', { query: { page: 2 } }));
  });

  it('match If-None-Match by weak comparison, in a list, or as *', () => {
    expect(ifNoneMatchNames('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchNames('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchNames('"x", "abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchNames('*', '"abc"')).toBe(true);
    expect(ifNoneMatchNames('"abcd"', '"abc"')).toBe(false);
    expect(ifNoneMatchNames('', '"abc"')).toBe(false);
  });

  it('say public with max-age and, if given, stale-while-revalidate', () => {
    expect(publicCacheControl({ maxAgeSeconds: 5 })).toBe('public, max-age=5');
    expect(publicCacheControl({ maxAgeSeconds: 5, staleWhileRevalidateSeconds: 10 })).toBe(
      'public, max-age=5, stale-while-revalidate=10',
    );
  });
});
