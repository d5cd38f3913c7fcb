import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../db/database';
import { execute } from '../db/execute';
import { migrate } from '../db/migrate';
import { members, pointsLedger } from '../db/schema';
import { createTestDatabase, resetDatabase, testPgUrl } from './database';
import { insertMember } from './fixtures';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: testPgUrl() });
  await client.connect();
  try {
    const result = await client.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase [postgres]', () => {
  it('creates a uniquely named database and drops it on cleanup', async () => {
    const [first, second] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
    const names = [first, second].map((testDatabase) => new URL(testDatabase.url ?? '').pathname.slice(1));
    expect(names[0]).toMatch(/^mo_test_[0-9a-f]{12}$/);
    expect(names[0]).not.toBe(names[1]);
    await Promise.all([first.cleanup(), second.cleanup()]);
    expect(await Promise.all(names.map(databaseExists))).toEqual([false, false]);
  });
});

describe.each(DATABASE_KINDS)('resetDatabase [%s]', (kind) => {
  it('empties every table, append-only ones included, and keeps the migrations', async () => {
    const testDatabase = await createTestDatabase(kind);
    try {
      const { db } = testDatabase.database;
      await insertMember(db);
      await db.execute(sql`insert into ${pointsLedger} (member_id, kind, points, idempotency_key) values (1, 'spend', -5, 'k')`);
      await resetDatabase(testDatabase.database);

      const [counts] = await execute<{ members: number; entries: number }>(
        db,
        sql`select (select count(*) from ${members}) as members, (select count(*) from ${pointsLedger}) as entries`,
      );
      expect(counts).toEqual({ members: 0, entries: 0 });
      expect(await insertMember(db)).toBe(1);
      expect((await migrate(testDatabase.database)).applied).toBe(0);
    } finally {
      await testDatabase.cleanup();
    }
  });
});
