import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startServer, type RunningServer } from './server';
import { describeEachDatabase } from './testing/database';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-server-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const silent = createLogger('silent');

describeEachDatabase('running server', ({ database }) => {
  let server: RunningServer;

  it('starts on a free port, reports a reachable database and serves the API docs', async () => {
    server = await startServer(loadConfig({ PORT: '0', DATA_DIR: tempDir() }), { logger: silent, database: database() });
    const health = await fetch(`${server.url}/api/health`).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', wechatMode: 'sandbox', database: { ok: true, kind: database().kind } });
    const text = await fetch(`${server.url}/api/openapi.json`).then((r) => r.text());
    const doc = JSON.parse(text) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toContain('/api/health');
    // Every module's contracts resolve: no dangling references, no per-operation $defs.
    expect(text).not.toContain('$defs');
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, `schema ${name}`).toHaveProperty([name as string]);
    }
  });

  it('logs a shopper in through the real adapter against the mounted sandbox', async () => {
    const session = await server.wechat.wechat.code2Session('sandbox-alice');
    expect(session.openId).toBe('o_sandbox_alice');
    await expect(server.wechat.wechat.code2Session('not-a-code')).rejects.toMatchObject({ errcode: 40029 });
  });

  it('stops accepting connections on close and leaves the borrowed database open', async () => {
    await server.close();
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    const rows = await database().db.execute('select 1 as one');
    expect(rows).toBeDefined();
  });
});

describe('server on its own embedded database', () => {
  it('migrates a new data folder on first start and reuses it on the next', async () => {
    const dir = tempDir();
    const config = loadConfig({ PORT: '0', DATA_DIR: dir });
    const first = await startServer(config, { logger: silent });
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    await first.close();
    const second = await startServer(config, { logger: silent });
    const body = (await fetch(`${second.url}/api/health`).then((r) => r.json())) as { database: { kind: string } };
    expect(body.database.kind).toBe('pglite');
    await second.close();
  });

  it('lets a request in flight finish during shutdown', async () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: tempDir(), SHUTDOWN_GRACE_MS: '5000' });
    const server = await startServer(config, { logger: silent });
    // The sandbox holds a payment notification until the notify URL answers; a slow health check is simpler:
    // start many requests, close at once, and expect every started request to get its answer.
    const inFlight = Array.from({ length: 20 }, () => fetch(`${server.url}/api/health`).then((r) => r.status));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = server.close();
    const statuses = await Promise.allSettled(inFlight);
    await closed;
    const answered = statuses.filter((s) => s.status === 'fulfilled');
    expect(answered.length).toBeGreaterThan(0);
    for (const s of answered) expect(s.value).toBe(200);
  });
});
