/**
 * `npm run db:migrate -w server`: applies pending migrations to DATABASE_URL (PostgreSQL) or, when that is
 * unset, to the PGlite folder DATA_DIR. The one place in the server besides config.ts that reads the
 * environment, because it must run without the rest of the server's configuration.
 */
import { openDatabase } from './database';
import { migrate } from './migrate';

const url = process.env.DATABASE_URL || undefined;
const dataDir = process.env.DATA_DIR || undefined;

if (!url && !dataDir) {
  console.error('db:migrate: set DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite data folder)');
  process.exit(2);
}

const database = await openDatabase({ url, dataDir, applicationName: 'member-ops-migrate' });
try {
  const result = await migrate(database);
  const target = url ? 'PostgreSQL' : `PGlite at ${dataDir}`;
  console.log(`db:migrate: ${result.applied} applied, ${result.total} in total (${target})`);
} finally {
  await database.close();
}
