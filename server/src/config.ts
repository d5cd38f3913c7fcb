import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { DatabaseTimeouts } from './db/database';
import { parseAddressRange } from './http/client-address';

/**
 * The one place that reads the environment. Everything else receives a typed `AppConfig`.
 * A bad value stops the process at start with a message naming the variable and the reason.
 */
const booleanish = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list, blanks dropped; unset is empty. */
const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const base64Key32 = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64');

/** What live mode cannot run without. */
const LIVE_REQUIRED = [
  'WECHAT_APP_SECRET',
  'WECHAT_PAY_MCH_ID',
  'WECHAT_PAY_SERIAL',
  'WECHAT_PAY_PRIVATE_KEY_FILE',
  'WECHAT_PAY_APIV3_KEY',
  'WECHAT_PAY_PLATFORM_CERT_FILE',
  'WECHAT_PAY_PLATFORM_SERIAL',
  'PUBLIC_BASE_URL',
  'PHONE_ENCRYPTION_KEY',
  'PHONE_HASH_KEY',
] as const;

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: z.url().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
    DB_POOL_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
    DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(3000),
    DB_IDLE_IN_TX_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
    DB_JOB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(86_400_000).default(3_600_000),
    DB_JOB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(300_000),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
    DB_JOB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(4),
    WEB_CONCURRENCY: z.coerce
      .number()
      .int('must be a whole number of server processes')
      .min(1, 'must be at least 1 (one server process)')
      .max(64, 'must be at most 64 server processes')
      .default(1),
    CATALOG_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    CATALOG_CACHE_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(1000),
    SEGMENT_PREVIEW_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
    BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(256),
    CORS_ORIGINS: commaList,
    TRUSTED_PROXIES: commaList.superRefine((ranges, ctx) => {
      for (const range of ranges) {
        if (!parseAddressRange(range)) {
          ctx.addIssue({ code: 'custom', message: `"${range}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)` });
        }
      }
    }),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    JOBS_ENABLED: booleanish.default(true),
    CAMPAIGN_SENDS_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(2000),
    ALLOW_CROSS_STORE_REDEMPTION: booleanish.default(false),
    WECHAT_MODE: z.enum(['sandbox', 'live']).optional(),
    WECHAT_APP_ID: z.string().min(1).default('wx_sandbox_app'),
    WECHAT_APP_SECRET: z.string().min(1).optional(),
    WECHAT_API_BASE: z.url().optional(),
    WECHAT_PAY_MCH_ID: z.string().min(1).optional(),
    WECHAT_PAY_SERIAL: z.string().min(1).optional(),
    WECHAT_PAY_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    WECHAT_PAY_APIV3_KEY: z.string().length(32, 'must be the 32-character APIv3 key').optional(),
    WECHAT_PAY_PLATFORM_CERT_FILE: z.string().min(1).optional(),
    WECHAT_PAY_PLATFORM_SERIAL: z.string().min(1).optional(),
    WECHAT_PAY_BASE: z.url().optional(),
    WECHAT_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
    WECHAT_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(10_000),
    PHONE_ENCRYPTION_KEY: base64Key32.optional(),
    PHONE_HASH_KEY: base64Key32.optional(),
    H5_DIR: z.string().min(1).optional(),
    CONSOLE_DIR: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.WEB_CONCURRENCY > 1) {
      if (env.DATABASE_URL === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['WEB_CONCURRENCY'],
          message: `${env.WEB_CONCURRENCY} processes need DATABASE_URL: the embedded PGlite database can only be opened by one process`,
        });
      } else if (env.WECHAT_MODE === 'sandbox' || (env.WECHAT_MODE === undefined && env.WECHAT_APP_SECRET === undefined)) {
        // One reason at a time (PGlite first), so the refusal stays one line.
        ctx.addIssue({
          code: 'custom',
          path: ['WEB_CONCURRENCY'],
          message: `${env.WEB_CONCURRENCY} processes need WECHAT_MODE=live: the WeChat sandbox keeps its logins and payments in one process's memory`,
        });
      }
    }
    const live = env.WECHAT_MODE === 'live' || (env.WECHAT_MODE === undefined && env.WECHAT_APP_SECRET !== undefined);
    if (!live) {
      // In production the sandbox lets anyone mark orders paid: it runs only when asked for by name.
      if (env.NODE_ENV === 'production' && env.WECHAT_MODE === undefined) {
        const missing = LIVE_REQUIRED.filter((key) => env[key] === undefined);
        ctx.addIssue({
          code: 'custom',
          path: ['WECHAT_MODE'],
          message:
            `NODE_ENV=production needs live WeChat credentials (missing: ${missing.join(', ')}); ` +
            'set them, or set WECHAT_MODE=sandbox to run the sandbox on purpose',
        });
      }
      return;
    }
    for (const key of LIVE_REQUIRED) {
      if (env[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when WECHAT_MODE=live' });
    }
    if (env.WECHAT_APP_ID === 'wx_sandbox_app') {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_APP_ID'], message: 'must be the real AppID when WECHAT_MODE=live' });
    }
  });

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Where WeChat reaches this server (notification URLs); defaults to the listen address. */
  publicBaseUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: {
    url: string | undefined;
    dataDir: string;
    /** Limits of the connections that serve requests: short, so a stuck database answers 503, not a hang. */
    timeouts: DatabaseTimeouts;
    /** Connections of the request pool, per server process (PostgreSQL only). */
    poolSize: number;
    /** Limits and connections of the jobs' pool (segment refresh, CLV refit, imports): long, but still bounded. */
    jobs: { timeouts: DatabaseTimeouts; poolSize: number };
  };
  /** Server processes sharing the port (node:cluster); 1 runs the server in this process. */
  webConcurrency: number;
  /**
   * The in-process micro-cache of the public catalogue's answers (per process): an answer is reused for up to `ttlMs`
   * after its query started, so a shopper may see sold counts and stock up to that old; 0 turns it off.
   */
  catalogCache: { ttlMs: number; maxEntries: number };
  /** Statement timeout of segment and campaign previews (never longer than the request statement timeout). */
  segmentPreviewTimeoutMs: number;
  dataDir: string;
  bodyLimitKb: number;
  corsOrigins: string[];
  /** Proxies (IPs and CIDR ranges) whose X-Forwarded-For / X-Real-IP are believed; none by default. */
  trustedProxies: string[];
  shutdownGraceMs: number;
  jobsEnabled: boolean;
  /** Upper bound on campaign subscribe-message sends per second, per server instance. */
  campaignSendsPerSecond: number;
  /** Store staff may redeem (核销) coupons of members of other stores; off by default, like member lookups. */
  allowCrossStoreRedemption: boolean;
  wechat: {
    mode: 'sandbox' | 'live';
    appId: string;
    appSecret: string | undefined;
    apiBase: string | undefined;
    /** Limits of every call to WeChat and WeChat Pay: the connection (TLS included), and the whole answer. */
    timeouts: { connectMs: number; totalMs: number };
    pay: {
      mchId: string | undefined;
      serial: string | undefined;
      privateKeyFile: string | undefined;
      apiV3Key: string | undefined;
      platformCertFile: string | undefined;
      /** Serial (or WeChat Pay public-key id) that signs notifications with the key in platformCertFile. */
      platformSerial: string | undefined;
      base: string | undefined;
    };
  };
  phoneEncryptionKey: string | undefined;
  phoneHashKey: string | undefined;
  /** The built h5 shop (`npm run build:h5`), served under /h5 when the folder exists. */
  h5Dir: string;
  /** The built web console (server/console/dist), served at /console when it exists. */
  consoleDir: string;
}

export const DEFAULT_H5_DIR = fileURLToPath(new URL('../../miniapp/dist/h5', import.meta.url));
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../console/dist', import.meta.url));

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    // One problem reads as one line; several get a line each.
    const [only] = problems;
    super(
      problems.length === 1 && only
        ? `Invalid configuration: ${only.variable}: ${only.message}`
        : `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
  }
}

/** Parses the environment; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message })),
    );
  }
  const e = parsed.data;
  const mode = e.WECHAT_MODE ?? (e.WECHAT_APP_SECRET ? 'live' : 'sandbox');
  const dataDir = path.resolve(e.DATA_DIR);
  const requestTimeouts: DatabaseTimeouts = {
    connectMs: e.DB_CONNECT_TIMEOUT_MS,
    acquireMs: e.DB_POOL_ACQUIRE_TIMEOUT_MS,
    statementMs: e.DB_STATEMENT_TIMEOUT_MS,
    lockMs: e.DB_LOCK_TIMEOUT_MS,
    idleInTransactionMs: e.DB_IDLE_IN_TX_TIMEOUT_MS,
  };
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      dataDir: path.join(dataDir, 'pglite'),
      timeouts: requestTimeouts,
      poolSize: e.DB_POOL_SIZE,
      jobs: {
        poolSize: e.DB_JOB_POOL_SIZE,
        timeouts: {
          ...requestTimeouts,
          // A job may wait its turn for a connection or a lock behind other jobs, and spends time in Node between
          // statements (the CLV fit) inside a transaction.
          acquireMs: Math.max(requestTimeouts.acquireMs, 60_000),
          statementMs: e.DB_JOB_STATEMENT_TIMEOUT_MS,
          lockMs: e.DB_JOB_LOCK_TIMEOUT_MS,
          idleInTransactionMs: Math.max(requestTimeouts.idleInTransactionMs, 600_000),
        },
      },
    },
    webConcurrency: e.WEB_CONCURRENCY,
    catalogCache: { ttlMs: e.CATALOG_CACHE_MS, maxEntries: e.CATALOG_CACHE_ENTRIES },
    segmentPreviewTimeoutMs: Math.min(e.SEGMENT_PREVIEW_TIMEOUT_MS, e.DB_STATEMENT_TIMEOUT_MS),
    dataDir,
    bodyLimitKb: e.BODY_LIMIT_KB,
    corsOrigins: e.CORS_ORIGINS,
    trustedProxies: e.TRUSTED_PROXIES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    jobsEnabled: e.JOBS_ENABLED,
    campaignSendsPerSecond: e.CAMPAIGN_SENDS_PER_SECOND,
    allowCrossStoreRedemption: e.ALLOW_CROSS_STORE_REDEMPTION,
    wechat: {
      mode,
      appId: e.WECHAT_APP_ID,
      appSecret: e.WECHAT_APP_SECRET,
      apiBase: e.WECHAT_API_BASE,
      // The connection is part of the whole call, so its limit never exceeds the total.
      timeouts: { connectMs: Math.min(e.WECHAT_CONNECT_TIMEOUT_MS, e.WECHAT_TIMEOUT_MS), totalMs: e.WECHAT_TIMEOUT_MS },
      pay: {
        mchId: e.WECHAT_PAY_MCH_ID,
        serial: e.WECHAT_PAY_SERIAL,
        privateKeyFile: e.WECHAT_PAY_PRIVATE_KEY_FILE,
        apiV3Key: e.WECHAT_PAY_APIV3_KEY,
        platformCertFile: e.WECHAT_PAY_PLATFORM_CERT_FILE,
        platformSerial: e.WECHAT_PAY_PLATFORM_SERIAL,
        base: e.WECHAT_PAY_BASE,
      },
    },
    phoneEncryptionKey: e.PHONE_ENCRYPTION_KEY,
    phoneHashKey: e.PHONE_HASH_KEY,
    h5Dir: path.resolve(e.H5_DIR ?? DEFAULT_H5_DIR),
    consoleDir: path.resolve(e.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR),
  };
}
