import cluster from 'node:cluster';
import { runClusterPrimary, WORKER_READY_MESSAGE } from './cluster';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server';

/**
 * `npm start -w server`: the API alone, on the configured database (no demo data; see scripts/src/start.ts). With
 * WEB_CONCURRENCY > 1 this process becomes a cluster primary and each of its workers runs the server.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    await runClusterPrimary(config, createLogger(config.logLevel));
    return;
  }
  const server = await startServer(config, { prepareDatabase: cluster.isPrimary });
  const stop = (signal: string) => {
    server.logger.info({ signal }, 'signal received');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (cluster.isWorker) {
    // A primary that is gone cannot hand out connections or restart anyone: stop rather than linger.
    process.once('disconnect', () => stop('primary gone'));
    process.send?.(WORKER_READY_MESSAGE);
  }
}

main().catch((err: unknown) => {
  console.error(`server: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
