import Koa from 'koa';
import type Router from '@koa/router';
import cors from '@koa/cors';
import { bodyParser } from '@koa/bodyparser';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { ApiRouter } from './http/api-router';
import { bodyParseError, errorHandler, inflightTracker, requestContext, securityHeaders } from './http/middleware';
import { registerHealthRoutes, type DatabaseProbe } from './modules/health/health.routes';
import { buildOpenApiDocument } from './openapi/openapi';
import { DOCS_PAGE_CSP, DOCS_PAGE_HTML } from './openapi/docs-page';
import { staticSite, type StaticSiteOptions } from './http/static-site';
import { clientAddress } from './http/client-address';
import { publicAnswerCache } from './http/public-cache';

export const APP_VERSION = '0.1.0';

export interface AppDeps {
  config: Pick<AppConfig, 'bodyLimitKb' | 'corsOrigins' | 'trustedProxies' | 'wechat'> & Partial<Pick<AppConfig, 'catalogCache'>>;
  /** The clock the public answers' micro-cache measures its TTL with (the server's clock). */
  clock?: () => Date;
  logger: Logger;
  database: DatabaseProbe;
  /** The local WeChat stand-in, mounted under /sandbox in sandbox mode (and refused in live mode). */
  sandbox?: Router;
  /** Feature routers (each module registers its routes on an ApiRouter with prefix /api). */
  registerRoutes?: (api: ApiRouter) => void;
  /** Built single-page apps served beside the API (the h5 shop under /h5). */
  staticSites?: StaticSiteOptions[];
}

export interface App {
  koa: Koa;
  api: ApiRouter;
  /** Resolves when no request is in flight. */
  idle: () => Promise<void>;
  inflight: () => number;
}

/** Builds the Koa application; no port is opened here (tests call `app.koa.callback()`). */
export function createApp(deps: AppDeps): App {
  if (deps.sandbox && deps.config.wechat.mode !== 'sandbox') {
    throw new Error('the WeChat sandbox cannot be mounted in live mode: it would let anyone mark orders paid');
  }
  // Forwarding headers are read by clientAddress, and only from TRUSTED_PROXIES; Koa itself believes none.
  const koa = new Koa({ proxy: false });
  koa.silent = true;
  const tracker = inflightTracker();
  const api = new ApiRouter('/api', {
    publicAnswers: publicAnswerCache({
      ttlMs: deps.config.catalogCache?.ttlMs ?? 0,
      maxEntries: deps.config.catalogCache?.maxEntries ?? 1,
      clock: deps.clock ?? (() => new Date()),
    }),
  });

  registerHealthRoutes(api, {
    version: APP_VERSION,
    startedAt: new Date(),
    wechatMode: deps.config.wechat.mode,
    database: deps.database,
  });
  deps.registerRoutes?.(api);

  const openApiRouters = [api];
  api.router.get('/openapi.json', (ctx) => {
    ctx.body = buildOpenApiDocument(openApiRouters, { version: APP_VERSION });
  });
  api.router.get('/docs', (ctx) => {
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', DOCS_PAGE_CSP);
    ctx.body = DOCS_PAGE_HTML;
  });

  const allowedOrigins = new Set(deps.config.corsOrigins);
  koa.use(tracker.middleware);
  koa.use(clientAddress(deps.config.trustedProxies));
  koa.use(requestContext(deps.logger));
  koa.use(errorHandler());
  koa.use(securityHeaders());
  koa.use(
    cors({
      origin: (ctx) => {
        const origin = ctx.get('origin');
        return allowedOrigins.has(origin) ? origin : '';
      },
      credentials: false,
      maxAge: 600,
    }),
  );
  koa.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: `${deps.config.bodyLimitKb}kb`,
      formLimit: `${deps.config.bodyLimitKb}kb`,
      encoding: 'utf-8',
      onError: (err) => {
        throw bodyParseError(err);
      },
    }),
  );
  if (deps.sandbox) koa.use(deps.sandbox.routes());
  for (const site of deps.staticSites ?? []) koa.use(staticSite(site));
  koa.use(api.routes());
  koa.use(api.allowedMethods());

  return { koa, api, idle: tracker.idle, inflight: tracker.count };
}
