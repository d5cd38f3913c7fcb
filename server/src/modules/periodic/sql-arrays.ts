import { sql, type SQL } from 'drizzle-orm';

/*
 * Arrays travel as PostgreSQL array literals (one text parameter, cast in SQL), so node-postgres and PGlite bind
 * them the same way and a page of thousands of rows is one parameter per column, not one per value.
 */

/** `{1,2,3}` for a bigint[] or int[] cast; values must be safe integers. */
export function bigintArray(values: readonly number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}

/** `{0.25,1e-7,NULL}` for a float8[] or int8[] cast; String(x) round-trips every double exactly. */
export function numberArray(values: readonly (number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

/** `{"a","b"}` for a text[] (or boolean[]) cast, with quotes and backslashes escaped. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

/** ISO instants (or NULL) for a timestamptz[] cast. */
export function timestampArray(values: readonly (Date | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.toISOString()}"`)).join(',')}}`;
}

/** `'a', 'b'` for an IN list of fixed codes (never user input). */
export function sqlList(codes: readonly string[]): SQL {
  return sql.raw(codes.map((code) => `'${code.replaceAll("'", "''")}'`).join(', '));
}
