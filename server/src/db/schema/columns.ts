import { sql, type SQL } from 'drizzle-orm';
import { bigint, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * Column conventions shared by every table: ids are bigint identities read as JS numbers (safe up to 2^53),
 * money is bigint fen, times are timestamptz read as UTC `Date`s.
 */

/** Surrogate primary key. "By default" so imports and seeds may supply their own ids. */
export const idPrimaryKey = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();

/** A reference to another table's bigint id. */
export const idRef = (name: string) => bigint(name, { mode: 'number' });

/** An amount of money in integer fen. */
export const fen = (name: string) => bigint(name, { mode: 'number' });

/** A UTC instant. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Creation time, set by the database. */
export const createdAt = () => instant('created_at').notNull().defaultNow();

/** Last-change time; writers set it explicitly (no trigger hides the update). */
export const updatedAt = () => instant('updated_at').notNull().defaultNow();

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * `column IN ('a', 'b', ...)` with the values written literally, as a CHECK constraint needs
 * (a bound parameter cannot appear in DDL).
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map(quoteLiteral).join(', '))})`;
}

/** Same as {@link oneOf} but also accepts NULL, for columns that are unset until computed. */
export function nullOrOneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`(${column} is null or ${oneOf(column, values)})`;
}
