import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase, testPgUrl } from '../testing/database';
import { insertMember } from '../testing/fixtures';
import { DATABASE_KINDS, MEMORY_DATA_DIR, openDatabase } from './database';
import { execute } from './execute';
import { pingDatabase } from './health';
import { isUniqueViolation, pgErrorOf } from './pg-error';
import { jobRuns, members } from './schema';
import { withTransaction } from './transaction';

describeEachDatabase('database layer', ({ kind, database }) => {
  it('reports its kind', () => {
    expect(database().kind).toBe(kind);
  });

  it('returns raw bigint and timestamptz values as numbers and Dates on either driver', async () => {
    const [row] = await execute<Record<string, unknown>>(
      database().db,
      sql`select 9007199254740991::int8 as largest, null::int8 as missing, array[1, 2]::int8[] as ids,
                 '2025-03-01T08:30:00Z'::timestamptz as at, '2025-03-01'::date as day, 1.5::numeric as ratio`,
    );
    expect(row).toEqual({
      largest: Number.MAX_SAFE_INTEGER,
      missing: null,
      ids: [1, 2],
      at: new Date('2025-03-01T08:30:00Z'),
      day: '2025-03-01',
      ratio: '1.5',
    });
  });

  it('refuses to round a bigint beyond 2^53', async () => {
    await expect(execute(database().db, sql`select 9007199254740993::int8 as too_big`)).rejects.toThrow(RangeError);
  });

  it('runs every session in UTC', async () => {
    const [row] = await execute<{ zone: string }>(database().db, sql`select current_setting('TimeZone') as zone`);
    expect(row?.zone).toBe('UTC');
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const { db } = database();
    const kept = await withTransaction(database(), (tx) => insertMember(tx, { nickname: 'kept' }));
    let rolledBack = 0;
    await expect(
      withTransaction(database(), async (tx) => {
        rolledBack = await insertMember(tx, { nickname: 'rolled back' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.select({ id: members.id }).from(members).where(eq(members.id, kept))).toHaveLength(1);
    expect(await db.select({ id: members.id }).from(members).where(eq(members.id, rolledBack))).toHaveLength(0);
  });

  it('re-runs a transaction after a serialization failure, and only a bounded number of times', async () => {
    const serializationFailure = Object.assign(new Error('could not serialize access'), { code: '40001' });
    let attempts = 0;
    const result = await withTransaction(database(), async () => {
      attempts += 1;
      if (attempts < 3) throw serializationFailure;
      return 'done';
    });
    expect({ result, attempts }).toEqual({ result: 'done', attempts: 3 });

    attempts = 0;
    await expect(
      withTransaction(
        database(),
        async () => {
          attempts += 1;
          throw serializationFailure;
        },
        { retries: 1 },
      ),
    ).rejects.toBe(serializationFailure);
    expect(attempts).toBe(2);
  });

  it('recognises a unique violation through the Drizzle wrapper', async () => {
    const { db } = database();
    const claim = { jobName: 'tier-review', periodKey: '2025-03', instanceId: 'a' };
    await db.insert(jobRuns).values(claim);
    const error = await db
      .insert(jobRuns)
      .values(claim)
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(pgErrorOf(error)).toMatchObject({ code: '23505', constraint: 'job_runs_claim_key' });
    expect(isUniqueViolation(error, 'job_runs_claim_key')).toBe(true);
    expect(isUniqueViolation(error, 'another_key')).toBe(false);
    expect(pgErrorOf(new Error('not from the database'))).toBeUndefined();
  });

  it('answers a health probe', async () => {
    const health = await pingDatabase(database());
    expect(health).toMatchObject({ ok: true, kind });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe.each(DATABASE_KINDS)('pingDatabase on a closed database [%s]', (kind) => {
  it('reports the failure instead of throwing', async () => {
    const closed = await openDatabase(kind === 'pglite' ? { dataDir: MEMORY_DATA_DIR } : { url: testPgUrl(), poolSize: 1 });
    await closed.close();
    const health = await pingDatabase(closed);
    expect(health).toMatchObject({ ok: false, kind, latencyMs: null });
    expect(health.error).toBeTruthy();
  });
});
