import { HealthResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';

export interface HealthDeps {
  version: string;
  startedAt: Date;
  wechatMode: 'sandbox' | 'live';
  databaseKind: 'pglite' | 'postgres';
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  pingDatabase: () => Promise<void>;
  /** Bounded so a hung database makes health fail fast instead of hanging the probe. */
  timeoutMs?: number;
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
      const started = performance.now();
      let databaseError: string | undefined;
      try {
        await withTimeout(deps.pingDatabase(), deps.timeoutMs ?? 2000);
      } catch (err) {
        databaseError = err instanceof Error ? err.message : String(err);
        ctx.log.warn({ err }, 'health: database unreachable');
      }
      const ok = databaseError === undefined;
      const body: HealthResponse = {
        status: ok ? 'ok' : 'degraded',
        version: deps.version,
        uptimeSeconds: Math.floor((Date.now() - deps.startedAt.getTime()) / 1000),
        database: {
          ok,
          kind: deps.databaseKind,
          latencyMs: ok ? Math.round((performance.now() - started) * 100) / 100 : null,
          ...(databaseError ? { error: 'database did not answer' } : {}),
        },
        wechatMode: deps.wechatMode,
      };
      if (!ok) ctx.status = 503;
      return body;
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
