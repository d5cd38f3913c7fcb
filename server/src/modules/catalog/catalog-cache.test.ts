import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../db';
import { execute } from '../../db/execute';
import { signIn } from '../auth/auth.testing';
import { startTestServer, type TestServer } from '../../testing/server';
import { seedCatalog, type SeededCatalog } from './catalog.fixtures';

const NOW = new Date('2026-11-11T00:00:00Z');
const CATALOGUE_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=10';

for (const kind of DATABASE_KINDS) {
  describe(`catalogue HTTP caching [${kind}]`, () => {
    let test: TestServer;
    let catalog: SeededCatalog;
    let token: string;
    let nowMs = NOW.getTime();
    const advance = (ms: number) => {
      nowMs += ms;
      test.setNow(new Date(nowMs));
    };

    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      fetch(`${test.url}/api${path}`, { method, headers });
    const stats = () => test.server.app.api.publicAnswers.stats();
    const setTitle = (productId: number, title: string) =>
      execute(test.testDatabase.database.db, sql`update products set title = ${title} where id = ${productId}`);

    beforeAll(async () => {
      test = await startTestServer(kind, { now: NOW, env: { CATALOG_CACHE_MS: '1000' } });
      catalog = await seedCatalog(test.testDatabase.database.db);
      token = (await signIn(test.url, 'sandbox-cache-shopper')).token;
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('answers the public catalogue with a strong ETag, public Cache-Control and Vary, and 304 for a matching tag', async () => {
      for (const path of ['/products', `/products/${catalog.products.longjing}`, '/categories', '/brands']) {
        const first = await get(path);
        expect(first.status, path).toBe(200);
        const etag = first.headers.get('etag') ?? '';
        expect(etag, path).toMatch(/^"[\w-]+"$/);
        expect(first.headers.get('cache-control'), path).toBe(CATALOGUE_CACHE_CONTROL);
        expect(first.headers.get('vary'), path).toMatch(/\bOrigin\b/);
        expect((await first.json()) as unknown, path).toBeTruthy();

        // fetch adds Cache-Control: no-cache to a conditional request, as a cache revalidating would.
        const revalidated = await get(path, { 'if-none-match': etag });
        expect(revalidated.status, path).toBe(304);
        expect(await revalidated.text(), path).toBe('');
        expect(revalidated.headers.get('etag'), path).toBe(etag);
        expect(revalidated.headers.get('cache-control'), path).toBe(CATALOGUE_CACHE_CONTROL);

        expect((await get(path, { 'if-none-match': `"other", ${etag}` })).status, path).toBe(304);
        expect((await get(path, { 'if-none-match': '"other"' })).status, path).toBe(200);

        const head = await get(path, {}, 'HEAD');
        expect(head.status, path).toBe(200);
        expect(head.headers.get('etag'), path).toBe(etag);
        expect(await head.text(), path).toBe('');
        expect((await get(path, { 'if-none-match': etag }, 'HEAD')).status, path).toBe(304);
      }
    });

    it('keeps every per-member answer no-store, without an ETag', async () => {
      const auth = { authorization: `Bearer ${token}` };
      for (const path of ['/me', '/recommendations', '/me/points', '/me/coupons', '/orders', '/me/member-code']) {
        const response = await get(path, auth);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('cache-control'), path).toBe('no-store');
        expect(response.headers.get('etag'), path).toBeNull();
        const anonymous = await get(path);
        expect(anonymous.status, path).toBe(401);
        expect(anonymous.headers.get('cache-control'), path).toBe('no-store');
      }
      // Only the four catalogue reads are public, and none of them knows who asks.
      const publicRoutes = test.server.app.api.specs.filter((spec) => spec.publicCache);
      expect(publicRoutes.map((spec) => spec.path).sort()).toEqual(['/brands', '/categories', '/products', '/products/:id']);
      for (const spec of publicRoutes) expect(spec.security ?? [], spec.path).toEqual([]);
    });

    it('answers bad input and errors with no-store and keeps none of them', async () => {
      const before = stats();
      for (const path of ['/products?page=0', '/products?sort=nonsense', '/products/abc']) {
        const response = await get(path);
        expect(response.status, path).toBe(400);
        expect(response.headers.get('cache-control'), path).toBe('no-store');
        expect(response.headers.get('etag'), path).toBeNull();
      }
      // Refused before the cache is even asked.
      expect(stats().computations).toBe(before.computations);

      for (let i = 0; i < 2; i += 1) {
        const missing = await get('/products/987654321');
        expect(missing.status).toBe(404);
        expect(missing.headers.get('cache-control')).toBe('no-store');
        expect(missing.headers.get('etag')).toBeNull();
      }
      expect(stats().computations).toBe(before.computations + 2);
      expect(stats().entries).toBe(before.entries);
    });

    it('serves an answer at most CATALOG_CACHE_MS after its query started, by the server clock', async () => {
      advance(60_000);
      const { puer } = catalog.products;
      const first = await get(`/products/${puer}`);
      const { title } = (await first.json()) as { title: string };
      await setTitle(puer, '熟普洱 新包装');

      advance(999);
      const cached = await get(`/products/${puer}`);
      expect(cached.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(((await cached.json()) as { title: string }).title).toBe(title);

      advance(1);
      const fresh = await get(`/products/${puer}`, { 'if-none-match': first.headers.get('etag') ?? '' });
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('etag')).not.toBe(first.headers.get('etag'));
      expect(((await fresh.json()) as { title: string }).title).toBe('熟普洱 新包装');
    });

    it('keys the list by the parsed query, so spellings of one request share an answer', async () => {
      advance(60_000);
      const { longjing } = catalog.products;
      const first = await get('/products');
      await setTitle(longjing, '龙井 改名');
      for (const spelling of ['/products?page=1', '/products?pageSize=20&page=1', '/products?page=1&pageSize=20']) {
        expect((await get(spelling)).headers.get('etag'), spelling).toBe(first.headers.get('etag'));
      }
      expect((await get('/products?page=2')).headers.get('etag')).not.toBe(first.headers.get('etag'));
    });

    it('reads the database once for a crowd asking the same list at once', async () => {
      advance(60_000);
      const before = stats();
      const answers = await Promise.all(Array.from({ length: 40 }, () => get('/products?sort=price_asc')));
      const bodies = new Set(await Promise.all(answers.map((answer) => answer.text())));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(bodies.size).toBe(1);
      const after = stats();
      expect(after.computations - before.computations).toBe(1);
      expect(after.sharedWaits + after.hits - (before.sharedWaits + before.hits)).toBe(39);
    });
  });
}
