import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { AppError } from '../errors';
import { createLogger } from '../logger';

function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

type Probe = () => Promise<{ ok: boolean; latencyMs: number | null; error?: string }>;

function buildApp(ping: Probe = async () => ({ ok: true, latencyMs: 0.1 })) {
  const sink = logSink();
  const config = { ...loadConfig({ BODY_LIMIT_KB: '1', CORS_ORIGINS: 'http://console.test' }) };
  const app = createApp({
    config,
    logger: sink.logger,
    database: { kind: 'pglite', probe: ping },
    registerRoutes: (api) => {
      api.add({
        method: 'post',
        path: '/echo/:id',
        summary: 'echo',
        tags: ['test'],
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.object({ name: z.string().min(1).max(10), quantity: z.number().int().min(1) }),
        response: z.object({ id: z.number(), name: z.string() }),
        handler: ({ params, body }) => ({ id: params.id, name: body.name }),
      });
      api.add({
        method: 'get',
        path: '/conflict',
        summary: 'conflict',
        tags: ['test'],
        response: z.object({}),
        handler: () => {
          throw new AppError('CONFLICT', 'Coupon already used');
        },
      });
      api.add({
        method: 'get',
        path: '/boom',
        summary: 'boom',
        tags: ['test'],
        response: z.object({}),
        handler: () => {
          throw new Error('password=hunter2 leaked internals');
        },
      });
    },
  });
  return { app, sink };
}

describe('error middleware', () => {
  it('returns 400 naming every bad field, and the handler never runs', async () => {
    const { app } = buildApp();
    const res = await request(app.koa.callback()).post('/api/echo/abc').send({ name: '', quantity: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['params.id', 'body.name', 'body.quantity']);
    expect(res.body.error.message).toMatch(/^Invalid input — params\.id: /);
    const bodyRes = await request(app.koa.callback()).post('/api/echo/7').send({ name: '', quantity: 0 });
    expect(bodyRes.status).toBe(400);
    expect(bodyRes.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.name', 'body.quantity']);
    expect(bodyRes.body.error.message).toMatch(/^Invalid input — body\./);
  });

  it('passes valid input through with coerced types', async () => {
    const { app } = buildApp();
    const res = await request(app.koa.callback()).post('/api/echo/7').send({ name: 'tea', quantity: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 7, name: 'tea' });
  });

  it('maps an AppError to its status and code', async () => {
    const { app } = buildApp();
    const res = await request(app.koa.callback()).get('/api/conflict');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'CONFLICT', message: 'Coupon already used' } });
  });

  it('masks unknown errors as 500 with a request id, and logs the real error under that id', async () => {
    const { app, sink } = buildApp();
    const res = await request(app.koa.callback()).get('/api/boom').set('X-Request-Id', 'req-12345678');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-12345678' } });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const logged = sink.lines.find((l) => l.msg === 'request failed');
    expect(logged?.requestId).toBe('req-12345678');
    expect(logged?.level).toBe(50);
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const { app } = buildApp();
    const bad = await request(app.koa.callback()).post('/api/echo/1').set('Content-Type', 'application/json').send('{"name":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    const big = await request(app.koa.callback())
      .post('/api/echo/1')
      .send({ name: 'x', quantity: 1, pad: 'y'.repeat(4096) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = buildApp();
    const res = await request(app.koa.callback()).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('sets security headers, a request id, and CORS only for configured origins', async () => {
    const { app } = buildApp();
    const allowed = await request(app.koa.callback()).get('/api/health').set('Origin', 'http://console.test');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-frame-options']).toBe('DENY');
    expect(allowed.headers['cache-control']).toBe('no-store');
    expect(allowed.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://console.test');
    const other = await request(app.koa.callback()).get('/api/health').set('Origin', 'http://evil.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never logs authorization headers or query strings', async () => {
    const { app, sink } = buildApp();
    await request(app.koa.callback()).get('/api/health?code=secret-code').set('Authorization', 'Bearer tok-123');
    const text = JSON.stringify(sink.lines);
    expect(text).not.toContain('tok-123');
    expect(text).not.toContain('secret-code');
  });
});

describe('health', () => {
  it('reports 503 degraded when the database does not answer', async () => {
    const { app } = buildApp(async () => ({ ok: false, latencyMs: null, error: 'connection refused' }));
    const res = await request(app.koa.callback()).get('/api/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('degraded');
    expect(res.body.database).toMatchObject({ ok: false, kind: 'pglite', latencyMs: null });
  });
});

describe('in-flight tracking', () => {
  it('idle() waits for a running request to finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { app } = buildApp(() => gate.then(() => ({ ok: true, latencyMs: 1 })));
    const pending = request(app.koa.callback())
      .get('/api/health')
      .then((r) => r.status);
    await new Promise((r) => setTimeout(r, 50));
    expect(app.inflight()).toBe(1);
    let idle = false;
    const idlePromise = app.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    release();
    expect(await pending).toBe(200);
    await idlePromise;
    expect(app.inflight()).toBe(0);
  });
});
