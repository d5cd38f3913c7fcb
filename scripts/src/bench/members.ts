/**
 * Members-list benchmark: the console's member list (GET /api/staff/members, through its service and SQL) on a
 * generated shop with refreshed segments. Each query shape is timed for a first page, a deep page reached by
 * following keyset cursors, and with filters, as an operator (whole base) and as a sales rep (own portfolio).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { MemberListQuery, type MemberListResponse } from '@member-ops/shared';
import { type DatabaseKind, execute } from '../../../server/src/db';
import type { AuthStaff } from '../../../server/src/http/auth';
import { createLogger } from '../../../server/src/logger';
import { listMembers } from '../../../server/src/modules/admin/members.service';
import { refreshSegments } from '../../../server/src/modules/segmentation/index';
import { generateShop } from '../generate/index';
import { benchDatabase, shopSize } from './bench-database';

export interface MembersBenchOptions {
  kind: DatabaseKind;
  members: number;
  orders: number;
  /** Timed runs per query shape (default 30). */
  samples?: number;
  /** Pages walked by cursor before the "deep page" is timed (default 50). */
  deepPages?: number;
  /** An already generated and segmented shop on a PostgreSQL server: no load, and the database is kept. */
  databaseUrl?: string;
}

export interface MembersBenchShape {
  name: string;
  query: Record<string, string>;
  rows: number;
  p50Ms: number;
  p95Ms: number;
}

export interface MembersBenchResult {
  database: DatabaseKind;
  members: number;
  orders: number;
  shapes: MembersBenchShape[];
}

const BENCH_KEYS = { encryptionKey: Buffer.alloc(32, 3), hashKey: Buffer.alloc(32, 5) };

/** Sorted durations → the value at a percentile, in ms with two decimals. */
function at(sortedMs: readonly number[], p: number): number {
  const value = sortedMs[Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1))] ?? 0;
  return Math.round(value * 100) / 100;
}

export async function runMembersBench(options: MembersBenchOptions): Promise<MembersBenchResult> {
  const test = await benchDatabase(options.kind, options.databaseUrl);
  const { database } = test;
  try {
    const now = new Date();
    if (!test.existing) {
      await generateShop(database, { members: options.members, orders: options.orders, seed: 'members-bench', now });
      await refreshSegments(database, { asOf: now });
    }
    const generated = await shopSize(database);
    const deps = { database, phoneKeys: BENCH_KEYS, logger: createLogger('silent'), now };
    const operator: AuthStaff = { id: 0, username: 'bench', role: 'operator', storeId: null, sessionId: 0 };
    const [busiest] = await execute<{ rep: number | null; store: number | null }>(
      database.db,
      sql`select (select owner_rep_id from members where owner_rep_id is not null group by 1 order by count(*) desc limit 1) as rep,
                 (select store_id from members where store_id is not null group by 1 order by count(*) desc limit 1) as store`,
    );
    const rep: AuthStaff = { id: busiest?.rep ?? 0, username: 'bench-rep', role: 'sales_rep', storeId: null, sessionId: 0 };

    const run = (staff: AuthStaff, raw: Record<string, string>): Promise<MemberListResponse> =>
      listMembers(deps, staff, MemberListQuery.parse(raw));
    const deepCursor = async (raw: Record<string, string>): Promise<Record<string, string>> => {
      let query = raw;
      for (let page = 0; page < (options.deepPages ?? 50); page++) {
        const result = await run(operator, query);
        if (!result.nextCursor) break;
        query = { ...raw, cursor: result.nextCursor };
      }
      return query;
    };

    const shapes: { name: string; staff: AuthStaff; query: Record<string, string> }[] = [
      { name: 'first page, newest', staff: operator, query: {} },
      { name: 'deep page, newest', staff: operator, query: await deepCursor({}) },
      { name: 'gold+diamond by last order', staff: operator, query: { tier: 'gold,diamond', sort: 'last_order' } },
      { name: 'deep page by last order', staff: operator, query: await deepCursor({ sort: 'last_order' }) },
      busiest?.store
        ? { name: 'sleeping, one store', staff: operator, query: { lifecycle: 'sleeping', storeId: String(busiest.store) } }
        : { name: 'sleeping', staff: operator, query: { lifecycle: 'sleeping' } },
      {
        name: 'last order in a 30-day range',
        staff: operator,
        query: {
          lastOrderFrom: new Date(now.getTime() - 60 * 86_400_000).toISOString(),
          lastOrderTo: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
        },
      },
      { name: 'sales rep portfolio', staff: rep, query: {} },
    ];
    const results: MembersBenchShape[] = [];
    for (const shape of shapes) {
      let rows = 0;
      const durations: number[] = [];
      for (let i = 0; i < (options.samples ?? 30); i++) {
        const started = performance.now();
        rows = (await run(shape.staff, shape.query)).items.length;
        durations.push(performance.now() - started);
      }
      durations.sort((a, b) => a - b);
      const { cursor, ...shown } = shape.query;
      results.push({
        name: shape.name,
        query: cursor ? { ...shown, cursor: '(deep)' } : shown,
        rows,
        p50Ms: at(durations, 50),
        p95Ms: at(durations, 95),
      });
    }
    return { database: options.kind, members: generated.members, orders: generated.orders, shapes: results };
  } finally {
    await test.cleanup();
  }
}
