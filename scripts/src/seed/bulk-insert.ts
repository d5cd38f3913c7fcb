/**
 * Fast typed bulk inserts: rows are checked against the Drizzle table's insert type, then sent as one array
 * parameter per column (`INSERT … SELECT … FROM unnest($1::bigint[], $2::text[], …)`), which PostgreSQL and
 * PGlite parse and bind several times faster than a multi-row VALUES list with a parameter per cell.
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '../../../server/src/db';

export const DEFAULT_BATCH_ROWS = 1000;

export interface InsertOptions {
  batchRows?: number;
  /** Skip rows that collide with a unique key (for reference data that may already be there). */
  onConflictDoNothing?: boolean;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface ColumnPlan {
  key: string;
  name: string;
  /** The element type of the unnest parameter. */
  paramType: string;
  /** The select expression turning the unnest column into the column's value. */
  select: (ref: string) => string;
  toParam: (value: unknown) => unknown;
}

function planColumn(key: string, column: PgColumn): ColumnPlan {
  const type = column.getSQLType();
  const name = column.name;
  const toText = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  if (type === 'jsonb' || type === 'json') {
    return { key, name, paramType: 'text', select: (ref) => `${ref}::${type}`, toParam: toText };
  }
  if (type.endsWith('[]')) {
    // unnest() would flatten a two-dimensional array, so array columns travel as JSON text.
    return {
      key,
      name,
      paramType: 'text',
      select: (ref) =>
        `case when ${ref} is null then null else array(select jsonb_array_elements_text(${ref}::jsonb))::${type} end`,
      toParam: toText,
    };
  }
  return {
    key,
    name,
    paramType: type,
    select: (ref) => ref,
    toParam: (value) => (value instanceof Date ? value.toISOString() : (value ?? null)),
  };
}

function insertStatement(
  tableName: string,
  plans: readonly ColumnPlan[],
  rows: readonly Record<string, unknown>[],
  onConflictDoNothing: boolean,
): SQL {
  const columns = plans.map((p) => quoteIdent(p.name)).join(', ');
  const aliases = plans.map((_, i) => `c${i}`);
  const selects = plans.map((p, i) => p.select(`u.${aliases[i]}`)).join(', ');
  const params = plans.map((p) => sql`${sql.param(rows.map((row) => p.toParam(row[p.key])))}::${sql.raw(`${p.paramType}[]`)}`);
  return sql.join(
    [
      sql.raw(`insert into ${quoteIdent(tableName)} (${columns}) select ${selects} from unnest(`),
      sql.join(params, sql.raw(', ')),
      sql.raw(`) as u(${aliases.join(', ')})${onConflictDoNothing ? ' on conflict do nothing' : ''}`),
    ],
    sql.raw(''),
  );
}

/**
 * Inserts `rows` into `table` in batches; columns that no row sets are left to their defaults, so every row
 * must set the same columns.
 * @example await insertRows(tx, members, [{ openid: 'o_demo_1' }]);
 */
export async function insertRows<T extends PgTable>(
  executor: Executor,
  table: T,
  rows: readonly T['$inferInsert'][],
  options: InsertOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const records = rows as readonly Record<string, unknown>[];
  const present = new Set(records.flatMap((row) => Object.keys(row).filter((key) => row[key] !== undefined)));
  // A column missing from some rows would silently become NULL there instead of taking its default.
  const ragged = [...present].find((key) => records.some((row) => row[key] === undefined));
  if (ragged) throw new Error(`${getTableName(table)}: some rows leave out ${ragged}; set it in every row (null or a value)`);
  const plans = Object.entries(columns)
    .filter(([key]) => present.has(key))
    .map(([key, column]) => planColumn(key, column));
  const unknown = [...present].filter((key) => !(key in columns));
  if (unknown.length > 0) throw new Error(`${getTableName(table)} has no column(s) ${unknown.join(', ')}`);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  for (let start = 0; start < records.length; start += batchRows) {
    const batch = records.slice(start, start + batchRows);
    await executor.execute(insertStatement(getTableName(table), plans, batch, options.onConflictDoNothing ?? false));
  }
}

/** Moves each table's id identity past the ids the seed supplied, so the application's next insert gets a fresh id. */
export async function resetIdentities(executor: Executor, tables: readonly PgTable[]): Promise<void> {
  for (const table of tables) {
    const name = quoteIdent(getTableName(table));
    await executor.execute(
      sql.raw(`select setval(pg_get_serial_sequence('${name}', 'id'), (select coalesce(max(id), 0) + 1 from ${name}), false)`),
    );
  }
}
