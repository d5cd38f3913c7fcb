import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { SubscriptionResultsRequest, SubscriptionsResponse } from '@member-ops/shared';
import { withTransaction, type Database } from '../../db';
import { subscribeTemplates, subscriptionCredits, subscriptionEvents } from '../../db/schema';
import { AppError } from '../../errors';

/**
 * Records what the shopper answered to wx.requestSubscribeMessage: every answer goes to the history; accept adds
 * one send credit, ban (the shopper switched the template off) drops the unused ones, reject leaves them.
 * All templates must be known and active, or nothing is recorded.
 */
export async function recordSubscriptionResults(
  database: Database,
  memberId: number,
  request: SubscriptionResultsRequest,
  now: Date,
): Promise<void> {
  const ids = request.results.map((r) => r.templateId);
  const known = await database.db
    .select({ templateId: subscribeTemplates.templateId })
    .from(subscribeTemplates)
    .where(and(inArray(subscribeTemplates.templateId, ids), eq(subscribeTemplates.active, true)));
  const knownIds = new Set(known.map((row) => row.templateId));
  const unknown = request.results.flatMap((r, index) => (knownIds.has(r.templateId) ? [] : [{ index, id: r.templateId }]));
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Unknown subscribe template: ${unknown.map((u) => u.id).join(', ')}`,
      unknown.map((u) => ({ field: `body.results.${u.index}.templateId`, message: `unknown template ${u.id}` })),
    );
  }

  await withTransaction(database, async (tx) => {
    // The history row is the idempotency record: only answers not seen before (same member, request, template) move
    // the credits, so a retried request never grants a second send.
    const recorded = await tx
      .insert(subscriptionEvents)
      .values(
        request.results.map((r) => ({
          memberId,
          templateId: r.templateId,
          result: r.result,
          context: request.context ?? null,
          requestId: request.requestId,
          at: now,
        })),
      )
      .onConflictDoNothing({ target: [subscriptionEvents.memberId, subscriptionEvents.requestId, subscriptionEvents.templateId] })
      .returning({ templateId: subscriptionEvents.templateId });
    const fresh = new Set(recorded.map((row) => row.templateId));
    const newResults = request.results.filter((r) => fresh.has(r.templateId));
    if (newResults.length === 0) return;
    await tx
      .insert(subscriptionCredits)
      .values(
        newResults.map((r) => ({
          memberId,
          templateId: r.templateId,
          credits: r.result === 'accept' ? 1 : 0,
          lastResult: r.result,
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [subscriptionCredits.memberId, subscriptionCredits.templateId],
        set: {
          credits: sql`case excluded.last_result
                         when 'accept' then ${subscriptionCredits.credits} + 1
                         when 'ban' then 0
                         else ${subscriptionCredits.credits} end`,
          lastResult: sql`excluded.last_result`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  });
}

/** Every active template with the member's unused sends (0 when never asked). */
export async function listSubscriptions(database: Database, memberId: number): Promise<SubscriptionsResponse> {
  const rows = await database.db
    .select({
      templateId: subscribeTemplates.templateId,
      title: subscribeTemplates.title,
      purpose: subscribeTemplates.purpose,
      credits: sql<number>`coalesce(${subscriptionCredits.credits}, 0)`.mapWith(Number),
      lastResult: subscriptionCredits.lastResult,
    })
    .from(subscribeTemplates)
    .leftJoin(
      subscriptionCredits,
      and(eq(subscriptionCredits.templateId, subscribeTemplates.templateId), eq(subscriptionCredits.memberId, memberId)),
    )
    .where(eq(subscribeTemplates.active, true))
    .orderBy(asc(subscribeTemplates.templateId));
  return { templates: rows };
}
