import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  it('lets a request in flight finish during shutdown and refuses new connections meanwhile', async () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: tempDir(), SHUTDOWN_GRACE_MS: '5000' });
    const server = await startServer(config, { logger: silent });
    // Send the headers of a staff sign-in and hold back the body: the request is then inside the app, waiting for it.
    // (A shopper login would call the sandbox WeChat on this same, closing, server.)
    const body = JSON.stringify({ username: 'nobody', password: 'not-the-password' });
    const { port } = new URL(server.url);
    const request = httpRequest({
      host: '127.0.0.1',
      port: Number(port),
      method: 'POST',
      path: '/api/staff/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      });
      request.on('error', reject);
    });
    request.flushHeaders();
    request.write(body.slice(0, 5));
    await vi.waitFor(() => expect(server.app.inflight()).toBe(1), { timeout: 5000, interval: 5 });

    const closed = server.close();
    let closeDone = false;
    void closed.then(() => (closeDone = true));
    // The listener is closed at once: a new connection is refused while the held request is still open.
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    expect(closeDone).toBe(false);

    request.end(body.slice(5));
    const answered = await answer;
    // The app read the whole body and judged it: an unknown account, answered in full.
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.body)).toMatchObject({ error: expect.any(Object) });
    await closed;
    expect(server.app.inflight()).toBe(0);
  });
});
