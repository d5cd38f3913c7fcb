import type { SQL } from 'drizzle-orm';
import type { Executor } from './database';

/** The part of a raw result both drivers return: node-postgres' QueryResult and PGlite's Results. */
interface RawResult {
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
}

const INT8 = 20;
const INT8_ARRAY = 1016;
const TIMESTAMPTZ = 1184;
const TIMESTAMPTZ_ARRAY = 1185;

/** Converts an int8 value (a string from node-postgres; a number or bigint from PGlite) to a JS number. */
function int8ToNumber(value: unknown, column: string): number {
  const result = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value;
  if (typeof result !== 'number' || !Number.isSafeInteger(result)) {
    throw new RangeError(`column ${column}: ${String(value)} is not a safe integer; cast it to text or numeric in SQL`);
  }
  return result;
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function mapNullable<T>(value: unknown, convert: (v: unknown) => T): T | null {
  return value === null || value === undefined ? null : convert(value);
}

function normaliser(dataTypeID: number, column: string): ((value: unknown) => unknown) | undefined {
  switch (dataTypeID) {
    case INT8:
      return (v) => mapNullable(v, (x) => int8ToNumber(x, column));
    case INT8_ARRAY:
      return (v) => mapNullable(v, (xs) => (xs as unknown[]).map((x) => mapNullable(x, (y) => int8ToNumber(y, column))));
    case TIMESTAMPTZ:
      return (v) => mapNullable(v, toDate);
    case TIMESTAMPTZ_ARRAY:
      return (v) => mapNullable(v, (xs) => (xs as unknown[]).map((x) => mapNullable(x, toDate)));
    default:
      return undefined;
  }
}

/**
 * Runs raw SQL and returns rows with the same JS types on both drivers: bigint → number (an error if beyond
 * 2^53), timestamptz → Date. Left as the drivers give them: date → 'YYYY-MM-DD' string, numeric → string
 * (cast to float8 or int8 in SQL when a number is wanted), jsonb → parsed value, arrays → arrays.
 * Typed Drizzle queries do not need this; it is for hand-written SQL (set-based refreshes, reports).
 *
 * @example
 * const rows = await execute<{ tier: string; members: number }>(db, sql`select tier, count(*) as members from members group by tier`);
 */
export async function execute<Row extends Record<string, unknown>>(executor: Executor, query: SQL): Promise<Row[]> {
  // Both drivers' raw results carry rows and field type ids; Drizzle's generic result type hides that.
  const result = (await executor.execute(query)) as unknown as RawResult;
  const converters = result.fields.flatMap((field) => {
    const convert = normaliser(field.dataTypeID, field.name);
    return convert ? [{ name: field.name, convert }] : [];
  });
  if (converters.length === 0) return result.rows as Row[];
  return result.rows.map((row) => {
    const copy: Record<string, unknown> = { ...row };
    for (const { name, convert } of converters) copy[name] = convert(row[name]);
    return copy as Row;
  });
}

/** The driver clients under a Drizzle database or transaction (not part of Drizzle's typed surface). */
interface SessionClient {
  query: (config: unknown, params?: unknown[]) => Promise<RawResult>;
  connection?: unknown;
}

/**
 * Runs a parameterised statement that is the same text on every call (values only in `params`, as $1, $2…)
 * as a named prepared statement on node-postgres, so each connection plans it once and reuses the plan —
 * for statements on a hot path whose planning costs more than their execution. PGlite runs it as a plain
 * parameterised query. Rows come back converted as by execute().
 *
 * @example
 * await executePrepared(tx, 'member-refresh-1a2b', 'update member_metrics set … where member_id = $1', [memberId]);
 */
export async function executePrepared<Row extends Record<string, unknown>>(
  executor: Executor,
  name: string,
  text: string,
  params: unknown[],
): Promise<Row[]> {
  const client = (executor as unknown as { session: { client: SessionClient } }).session.client;
  const result =
    client.connection !== undefined ? await client.query({ name, text, values: params }) : await client.query(text, params);
  const converters = result.fields.flatMap((field) => {
    const convert = normaliser(field.dataTypeID, field.name);
    return convert ? [{ name: field.name, convert }] : [];
  });
  return result.rows.map((row) => {
    const copy: Record<string, unknown> = { ...row };
    for (const { name: column, convert } of converters) copy[column] = convert(row[column]);
    return copy as Row;
  });
}
