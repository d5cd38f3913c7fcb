import { ruleTooCostlyError } from '../errors';
import type { Database, Tx } from './database';
import { withTransaction } from './transaction';
import { databaseTimeoutOf } from './unavailable';

/**
 * Runs work that evaluates an operator-written segment rule (previews, audience counts) in one transaction under
 * `limitMs` (`SET LOCAL statement_timeout`): a rule within the budget that still runs too long is cut, its
 * connection freed at once, and the operator told to simplify it (422 RULE_TOO_COSTLY). PostgreSQL enforces the
 * limit; PGlite has no statement timeout (the budget alone bounds its previews).
 */
export async function withRuleTimeout<T>(database: Database, limitMs: number, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await withTransaction(database, work, { statementTimeoutMs: limitMs });
  } catch (error) {
    if (databaseTimeoutOf(error) === 'statement') throw ruleTooCostlyError(limitMs);
    throw error;
  }
}
