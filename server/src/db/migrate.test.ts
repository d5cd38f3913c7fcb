import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/database';
import { DATABASE_KINDS, openDatabase } from './database';
import { execute } from './execute';
import { migrate, MIGRATIONS_FOLDER } from './migrate';
import * as schema from './schema';
import { PAID_ORDER_STATUSES } from './schema';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};
const migrationCount = journal.entries.length;

const declaredTables = Object.values(schema as Record<string, unknown>)
  .flatMap((value) => (is(value, PgTable) ? [getTableConfig(value).name] : []))
  .sort();

describe.each(DATABASE_KINDS)('migrate [%s]', (kind) => {
  const opened: TestDatabase[] = [];
  const fresh = async () => {
    const testDatabase = await createTestDatabase(kind, { migrate: false });
    opened.push(testDatabase);
    return testDatabase;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((testDatabase) => testDatabase.cleanup()));
  });

  it('applies every migration to an empty database, creating every declared table and the view', async () => {
    const { database } = await fresh();
    expect(await migrate(database)).toEqual({ applied: migrationCount, total: migrationCount });

    const tables = await execute<{ name: string }>(
      database.db,
      sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(declaredTables);
    const [view] = await execute<{ present: boolean }>(
      database.db,
      sql`select to_regclass('member_facts') is not null as present`,
    );
    expect(view?.present).toBe(true);
  });

  it('limits the covering RFM index to exactly the paid order statuses', async () => {
    const { database } = await fresh();
    await migrate(database);
    const [index] = await execute<{ predicate: string }>(
      database.db,
      sql`select pg_get_expr(i.indpred, i.indrelid) as predicate from pg_index i
          where i.indexrelid = 'orders_member_paid_covering_idx'::regclass`,
    );
    const statuses = [...(index?.predicate ?? '').matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
    expect(statuses.sort()).toEqual([...PAID_ORDER_STATUSES].sort());
  });

  it('does nothing when run again', async () => {
    const { database } = await fresh();
    await migrate(database);
    expect(await migrate(database)).toEqual({ applied: 0, total: migrationCount });
  });

  it('lets two migrations started at once both succeed, applying each migration once', async () => {
    const testDatabase = await fresh();
    // On PostgreSQL a second pool stands for a second server instance; PGlite has one session per process.
    const second =
      kind === 'postgres' && testDatabase.url
        ? await openDatabase({ url: testDatabase.url, poolSize: 2 })
        : testDatabase.database;
    try {
      const results = await Promise.all([migrate(testDatabase.database), migrate(second)]);
      expect(results.map((r) => r.applied).sort()).toEqual([0, migrationCount]);
      expect(results.every((r) => r.total === migrationCount)).toBe(true);
    } finally {
      if (second !== testDatabase.database) await second.close();
    }
  });
});
