import { sql } from 'drizzle-orm';
import type { Database, DatabaseKind } from './database';

/** Matches the `database` part of the shared HealthResponse contract. */
export interface DatabaseHealth {
  ok: boolean;
  kind: DatabaseKind;
  latencyMs: number | null;
  error?: string;
}

/** The driver's message rather than Drizzle's wrapper, whose message repeats the query. */
function rootMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Runs `select 1` with a time limit. Never throws: a failure is reported in the result. */
export async function pingDatabase(database: Database, timeoutMs = 2000): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([database.db.execute(sql`select 1`), timeout]);
    return { ok: true, kind: database.kind, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, kind: database.kind, latencyMs: null, error: rootMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}
