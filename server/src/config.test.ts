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
});
