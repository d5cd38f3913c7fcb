import { eq, sql } from 'drizzle-orm';
import {
  shanghaiDate,
  type CouponTemplateAdminView,
  type CreateCouponTemplateRequest,
  type UpdateCouponTemplateRequest,
} from '@member-ops/shared';
import { execute, withTransaction, type Database, type Executor } from '../../db';
import { couponTemplates } from '../../db/schema';
import { AppError } from '../../errors';
import { describeCouponTerms, termsOf } from '../coupons';
import { recordAudit } from '../payments';

type TemplateRow = typeof couponTemplates.$inferSelect;

export interface CouponTemplatesDeps {
  database: Database;
  now: Date;
  actor: { staffId: number; ip?: string; requestId?: string };
}

function toView(row: TemplateRow, usedCount: number): CouponTemplateAdminView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    terms: describeCouponTerms(termsOf(row)),
    status: row.status,
    totalStock: row.totalStock,
    issuedCount: row.issuedCount,
    usedCount,
    perMemberLimit: row.perMemberLimit,
    claimable: row.claimable,
    pointsPrice: row.pointsPrice,
    validity:
      row.validityKind === 'fixed' && row.validFrom && row.validTo
        ? `${shanghaiDate(row.validFrom)} 至 ${shanghaiDate(row.validTo)}`
        : `领取后 ${row.validDays ?? 0} 天内有效`,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function usedCounts(executor: Executor): Promise<Map<number, number>> {
  const rows = await execute<{ template_id: number; n: number }>(
    executor,
    sql`select template_id, count(*)::int as n from coupons where status = 'used' group by template_id`,
  );
  return new Map(rows.map((r) => [r.template_id, r.n]));
}

export async function listCouponTemplates(database: Database): Promise<CouponTemplateAdminView[]> {
  const rows = await database.db.select().from(couponTemplates).orderBy(couponTemplates.id);
  const used = await usedCounts(database.db);
  return rows.map((row) => toView(row, used.get(row.id) ?? 0));
}

/** Creates a template with its discount terms, validity, stock and limits; audited with the terms as saved. */
export async function createCouponTemplate(
  deps: CouponTemplatesDeps,
  body: CreateCouponTemplateRequest,
): Promise<CouponTemplateAdminView> {
  return withTransaction(deps.database, async (tx) => {
    const [created] = await tx
      .insert(couponTemplates)
      .values({
        name: body.name,
        description: body.description,
        type: body.type,
        thresholdFen: body.thresholdFen,
        amountOffFen: body.amountOffFen,
        percentOffBp: body.percentOffBp,
        capFen: body.capFen,
        applicableCategories: body.applicableCategories,
        validityKind: body.validityKind,
        validFrom: body.validFrom === null ? null : new Date(body.validFrom),
        validTo: body.validTo === null ? null : new Date(body.validTo),
        validDays: body.validDays,
        totalStock: body.totalStock,
        perMemberLimit: body.perMemberLimit,
        claimable: body.claimable,
        pointsPrice: body.pointsPrice,
        status: body.status,
        createdBy: deps.actor.staffId,
        createdAt: deps.now,
        updatedAt: deps.now,
      })
      .returning();
    if (!created) throw new Error('insert into coupon_templates returned no row');
    const view = toView(created, 0);
    await recordAudit(
      tx,
      deps.now,
      'coupon_template.create',
      'coupon_template',
      created.id,
      {
        name: created.name,
        terms: view.terms,
        validity: view.validity,
        status: created.status,
        totalStock: created.totalStock,
        perMemberLimit: created.perMemberLimit,
        pointsPrice: created.pointsPrice,
      },
      deps.actor,
    );
    return view;
  });
}

/** Edits a template's name, stock, limits, claimability and status; every change is audited with before → after. */
export async function updateCouponTemplate(
  deps: CouponTemplatesDeps,
  id: number,
  body: UpdateCouponTemplateRequest,
): Promise<CouponTemplateAdminView> {
  return withTransaction(deps.database, async (tx) => {
    const [before] = await tx.select().from(couponTemplates).where(eq(couponTemplates.id, id)).for('update');
    if (!before) throw new AppError('NOT_FOUND', `No coupon template ${id}`);
    if (body.totalStock !== undefined && body.totalStock !== null && body.totalStock < before.issuedCount) {
      const message = `below the ${before.issuedCount} coupons already issued`;
      throw new AppError('VALIDATION_FAILED', `Invalid input — body.totalStock: ${message}`, [
        { field: 'body.totalStock', message },
      ]);
    }
    const [after] = await tx
      .update(couponTemplates)
      .set({ ...body, updatedAt: deps.now })
      .where(eq(couponTemplates.id, id))
      .returning();
    if (!after) throw new Error(`coupon template ${id} vanished`);
    const changes = Object.fromEntries(
      Object.keys(body).map((key) => [
        key,
        { from: before[key as keyof TemplateRow] ?? null, to: after[key as keyof TemplateRow] ?? null },
      ]),
    );
    await recordAudit(tx, deps.now, 'coupon_template.update', 'coupon_template', id, changes, deps.actor);
    return toView(after, (await usedCounts(tx)).get(id) ?? 0);
  });
}
