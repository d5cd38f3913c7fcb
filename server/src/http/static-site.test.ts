import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { IMMUTABLE_CACHE, REVALIDATE_CACHE } from './static-site';

let workDir: string;
let siteDir: string;

function buildApp(spaFallback = false) {
  return createApp({
    config: loadConfig({}),
    logger: createLogger('silent'),
    database: { kind: 'pglite', probe: async () => ({ ok: true, latencyMs: 0 }) },
    staticSites: [{ prefix: '/h5', dir: siteDir, spaFallback }],
  }).koa.callback();
}

beforeAll(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'static-site-'));
  siteDir = path.join(workDir, 'site');
  mkdirSync(path.join(siteDir, 'js'), { recursive: true });
  mkdirSync(path.join(siteDir, 'css'), { recursive: true });
  writeFileSync(path.join(siteDir, 'index.html'), '<!doctype html><title>商城</title>');
  writeFileSync(path.join(siteDir, 'js', 'app.3f9c2a1b.js'), 'console.log(1);');
  writeFileSync(path.join(siteDir, 'css', 'app.0a1b2c3d.css'), 'body{}');
  writeFileSync(path.join(siteDir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(path.join(siteDir, '.env'), 'SECRET=1');
  writeFileSync(path.join(workDir, 'outside.txt'), 'PRIVATE-CONTENT');
  symlinkSync(path.join(workDir, 'outside.txt'), path.join(siteDir, 'escape.txt'));
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('staticSite', () => {
  it('redirects the bare prefix to the folder so relative asset URLs resolve', async () => {
    const res = await request(buildApp()).get('/h5?from=share');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/h5/?from=share');
  });

  it('serves index.html for the folder with no-cache', async () => {
    const res = await request(buildApp()).get('/h5/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe(REVALIDATE_CACHE);
    expect(res.text).toContain('商城');
  });

  it('serves hashed assets as immutable with their content type', async () => {
    const js = await request(buildApp()).get('/h5/js/app.3f9c2a1b.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(js.headers['content-length']).toBe('15');
    const css = await request(buildApp()).get('/h5/css/app.0a1b2c3d.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const png = await request(buildApp()).get('/h5/logo.png');
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['cache-control']).toBe(REVALIDATE_CACHE);
  });

  it('answers HEAD with the length and no body, and 304 to a fresh conditional request', async () => {
    const head = await request(buildApp()).head('/h5/js/app.3f9c2a1b.js');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('15');
    expect(head.text).toBeUndefined();
    const first = await request(buildApp()).get('/h5/index.html');
    const again = await request(buildApp())
      .get('/h5/index.html')
      .set('If-Modified-Since', String(first.headers['last-modified']));
    expect(again.status).toBe(304);
  });

  it('refuses paths that leave the folder, dot-files and symlinks pointing outside', async () => {
    for (const url of [
      '/h5/../outside.txt',
      '/h5/%2e%2e/outside.txt',
      '/h5/js/%2e%2e%2f%2e%2e%2foutside.txt',
      '/h5/.env',
      '/h5/escape.txt',
      '/h5/%00',
      '/h5/%E0%A4%A',
    ]) {
      const res = await request(buildApp()).get(url);
      expect(res.status, url).toBe(404);
      expect(res.text, url).not.toContain('PRIVATE-CONTENT');
      expect(res.text, url).not.toContain('SECRET');
    }
  });

  it('returns the JSON 404 for missing files, and falls back to index.html only when asked', async () => {
    const missing = await request(buildApp()).get('/h5/pages/member');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const fallback = await request(buildApp(true)).get('/h5/pages/member');
    expect(fallback.status).toBe(200);
    expect(fallback.text).toContain('商城');
    const missingAsset = await request(buildApp(true)).get('/h5/js/gone.12345678.js');
    expect(missingAsset.status).toBe(404);
  });

  it('leaves other methods and paths to the rest of the app', async () => {
    const post = await request(buildApp()).post('/h5/index.html');
    expect(post.status).toBe(404);
    const api = await request(buildApp()).get('/api/health');
    expect(api.status).toBe(200);
  });
});
