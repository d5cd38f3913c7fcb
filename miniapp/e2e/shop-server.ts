import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_STORES, seedDemoShop } from '../../scripts/src/seed/index';
import { execute } from '../../server/src/db';
import { startTestServer, type TestServer } from '../../server/src/testing/server';
import { sql } from 'drizzle-orm';

export const H5_DIR = fileURLToPath(new URL('../dist/h5', import.meta.url));

/** The real server on PGlite with a small demo shop, serving the h5 build under /h5. */
export async function startShopServer(): Promise<TestServer & { storeIds: Record<string, number> }> {
  const server = await startTestServer('pglite', { env: { H5_DIR: path.resolve(H5_DIR) } });
  try {
    await seedDemoShop(server.testDatabase.database, { phoneKeys: server.server.wechat.phoneKeys, now: new Date(), members: 30 });
    const rows = await execute<{ id: number; code: string }>(server.testDatabase.database.db, sql`select id, code from stores`);
    const storeIds = Object.fromEntries(rows.map((row) => [row.code, Number(row.id)]));
    if (Object.keys(storeIds).length !== DEMO_STORES.length) throw new Error('demo stores missing');
    return { ...server, storeIds };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Rows of a query on the server's database (for checks the UI cannot show). */
export function query<Row extends Record<string, unknown>>(
  server: TestServer,
  statement: ReturnType<typeof sql>,
): Promise<Row[]> {
  return execute<Row>(server.testDatabase.database.db, statement);
}
