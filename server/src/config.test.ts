import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to reject');
};

describe('loadConfig', () => {
  it('gives working defaults on an empty environment: sandbox WeChat, embedded database', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.wechat.mode).toBe('sandbox');
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toMatch(/\.data[/\\]pglite$/);
    expect(config.corsOrigins).toEqual([]);
  });

  it('parses typed values', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@localhost:5432/db',
      CORS_ORIGINS: 'http://a.test, http://b.test',
      JOBS_ENABLED: 'false',
    });
    expect(config.port).toBe(8080);
    expect(config.database.url).toBe('postgres://u@localhost:5432/db');
    expect(config.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
    expect(config.jobsEnabled).toBe(false);
  });

  it('bounds every database wait by default: short for requests, long but finite for jobs', () => {
    const config = loadConfig({});
    expect(config.database.timeouts).toEqual({
      connectMs: 5000,
      acquireMs: 5000,
      statementMs: 5000,
      lockMs: 3000,
      idleInTransactionMs: 30_000,
    });
    expect(config.database.jobs.timeouts).toEqual({
      connectMs: 5000,
      acquireMs: 60_000,
      statementMs: 3_600_000,
      lockMs: 300_000,
      idleInTransactionMs: 600_000,
    });
    expect(config.segmentPreviewTimeoutMs).toBe(5000);
  });

  it('keeps the preview timeout within the request statement timeout and refuses a zero or non-numeric limit', () => {
    const config = loadConfig({ DB_STATEMENT_TIMEOUT_MS: '2000', SEGMENT_PREVIEW_TIMEOUT_MS: '8000' });
    expect(config.segmentPreviewTimeoutMs).toBe(2000);
    const problems = problemsOf({ DB_STATEMENT_TIMEOUT_MS: '0', DB_POOL_ACQUIRE_TIMEOUT_MS: 'soon' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['DB_POOL_ACQUIRE_TIMEOUT_MS', 'DB_STATEMENT_TIMEOUT_MS']);
  });

  it('bounds every call to WeChat: 5 s to connect and 10 s in all by default, the connect limit within the total', () => {
    expect(loadConfig({}).wechat.timeouts).toEqual({ connectMs: 5000, totalMs: 10_000 });
    expect(loadConfig({ WECHAT_CONNECT_TIMEOUT_MS: '8000', WECHAT_TIMEOUT_MS: '3000' }).wechat.timeouts).toEqual({
      connectMs: 3000,
      totalMs: 3000,
    });
    const problems = problemsOf({ WECHAT_CONNECT_TIMEOUT_MS: '0', WECHAT_TIMEOUT_MS: 'forever' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['WECHAT_CONNECT_TIMEOUT_MS', 'WECHAT_TIMEOUT_MS']);
  });

  it('names each bad variable with the reason', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', JOBS_ENABLED: 'maybe' });
    const variables = problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'JOBS_ENABLED', 'LOG_LEVEL', 'PORT']);
    expect(problems.find((p) => p.variable === 'DATABASE_URL')?.message).toMatch(/postgres:\/\//);
  });

  it('rejects an out-of-range port and a wrong-length APIv3 key', () => {
    const problems = problemsOf({ PORT: '70000', WECHAT_PAY_APIV3_KEY: 'short' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['PORT', 'WECHAT_PAY_APIV3_KEY']);
  });

  it('switches to live mode when an app secret is set and then requires every live credential', () => {
    const problems = problemsOf({ WECHAT_APP_SECRET: 'secret' });
    const variables = problems.map((p) => p.variable);
    expect(variables).toContain('WECHAT_PAY_MCH_ID');
    expect(variables).toContain('WECHAT_APP_ID');
    expect(variables).toContain('PHONE_ENCRYPTION_KEY');
    expect(variables).not.toContain('WECHAT_APP_SECRET');
  });

  it('the error message lists every problem on its own line', () => {
    expect(() => loadConfig({ PORT: '-1', LOG_LEVEL: 'x' })).toThrow(/PORT: .*\n.*LOG_LEVEL: /s);
  });

  it('rejects a phone key that is not 32 bytes', () => {
    const problems = problemsOf({ PHONE_HASH_KEY: Buffer.alloc(16).toString('base64') });
    expect(problems).toEqual([{ variable: 'PHONE_HASH_KEY', message: 'must be 32 bytes encoded as base64' }]);
  });

  it('trusts no proxy by default and parses TRUSTED_PROXIES as IPs and CIDR ranges, IPv4 and IPv6', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).trustedProxies).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
  });

  it('names each TRUSTED_PROXIES entry that is not an IP or a CIDR range', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', '300.1.1.1', '10.0.0.0/-1', '10.0.0.0/']) {
      const problems = problemsOf({ TRUSTED_PROXIES: `127.0.0.1,${bad}` });
      expect(problems, bad).toHaveLength(1);
      expect(problems[0]?.variable).toBe('TRUSTED_PROXIES');
      expect(problems[0]?.message).toContain(`"${bad}"`);
    }
  });

  it('refuses production without live credentials unless WECHAT_MODE=sandbox is set, in one line naming what is missing', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe('WECHAT_MODE');
    expect(problems[0]?.message).not.toContain('\n');
    for (const missing of ['WECHAT_APP_SECRET', 'WECHAT_PAY_MCH_ID', 'WECHAT_PAY_APIV3_KEY', 'PHONE_HASH_KEY']) {
      expect(problems[0]?.message).toContain(missing);
    }
    expect(problems[0]?.message).toContain('WECHAT_MODE=sandbox');
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid configuration: WECHAT_MODE: NODE_ENV=production [^\n]+$/,
    );
    // Some credentials but no app secret is still not live: the ones still missing are named, the set ones are not.
    const partial = problemsOf({ NODE_ENV: 'production', WECHAT_PAY_MCH_ID: '1900000109' });
    expect(partial).toHaveLength(1);
    expect(partial[0]?.message).not.toContain('WECHAT_PAY_MCH_ID');
    expect(partial[0]?.message).toContain('WECHAT_APP_SECRET');

    expect(loadConfig({ NODE_ENV: 'production', WECHAT_MODE: 'sandbox' }).wechat.mode).toBe('sandbox');
    // An app secret in production means live, and live needs every credential.
    expect(problemsOf({ NODE_ENV: 'production', WECHAT_APP_SECRET: 'secret' }).map((p) => p.variable)).toContain(
      'WECHAT_PAY_MCH_ID',
    );
    // Outside production the sandbox stays the no-setup default.
    expect(loadConfig({ NODE_ENV: 'development' }).wechat.mode).toBe('sandbox');
    expect(loadConfig({ NODE_ENV: 'test' }).wechat.mode).toBe('sandbox');
  });

  it('runs one process with the usual pools and a 1 s catalogue cache by default', () => {
    const config = loadConfig({});
    expect(config.webConcurrency).toBe(1);
    expect(config.database.poolSize).toBe(10);
    expect(config.database.jobs.poolSize).toBe(4);
    expect(config.catalogCache).toEqual({ ttlMs: 1000, maxEntries: 1000 });
    expect(loadConfig({ CATALOG_CACHE_MS: '0' }).catalogCache.ttlMs).toBe(0);
  });

  it('refuses a WEB_CONCURRENCY that is not a whole number of processes, in one line', () => {
    for (const value of ['two', '0', '1.5', '-1', '65']) {
      const problems = problemsOf({ WEB_CONCURRENCY: value, DATABASE_URL: 'postgres://u@h/db', ...liveCredentials() });
      expect(
        problems.map((p) => p.variable),
        value,
      ).toEqual(['WEB_CONCURRENCY']);
    }
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).toThrow(/^Invalid configuration: WEB_CONCURRENCY: must be at least 1/);
  });

  it('runs several processes only on a PostgreSQL server and with live WeChat', () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: '2' })).toThrow(
      /^Invalid configuration: WEB_CONCURRENCY: 2 processes need DATABASE_URL: the embedded PGlite database can only be opened by one process$/,
    );
    expect(() => loadConfig({ WEB_CONCURRENCY: '2', WECHAT_MODE: 'live', ...liveCredentials() })).toThrow(
      /^Invalid configuration: WEB_CONCURRENCY: 2 processes need DATABASE_URL: the embedded PGlite database can only be opened by one process$/,
    );
    expect(() => loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://u@h/db' })).toThrow(
      /WEB_CONCURRENCY: 2 processes need WECHAT_MODE=live: the WeChat sandbox keeps its logins and payments in one process's memory/,
    );
    const config = loadConfig({ WEB_CONCURRENCY: '4', DATABASE_URL: 'postgres://u@h/db', ...liveCredentials() });
    expect(config.webConcurrency).toBe(4);
  });
});

function liveCredentials(): Record<string, string> {
  return {
    WECHAT_APP_ID: 'wx0123456789abcdef',
    WECHAT_APP_SECRET: 'secret',
    WECHAT_PAY_MCH_ID: '1900000109',
    WECHAT_PAY_SERIAL: 'SERIAL',
    WECHAT_PAY_PRIVATE_KEY_FILE: '/keys/merchant.pem',
    WECHAT_PAY_APIV3_KEY: 'a'.repeat(32),
    WECHAT_PAY_PLATFORM_CERT_FILE: '/keys/platform.pem',
    WECHAT_PAY_PLATFORM_SERIAL: 'PLATFORM',
    PUBLIC_BASE_URL: 'https://shop.example.com',
    PHONE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    PHONE_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
  };
}
