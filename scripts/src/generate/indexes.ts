/**
 * Secondary indexes of the tables a bulk load fills: maintaining them row by row costs several times more than
 * building them once from sorted data afterwards, so the load drops them and recreates them from their exact
 * definitions (pg_indexes.indexdef). Indexes that back a constraint (primary keys, UNIQUE constraints) stay.
 */
import { sql } from 'drizzle-orm';
import { type Database, execute, withTransaction } from '../../../server/src/db';

type IndexDefinition = {
  name: string;
  definition: string;
};

async function secondaryIndexes(database: Database, tables: readonly string[]): Promise<IndexDefinition[]> {
  return execute<IndexDefinition>(
    database.db,
    sql`select i.indexname as name, i.indexdef as definition from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any(${sql.param(tables)}::text[])
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
      order by i.tablename, i.indexname`,
  );
}

/**
 * Runs `load` with the secondary indexes of `tables` dropped, then builds them again (also when `load` fails).
 * @example await withIndexesRebuiltAfter(database, ['orders'], () => loadOrders());
 */
export async function withIndexesRebuiltAfter(
  database: Database,
  tables: readonly string[],
  load: () => Promise<void>,
): Promise<void> {
  const indexes = await secondaryIndexes(database, tables);
  for (const index of indexes) await database.db.execute(sql.raw(`drop index "${index.name.replaceAll('"', '""')}"`));
  try {
    await load();
  } finally {
    await withTransaction(
      database,
      async (tx) => {
        await tx.execute(sql.raw(`set local maintenance_work_mem = '256MB'`));
        for (const index of indexes) await tx.execute(sql.raw(index.definition));
      },
      { retries: 0 },
    );
  }
}
