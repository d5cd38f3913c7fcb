import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type Database, type DatabaseKind, execute, type Executor, withTransaction } from '../../server/src/db';
import { countStaleAggregates, refreshSegments, updateMemberDerived } from '../../server/src/modules/segmentation/index';
import { createTestDatabase, type TestDatabase } from '../../server/src/testing/database';
import { importOrders } from './import/index';
import { readFileLines } from './import/read';
import { parseAsOf } from './segments';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE = path.join(here, 'import/fixtures/online-retail-sample.csv');
const ONLINE_RETAIL = path.resolve(here, '../../../shared/data/online-retail/online_retail_uci_normalized.csv.gz');
const AS_OF = parseAsOf('2011-12-10', new Date());
const SETUP_MS = 180_000;

describe('parseAsOf', () => {
  it('reads a date as the start of that Shanghai day and keeps full date-times', () => {
    expect(parseAsOf('2011-12-10', new Date())).toEqual(new Date('2011-12-09T16:00:00Z'));
    expect(parseAsOf('2011-12-10T12:00:00Z', new Date())).toEqual(new Date('2011-12-10T12:00:00Z'));
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseAsOf(undefined, now)).toBe(now);
  });
  it('refuses what is not a date', () => {
    expect(() => parseAsOf('2011-02-30', new Date())).toThrow(/--as-of/);
    expect(() => parseAsOf('yesterday', new Date())).toThrow(/--as-of/);
  });
});

/** Every member's stored classification, keyed by the imported customer, without bookkeeping times. */
async function classification(database: Database): Promise<string> {
  const [row] = await execute<{ digest: string; members: number }>(
    database.db,
    sql.raw(`select md5(string_agg((to_jsonb(mm) - 'member_id' - 'updated_at')::text || m.openid, ',' order by m.openid)) as digest,
        count(*)::int as members
      from member_metrics mm join members m on m.id = mm.member_id`),
  );
  if (!row || row.members === 0) throw new Error('no member was classified');
  return row.digest;
}

describe('segments as of 2011-12-10 on the first 20,000 Online Retail lines', () => {
  let dir = '';
  let head = '';
  const shops = new Map<DatabaseKind, TestDatabase>();
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'segments-test-'));
    head = path.join(dir, 'head.csv');
    const out = createWriteStream(head);
    const { lines } = await readFileLines(ONLINE_RETAIL);
    let n = 0;
    for await (const line of lines) {
      if (n++ > 20_000) break;
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    for (const kind of DATABASE_KINDS) {
      const test = await createTestDatabase(kind);
      shops.set(kind, test);
      await importOrders(test.database, head, { format: 'online-retail', asMembers: true });
    }
  }, SETUP_MS);
  afterAll(async () => {
    for (const test of shops.values()) await test.cleanup();
    await rm(dir, { recursive: true, force: true });
  }, SETUP_MS);

  it(
    'replays to the same classification every time and on both databases',
    async () => {
      const digests: string[] = [];
      for (const kind of DATABASE_KINDS) {
        const database = shops.get(kind)?.database;
        if (!database) throw new Error(`${kind} not ready`);
        const first = await refreshSegments(database, { asOf: AS_OF });
        expect(first.members).toBeGreaterThan(0);
        digests.push(await classification(database));
        await refreshSegments(database, { asOf: AS_OF });
        digests.push(await classification(database));
      }
      expect(new Set(digests).size).toBe(1);
    },
    SETUP_MS,
  );
});

/** A paid POS order of `fen` for the member with `openid`, paid at `at`; returns the member and order ids. */
async function payOrder(executor: Executor, openid: string, orderNo: string, fen: number, at: Date) {
  const [row] = await execute<{ member_id: number; order_id: number }>(
    executor,
    sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, created_at, paid_at, updated_at)
      select ${orderNo}, id, 'pos', 'paid', ${fen}, ${fen}, ${fen}, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz,
        ${at.toISOString()}::timestamptz from members where openid = ${openid}
      returning member_id, id as order_id`,
  );
  if (!row) throw new Error(`no member ${openid}`);
  return row;
}

for (const kind of DATABASE_KINDS) {
  describe(`stored aggregates that no longer match the orders [${kind}]`, () => {
    let test: TestDatabase | undefined;
    beforeAll(async () => {
      test = await createTestDatabase(kind);
    }, SETUP_MS);
    afterAll(() => test?.cleanup(), SETUP_MS);

    it(
      'are counted after an import and a bare order write, not after a refresh or a paid order’s own update',
      async () => {
        if (!test) throw new Error('database not ready');
        const { database } = test;
        await importOrders(database, SAMPLE, { format: 'online-retail', asMembers: true, maxRejectedShare: 0.5 });
        expect(await countStaleAggregates(database.db)).toBe(3);
        await refreshSegments(database, { asOf: parseAsOf('2011-01-01', new Date()), source: 'orders' });
        expect(await countStaleAggregates(database.db)).toBe(0);

        // A payment updates the member's aggregates in its own transaction: marked, but not stale.
        const paidAt = new Date();
        await withTransaction(database, async (tx) => {
          const { member_id, order_id } = await payOrder(tx, 'import:online-retail:17850', 'live-1', 5000, paidAt);
          await updateMemberDerived(tx, member_id, paidAt, { counted: [order_id] });
        });
        const [marks] = await execute<{ n: number }>(database.db, sql`select count(*)::int as n from member_aggregate_changes`);
        expect(marks?.n).toBe(1);
        expect(await countStaleAggregates(database.db)).toBe(0);

        // An order written without that update (as an import writes them) leaves the member's aggregates behind.
        await payOrder(database.db, 'import:online-retail:13047', 'bare-1', 700, new Date('2010-12-03T00:00:00Z'));
        expect(await countStaleAggregates(database.db)).toBe(1);
      },
      SETUP_MS,
    );
  });
}
