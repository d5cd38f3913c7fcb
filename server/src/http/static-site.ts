import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

/** A built single-page app (the h5 shop, the console) served under a path prefix. */
export interface StaticSiteOptions {
  /** URL prefix without a trailing slash, e.g. `/h5`. */
  prefix: string;
  /** The build output folder (must hold index.html). */
  dir: string;
  /** Serve index.html for extension-less paths that match no file (history-mode routers). */
  spaFallback?: boolean;
  /** Content-Security-Policy sent with every file of the site. */
  contentSecurityPolicy?: string;
}

/**
 * The console (a Vite build: scripts only from its own files; antd writes its styles into <style> elements at
 * run time, hence 'unsafe-inline' for styles but never for scripts).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The h5 shop: Taro's build puts an inline bootstrap script into index.html and product images may come from a
 * CDN, so only what cannot break the page is locked: no plugins, no foreign <base>, no framing, forms to itself.
 */
export const H5_CSP = ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Bundler output names carry a content hash (`app.3f9c2a1b.js`); such a file never changes under its name. */
const HASHED_NAME = /[.-][0-9a-f]{8,}\.[a-z0-9]+$/i;

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const REVALIDATE_CACHE = 'no-cache';

/** Maps a URL path below the prefix to a file inside `root`, or undefined when it would leave the folder. */
function resolveInside(root: string, relativeUrlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativeUrlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..' || segment.startsWith('.'))) return undefined;
  const file = path.join(root, ...segments);
  return file === root || file.startsWith(`${root}${path.sep}`) ? file : undefined;
}

async function regularFile(file: string, root: string): Promise<{ file: string; size: number; mtime: Date } | undefined> {
  try {
    // Follow symlinks only when they stay inside the site folder.
    const real = await realpath(file);
    if (!real.startsWith(`${root}${path.sep}`)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { file: real, size: info.size, mtime: info.mtime } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the files of `dir` under `prefix` (GET and HEAD). `/prefix` redirects to `/prefix/` so relative asset
 * URLs resolve; `/prefix/` is index.html. Hashed assets are cached for a year, everything else revalidates.
 * Paths that try to leave the folder, dot-files and missing files fall through to the 404 of the error handler.
 */
export function staticSite(options: StaticSiteOptions): Middleware {
  const prefix = options.prefix.replace(/\/+$/, '');
  let rootPromise: Promise<string> | undefined;
  const root = () => (rootPromise ??= realpath(path.resolve(options.dir)));

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === prefix) {
      ctx.status = 301;
      ctx.redirect(`${prefix}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    if (!ctx.path.startsWith(`${prefix}/`)) return next();

    const siteRoot = await root();
    const relative = ctx.path.slice(prefix.length + 1) || 'index.html';
    const candidate = resolveInside(siteRoot, relative);
    let found = candidate === undefined ? undefined : await regularFile(candidate, siteRoot);
    if (!found && candidate !== undefined && options.spaFallback && path.extname(candidate) === '') {
      found = await regularFile(path.join(siteRoot, 'index.html'), siteRoot);
    }
    if (!found) return next();

    const extension = path.extname(found.file).toLowerCase();
    if (options.contentSecurityPolicy) ctx.set('Content-Security-Policy', options.contentSecurityPolicy);
    ctx.set('Cache-Control', HASHED_NAME.test(path.basename(found.file)) ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
    ctx.lastModified = found.mtime;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = CONTENT_TYPES[extension] ?? 'application/octet-stream';
    // Koa answers HEAD without a body; the length still tells the client what GET would send.
    if (ctx.method === 'GET') ctx.body = createReadStream(found.file);
    ctx.length = found.size;
  };
}
