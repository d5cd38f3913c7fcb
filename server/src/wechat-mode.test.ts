import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createSandbox, generateSandboxKeys } from './sandbox';
import { startServer, type RunningServer } from './server';
import { describeEachDatabase } from './testing/database';
import { liveEnv } from './testing/live-env';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-wechat-mode-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function logSink() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

/**
 * What the sandbox's login and "mark this order paid" endpoints answer: `no route` when they are not mounted (the
 * app's own 404), else the sandbox's WeChat-style answer (an unknown order is WeChat Pay's ORDER_NOT_EXIST).
 */
const sandboxAnswers = async (url: string) => {
  const answer = async (response: Response) => {
    const text = await response.text();
    return text.includes('No route for') ? `${response.status} no route` : `${response.status} ${text}`;
  };
  return [
    await answer(await fetch(`${url}/sandbox/sns/jscode2session?js_code=sandbox-eve`)),
    await answer(await fetch(`${url}/sandbox/pay/MO20260101000001/complete`, { method: 'POST' })),
  ];
};

describeEachDatabase('WeChat mode wiring', ({ database }) => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('live mode in production never mounts /sandbox', async () => {
    const sink = logSink();
    server = await startServer(loadConfig(liveEnv(tempDir())), { logger: sink.logger, database: database() });
    expect(server.wechat.mode).toBe('live');
    const health = (await fetch(`${server.url}/api/health`).then((r) => r.json())) as { wechatMode: string };
    expect(health.wechatMode).toBe('live');
    expect(await sandboxAnswers(server.url)).toEqual(['404 no route', '404 no route']);
    expect(sink.lines.some((line) => /sandbox/i.test(line.msg))).toBe(false);
    await server.close();
    server = undefined;
  });

  it('production with WECHAT_MODE=sandbox starts, mounts the sandbox and warns loudly', async () => {
    const sink = logSink();
    const config = loadConfig({
      NODE_ENV: 'production',
      WECHAT_MODE: 'sandbox',
      PORT: '0',
      DATA_DIR: tempDir(),
      JOBS_ENABLED: 'false',
    });
    server = await startServer(config, { logger: sink.logger, database: database() });
    expect(server.wechat.mode).toBe('sandbox');
    const [login, pay] = await sandboxAnswers(server.url);
    expect(login).toMatch(/^200 .*"errcode":40013/);
    expect(pay).toMatch(/^404 .*ORDER_NOT_EXIST/);
    const warnings = sink.lines.filter((line) => line.level === 40 && line.msg.includes('WECHAT_MODE=sandbox IN PRODUCTION'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('anyone can mark orders paid');
    await server.close();
    server = undefined;
  });

  it('development sandbox (the no-setup default) mounts the sandbox without the production warning', async () => {
    const sink = logSink();
    server = await startServer(loadConfig({ PORT: '0', DATA_DIR: tempDir(), JOBS_ENABLED: 'false' }), {
      logger: sink.logger,
      database: database(),
    });
    expect((await sandboxAnswers(server.url))[0]).toMatch(/^200 .*"errcode":40013/);
    expect(sink.lines.some((line) => line.msg.includes('IN PRODUCTION'))).toBe(false);
    await server.close();
    server = undefined;
  });
});

describe('createApp', () => {
  it('refuses to mount a sandbox router in live mode', async () => {
    const config = loadConfig(liveEnv(tempDir()));
    const sandbox = createSandbox({ keys: await generateSandboxKeys() });
    const database = { kind: 'pglite' as const, probe: async () => ({ ok: true, latencyMs: 0 }) };
    expect(() => createApp({ config, logger: createLogger('silent'), database, sandbox })).toThrow(/live mode/);
    expect(() => createApp({ config, logger: createLogger('silent'), database })).not.toThrow();
  });
});
