import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';

describe('OpenAPI document', () => {
  const app = createApp({
    config: loadConfig({}),
    logger: createLogger('silent'),
    database: { kind: 'pglite', probe: async () => ({ ok: true, latencyMs: 0.1 }) },
    registerRoutes: (api) =>
      api
        .add({
          method: 'get',
          path: '/things/:id',
          summary: 'Read a thing',
          tags: ['things'],
          params: z.object({ id: z.string() }),
          query: z.object({ page: z.coerce.number().int().min(1).optional() }),
          response: z.object({ id: z.string(), priceFen: z.number().int() }),
          errors: [404],
          handler: ({ params }) => ({ id: params.id, priceFen: 100 }),
        })
        .add({
          method: 'get',
          path: '/named-query',
          summary: 'A query schema with an id',
          tags: ['things'],
          query: z.object({ code: z.string().optional() }).meta({ id: 'NamedQuery' }),
          response: z.object({}),
          handler: () => ({}),
        }),
  });

  it('describes every registered route from its zod contracts', async () => {
    const res = await request(app.koa.callback()).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const op = res.body.paths['/api/things/{id}'].get;
    expect(op.summary).toBe('Read a thing');
    expect(op.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
      expect.objectContaining({ name: 'page', in: 'query', required: false }),
    ]);
    expect(op.responses['200'].content['application/json'].schema.properties.priceFen.type).toBe('integer');
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '404', '500']);
    expect(res.body.paths['/api/health'].get.responses['503']).toBeDefined();
    expect(res.body.paths['/api/named-query'].get.parameters).toEqual([
      expect.objectContaining({ name: 'code', in: 'query', required: false }),
    ]);
    // Named schemas live once in components and are referenced from operations.
    expect(op.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    expect(res.body.components.schemas.ErrorResponse.properties.error).toBeDefined();
    expect(JSON.stringify(res.body)).not.toContain('$defs');
    const refs = [...JSON.stringify(res.body).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    for (const name of refs) expect(res.body.components.schemas).toHaveProperty([name as string]);
  });

  it('serves a docs page that renders the document', async () => {
    const res = await request(app.koa.callback()).get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('/api/openapi.json');
  });
});
