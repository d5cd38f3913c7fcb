/**
 * `npm start`: the whole product on one machine — migrated database (embedded PGlite unless DATABASE_URL is
 * set), the demo shop on first run, the WeChat sandbox and the API.
 */
import { DEFAULT_H5_DIR, loadConfig } from '../../server/src/config';
import { createLogger } from '../../server/src/logger';
import { phoneKeysFor } from '../../server/src/security/local-keys';
import { startServer } from '../../server/src/server';
import { describeError, UsageError } from './lib/cli';
import pretty from 'pino-pretty';
import { ensureConsoleBuild } from './lib/console-build';
import { ensureH5Build } from './lib/h5-build';
import { terminalProgress } from './lib/progress';
import { DEMO_ACCOUNTS, isShopEmpty, seedDemoShop } from './seed/index';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.webConcurrency > 1) {
    // The demo start loads the demo shop and builds the front ends in its one process before serving.
    throw new UsageError(
      `WEB_CONCURRENCY=${config.webConcurrency}: npm start runs one process; run several with npm start -w server`,
    );
  }
  // A person at a terminal gets readable lines; pipes and CI get JSON.
  const logger = createLogger(
    config.logLevel,
    process.stdout.isTTY ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' }) : undefined,
  );
  // The port opens first and answers 503 (Retry-After) while the database is migrated, the demo shop loaded and
  // the front ends built; requests are served once all of that is done.
  const server = await startServer(config, {
    logger,
    beforeServing: async (database) => {
      if (await isShopEmpty(database)) {
        const phoneKeys = phoneKeysFor(config, config.dataDir);
        console.error('First start: loading the demo shop (about a minute)…');
        const progress = terminalProgress('demo data');
        const started = Date.now();
        await seedDemoShop(database.forJobs, { phoneKeys, now: new Date(), onProgress: progress.update });
        progress.stop();
        console.error(`Demo shop loaded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      }
      // The default h5 folder is the workspace's build output; a custom H5_DIR is served as it is.
      if (config.h5Dir === DEFAULT_H5_DIR) await ensureH5Build(config.h5Dir, (line) => console.error(line));
      await ensureConsoleBuild(config.consoleDir, (line) => console.error(line));
    },
  });
  const { database } = server;
  const lines = [
    '',
    '会员私域运营 is running',
    `  API            ${server.url}/api`,
    `  API reference  ${server.url}/api/docs`,
    `  Shop (h5)      ${server.url}/h5/`,
    `  Console        ${server.url}/console/`,
    `  Health         ${server.url}/api/health`,
    server.wechat.mode === 'sandbox' ? `  WeChat sandbox ${server.url}/sandbox` : '  WeChat         live',
    `  Database       ${database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL server'}`,
    '',
    'Demo staff accounts (username / password / role):',
    ...DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(12)} ${a.password.padEnd(16)} ${a.role}${a.store ? ` · ${a.store}` : ''}`),
    '',
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));

  const stop = (signal: string) => {
    logger.info({ signal }, 'signal received');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`start: ${describeError(err)}`);
  process.exit(1);
});
