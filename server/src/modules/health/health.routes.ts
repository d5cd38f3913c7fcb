import cluster from 'node:cluster';
import { HealthResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';

export interface DatabaseProbe {
  kind: 'pglite' | 'postgres';
  /** Answers within a bounded time; never throws (see db/health.ts). */
  probe: () => Promise<{ ok: boolean; latencyMs: number | null; error?: string }>;
}

export interface HealthDeps {
  version: string;
  startedAt: Date;
  wechatMode: 'sandbox' | 'live';
  database: DatabaseProbe;
}

export function registerHealthRoutes(router: ApiRouter, deps: HealthDeps): void {
  router.add({
    method: 'get',
    path: '/health',
    summary: 'Liveness and database reachability',
    tags: ['system'],
    response: HealthResponse,
    errors: [503],
    handler: async (_input, ctx) => {
      const health = await deps.database.probe();
      if (!health.ok) {
        ctx.log.warn({ error: health.error }, 'health: database unreachable');
        ctx.status = 503;
      }
      return {
        status: health.ok ? 'ok' : 'degraded',
        version: deps.version,
        uptimeSeconds: Math.floor((Date.now() - deps.startedAt.getTime()) / 1000),
        // The driver's error text stays in the log; the probe answer only says it failed.
        database: {
          ok: health.ok,
          kind: deps.database.kind,
          latencyMs: health.latencyMs,
          ...(health.ok ? {} : { error: 'database did not answer' }),
        },
        wechatMode: deps.wechatMode,
        process: { pid: process.pid, worker: cluster.worker?.id ?? null },
      };
    },
  });
}
