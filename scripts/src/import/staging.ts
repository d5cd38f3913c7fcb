/**
 * The import's staging table: accepted lines are streamed into a temporary table in array-parameter batches,
 * then the members, catalogue and orders are derived from it with set-based SQL in the same transaction.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../../server/src/db';
import type { ImportLine } from './formats';

export const STAGING_TABLE = 'import_lines';

export async function createStagingTable(executor: Executor): Promise<void> {
  await executor.execute(
    sql.raw(`create temporary table ${STAGING_TABLE} (
      line integer primary key,
      order_no text not null,
      customer text not null,
      sku text not null,
      title text not null,
      category text not null,
      category_name text not null,
      brand text,
      region text,
      quantity integer not null,
      unit_price_fen bigint not null,
      at timestamptz not null,
      is_return boolean not null
    ) on commit drop`),
  );
}

/** Appends `lines` to the staging table in one statement (one array parameter per column). */
export async function stageLines(executor: Executor, lines: readonly ImportLine[]): Promise<void> {
  if (lines.length === 0) return;
  const column = <T>(pick: (line: ImportLine) => T, type: string) => sql`${sql.param(lines.map(pick))}::${sql.raw(type)}[]`;
  await executor.execute(sql`insert into ${sql.raw(STAGING_TABLE)}
    select * from unnest(${column((l) => l.line, 'int4')}, ${column((l) => l.orderNo, 'text')},
      ${column((l) => l.customerId, 'text')}, ${column((l) => l.sku, 'text')}, ${column((l) => l.title, 'text')},
      ${column((l) => l.categoryCode, 'text')}, ${column((l) => l.categoryName, 'text')}, ${column((l) => l.brand, 'text')},
      ${column((l) => l.region, 'text')}, ${column((l) => l.quantity, 'int4')}, ${column((l) => l.unitPriceFen, 'int8')},
      ${column((l) => l.at.toISOString(), 'timestamptz')}, ${column((l) => l.isReturn, 'bool')})`);
}
