import { execute, openDatabase, type Database, type DatabaseKind } from '../../../server/src/db';
import { createTestDatabase } from '../../../server/src/testing/database';
import { sql } from 'drizzle-orm';

/**
 * The database a bench runs on: a fresh migrated one that is dropped afterwards, or, with `databaseUrl`, an
 * already generated shop on a PostgreSQL server that is kept (so a 1M-member shop is loaded once, not per bench).
 */
export async function benchDatabase(
  kind: DatabaseKind,
  databaseUrl: string | undefined,
): Promise<{ database: Database; existing: boolean; cleanup: () => Promise<void> }> {
  if (databaseUrl) {
    const database = await openDatabase({ url: databaseUrl });
    return { database, existing: true, cleanup: () => database.close() };
  }
  const test = await createTestDatabase(kind);
  return { database: test.database, existing: false, cleanup: () => test.cleanup() };
}

/** Members, orders and order lines in the database. */
export async function shopSize(database: Database): Promise<{ members: number; orders: number; items: number }> {
  const [sizes] = await execute<{ members: number; orders: number; items: number }>(
    database.db,
    sql.raw(`select (select count(*) from members)::int as members, (select count(*) from orders)::int as orders,
      (select count(*) from order_items)::int as items`),
  );
  return sizes ?? { members: 0, orders: 0, items: 0 };
}
