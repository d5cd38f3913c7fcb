import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type App } from './app';
import { CONSOLE_CSP, H5_CSP } from './http/static-site';
import type { AppConfig } from './config';
import { ensureEventPartitions, migrate, openDatabase, pingDatabase, type Database } from './db';
import { createLogger, type Logger } from './logger';
import type { ApiRouter } from './http/api-router';
import { SHOP_JOBS, startScheduler, type ScheduledJob } from './jobs';
import { registerModules } from './modules';
import { setupWechat, type WechatSetup } from './wechat-setup';

/** What feature modules get to do their work. */
export interface ServerContext {
  config: AppConfig;
  logger: Logger;
  database: Database;
  wechat: WechatSetup;
  /** The server's clock; tests pass a controllable one. */
  clock: () => Date;
  /** The address this server is reached at (notification URLs are built from it). */
  baseUrl: string;
}

export interface RunningServer extends ServerContext {
  url: string;
  app: App;
  http: Server;
  /** Stops accepting, lets requests in flight finish (up to the grace period), stops jobs, closes the database. */
  close: () => Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** An already open (and migrated) database; otherwise one is opened from the config and migrated. */
  database?: Database;
  /** Hooks run on close before the database is closed (jobs, workers). */
  onClose?: (() => Promise<void>)[];
  /** Which feature routes to mount; all modules unless given (tests mount what they exercise). */
  registerRoutes?: (api: ApiRouter, context: ServerContext) => void;
  clock?: () => Date;
  /**
   * Work before the first request is served (demo data, front-end builds), after the migrations; meanwhile the
   * port answers 503 with Retry-After.
   */
  beforeServing?: (database: Database, url: string) => Promise<void>;
  /**
   * Migrate and add this month's event partitions before serving (default true). A cluster worker says false: its
   * primary did that once before forking (see cluster.ts).
   */
  prepareDatabase?: boolean;
  /** Scheduled jobs; SHOP_JOBS unless given. None run when JOBS_ENABLED=false. */
  jobs?: readonly ScheduledJob[];
}

/**
 * Migrations (when `migrate`) and the monthly event partitions for this month and the next two (the monthly job keeps
 * extending them). Both may take long (index builds, waiting for another instance's migration): job limits.
 */
export async function prepareDatabase(database: Database, options: { migrate: boolean; logger: Logger }): Promise<void> {
  if (options.migrate) {
    const result = await migrate(database.forJobs);
    options.logger.info({ kind: database.kind, migration: result }, 'database ready');
  }
  await ensureEventPartitions(database.forJobs.db, { from: new Date(), months: 3 });
}

/** Seconds a client is told to wait while the server is still starting. */
export const STARTING_RETRY_AFTER_SECONDS = 5;

/**
 * The answer to every request until the app is ready: 503 with Retry-After, at once, and the connection closed,
 * so a health probe or a shopper never waits on a server that is migrating, seeding or building.
 */
function answerStarting(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Retry-After': String(STARTING_RETRY_AFTER_SECONDS),
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  response.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: '服务正在启动，请稍后重试' } }));
}

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Listen first and answer 503 until ready: the sandbox's base URL (and so the adapters') needs the real port
  // when PORT=0, and nothing that takes time below may hold a connection unanswered.
  const http = createServer({ keepAliveTimeout: 5000 });
  let serve: (request: IncomingMessage, response: ServerResponse) => void = answerStarting;
  http.on('request', (request: IncomingMessage, response: ServerResponse) => serve(request, response));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const ownsDatabase = options.database === undefined;
  let opened: Database | undefined = options.database;
  try {
    const database = (opened ??= await openDatabase(config.database));
    if (options.prepareDatabase ?? true) await prepareDatabase(database, { migrate: ownsDatabase, logger });
    await options.beforeServing?.(database, url);
    const wechat = await setupWechat(config, url, logger);
    const context: ServerContext = {
      config,
      logger,
      database,
      wechat,
      clock: options.clock ?? (() => new Date()),
      baseUrl: config.publicBaseUrl ?? url,
    };
    const registerRoutes = options.registerRoutes ?? registerModules;
    const app = createApp({
      config,
      logger,
      clock: context.clock,
      database: { kind: database.kind, probe: () => pingDatabase(database) },
      ...(wechat.sandbox ? { sandbox: wechat.sandbox } : {}),
      registerRoutes: (api) => registerRoutes(api, context),
      staticSites: [
        ...(existsSync(config.h5Dir) ? [{ prefix: '/h5', dir: config.h5Dir, contentSecurityPolicy: H5_CSP }] : []),
        ...(existsSync(config.consoleDir)
          ? [{ prefix: '/console', dir: config.consoleDir, spaFallback: true, contentSecurityPolicy: CONSOLE_CSP }]
          : []),
      ],
    });
    serve = app.koa.callback();
    const scheduler = config.jobsEnabled ? startScheduler(context, options.jobs ?? SHOP_JOBS) : undefined;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        logger.info('shutting down');
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const drained = await Promise.race([
          app.idle().then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), config.shutdownGraceMs).unref()),
        ]);
        if (!drained) logger.warn({ inflight: app.inflight() }, 'grace period over; closing remaining connections');
        http.closeAllConnections();
        await stopped;
        await scheduler?.stop();
        for (const hook of options.onClose ?? []) await hook();
        if (ownsDatabase) await database.close();
        logger.info('stopped');
      })());

    logger.info({ url, wechatMode: wechat.mode, database: database.kind }, 'listening');
    return { ...context, url, app, http, close };
  } catch (err) {
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    if (ownsDatabase) await opened?.close().catch(() => undefined);
    throw err;
  }
}
