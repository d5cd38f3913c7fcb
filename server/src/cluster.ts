import cluster, { type Worker } from 'node:cluster';
import type { AppConfig } from './config';
import { openDatabase } from './db';
import type { Logger } from './logger';
import { prepareDatabase } from './server';

/** A worker that dies is forked again after this long, doubling per quick death up to the maximum. */
export const RESTART_BACKOFF_MS = { first: 250, max: 30_000 } as const;
/** A worker that served this long before dying is restarted after the first delay again. */
const STABLE_AFTER_MS = 60_000;

/** What a worker tells its primary once it serves requests. */
export const WORKER_READY_MESSAGE = 'member-ops:worker-ready';

/**
 * `WEB_CONCURRENCY` > 1: this process migrates the database once, then forks that many workers that share the port
 * (node:cluster hands out connections in turn) and each run the whole server, scheduled jobs included — every firing
 * claims its (job, period) row, so a period runs once. A worker that dies is replaced after a bounded backoff.
 * SIGTERM / SIGINT pass SIGTERM on; each worker drains its requests (SHUTDOWN_GRACE_MS) and stops, and this process
 * exits 0 when all stopped cleanly. A worker that fails before any worker ever served stops the whole cluster (exit 1):
 * a bad port or database will not get better by retrying.
 */
export async function runClusterPrimary(config: AppConfig, logger: Logger): Promise<void> {
  const database = await openDatabase({ ...config.database, poolSize: 1, jobs: { ...config.database.jobs, poolSize: 1 } });
  try {
    await prepareDatabase(database, { migrate: true, logger });
  } finally {
    await database.close();
  }

  const slots = Array.from({ length: config.webConcurrency }, () => ({ failures: 0 }));
  const slotOf = new Map<Worker, number>();
  const startedAt = new Map<Worker, number>();
  let everReady = false;
  let stopping = false;
  let exitCode = 0;
  let announced = false;

  const fork = (slot: number) => {
    const worker = cluster.fork();
    slotOf.set(worker, slot);
    startedAt.set(worker, Date.now());
    worker.on('message', (message: unknown) => {
      if (message !== WORKER_READY_MESSAGE) return;
      everReady = true;
      logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker ready');
    });
    worker.on('listening', (address) => {
      if (announced) return;
      announced = true;
      const host = address.address ?? config.host;
      logger.info(
        { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, workers: slots.length },
        'cluster listening',
      );
    });
  };

  const stopAll = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping workers');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    for (const worker of workers) worker.process.kill('SIGTERM');
    // A worker stuck past its own grace period is killed; its requests were already given their time.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, config.shutdownGraceMs + 5_000).unref();
    if (workers.length === 0) process.exit(exitCode);
  };

  cluster.on('exit', (worker, code, signal) => {
    const slot = slotOf.get(worker) ?? 0;
    const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
    slotOf.delete(worker);
    startedAt.delete(worker);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      logger.info({ worker: worker.id, code, signal }, 'worker stopped');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!everReady) {
      logger.error({ worker: worker.id, code, signal }, 'a worker failed before the cluster served; stopping');
      exitCode = 1;
      stopAll('startup failure');
      return;
    }
    const state = slots[slot] ?? { failures: 0 };
    if (lived >= STABLE_AFTER_MS) state.failures = 0;
    const delay = Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.first * 2 ** state.failures);
    state.failures += 1;
    logger.error(
      { worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: delay },
      'worker died; restarting',
    );
    setTimeout(() => {
      if (!stopping) fork(slot);
    }, delay);
  });

  process.once('SIGTERM', () => stopAll('SIGTERM'));
  process.once('SIGINT', () => stopAll('SIGINT'));
  for (let slot = 0; slot < slots.length; slot += 1) fork(slot);
}
