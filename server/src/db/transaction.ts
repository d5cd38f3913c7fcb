import { sql } from 'drizzle-orm';
import type { Database, Tx } from './database';
import { pgErrorOf } from './pg-error';

export interface TransactionOptions {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /**
   * How many times to re-run the whole transaction after a serialization failure (40001) or a deadlock
   * (40P01), which PostgreSQL reports when concurrent transactions conflict. Default 2. The work function
   * must therefore have no side effects outside the database.
   */
  retries?: number;
  /**
   * `SET LOCAL statement_timeout` for this transaction only, in milliseconds: a tighter limit for work whose cost
   * the caller cannot bound (previews of operator-written rules). Enforced by PostgreSQL; PGlite ignores it.
   */
  statementTimeoutMs?: number;
}

const RETRYABLE_CODES = new Set(['40001', '40P01']);

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the error is
 * rethrown). Nothing outside the database (messages, HTTP calls) belongs inside; put those in the outbox.
 *
 * @example
 * const order = await withTransaction(database, async (tx) => {
 *   const [row] = await tx.insert(orders).values(newOrder).returning();
 *   await tx.update(skus).set({ stock: sql`${skus.stock} - 1` }).where(eq(skus.id, skuId));
 *   return row;
 * });
 */
export async function withTransaction<T>(
  database: Database,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 2;
  const config = options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined;
  const statementTimeout =
    options.statementTimeoutMs === undefined ? undefined : Math.max(1, Math.trunc(options.statementTimeoutMs));
  for (let attempt = 0; ; attempt++) {
    try {
      return await database.db.transaction(async (tx) => {
        if (statementTimeout !== undefined) await tx.execute(sql.raw(`set local statement_timeout = ${statementTimeout}`));
        return work(tx);
      }, config);
    } catch (error) {
      const code = pgErrorOf(error)?.code;
      if (attempt >= retries || code === undefined || !RETRYABLE_CODES.has(code)) throw error;
    }
  }
}
