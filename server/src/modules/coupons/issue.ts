import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db';
import { couponTemplates, coupons, type CouponSource } from '../../db/schema';
import { AppError } from '../../errors';
import { couponValidity, newCouponCode, type CouponTemplateRow } from './coupon-terms';
import type { CouponRow } from './coupons.repo';

/** A fresh code colliding with an existing one is a 1-in-2^60 event; a few attempts make it a non-event. */
const CODE_ATTEMPTS = 3;

export interface IssueCouponInput {
  templateId: number;
  memberId: number;
  source: CouponSource;
  /** Names the issuing fact (see the coupons table); the same key never issues twice. */
  sourceKey: string;
  now: Date;
  campaignId?: number;
  campaignStepId?: number;
}

export type IssueDecision =
  | { kind: 'issued'; coupon: CouponRow; alreadyIssued: boolean }
  | { kind: 'out_of_stock' }
  | { kind: 'unavailable'; reason: 'unknown_template' | 'template_not_active' | 'template_ended' };

async function existingIssue(tx: Tx, input: Pick<IssueCouponInput, 'memberId' | 'templateId' | 'sourceKey'>) {
  const [row] = await tx
    .select()
    .from(coupons)
    .where(
      and(eq(coupons.memberId, input.memberId), eq(coupons.templateId, input.templateId), eq(coupons.sourceKey, input.sourceKey)),
    );
  return row;
}

/**
 * Takes one unit of the template's stock: `issued_count + 1` only while the template is active, open at `now`
 * and below total_stock. The row lock it takes serialises every issue of this template until commit, so the
 * stock check cannot be raced; it returns the template as of that lock.
 */
async function takeStock(tx: Tx, templateId: number, now: Date, extra: SQL = sql`true`): Promise<CouponTemplateRow | undefined> {
  const [template] = await tx
    .update(couponTemplates)
    .set({ issuedCount: sql`${couponTemplates.issuedCount} + 1`, updatedAt: now })
    .where(
      and(
        eq(couponTemplates.id, templateId),
        eq(couponTemplates.status, 'active'),
        sql`(${couponTemplates.validityKind} <> 'fixed' or ${couponTemplates.validTo} > ${now.toISOString()}::timestamptz)`,
        sql`(${couponTemplates.totalStock} is null or ${couponTemplates.issuedCount} < ${couponTemplates.totalStock})`,
        extra,
      ),
    )
    .returning();
  return template;
}

async function giveBackStock(tx: Tx, templateId: number, now: Date): Promise<void> {
  await tx
    .update(couponTemplates)
    .set({ issuedCount: sql`${couponTemplates.issuedCount} - 1`, updatedAt: now })
    .where(eq(couponTemplates.id, templateId));
}

/** Inserts the coupon unless (member, template, source_key) exists; undefined when it does. */
async function insertCoupon(tx: Tx, template: CouponTemplateRow, input: IssueCouponInput): Promise<CouponRow | undefined> {
  const { validFrom, validTo } = couponValidity(template, input.now);
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const [row] = await tx
      .insert(coupons)
      .values({
        code: newCouponCode(),
        templateId: template.id,
        memberId: input.memberId,
        status: 'available',
        source: input.source,
        sourceKey: input.sourceKey,
        campaignId: input.campaignId,
        campaignStepId: input.campaignStepId,
        issuedAt: input.now,
        validFrom,
        validTo,
        updatedAt: input.now,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
    if (await existingIssue(tx, input)) return undefined;
  }
  throw new Error('could not draw an unused coupon code');
}

async function whyUnavailable(tx: Tx, templateId: number, now: Date): Promise<Exclude<IssueDecision, { kind: 'issued' }>> {
  const [template] = await tx.select().from(couponTemplates).where(eq(couponTemplates.id, templateId));
  if (!template) return { kind: 'unavailable', reason: 'unknown_template' };
  if (template.status !== 'active') return { kind: 'unavailable', reason: 'template_not_active' };
  if (template.validityKind === 'fixed' && template.validTo && template.validTo.getTime() <= now.getTime()) {
    return { kind: 'unavailable', reason: 'template_ended' };
  }
  return { kind: 'out_of_stock' };
}

/**
 * Issues one coupon of a template to a member inside the caller's transaction (campaign steps, tier gifts,
 * points redemption). Idempotent by `sourceKey`: a repeat returns the coupon issued the first time, also when
 * the two run concurrently. Stock is taken atomically; running out is a decision, not an exception, so the
 * caller chooses what to do (skip the delivery, refund the points).
 */
export async function issueCoupon(tx: Tx, input: IssueCouponInput): Promise<IssueDecision> {
  const earlier = await existingIssue(tx, input);
  if (earlier) return { kind: 'issued', coupon: earlier, alreadyIssued: true };
  const template = await takeStock(tx, input.templateId, input.now);
  if (!template) {
    // A concurrent issue of the same key may have taken the last unit.
    const concurrent = await existingIssue(tx, input);
    if (concurrent) return { kind: 'issued', coupon: concurrent, alreadyIssued: true };
    return whyUnavailable(tx, input.templateId, input.now);
  }
  const coupon = await insertCoupon(tx, template, input);
  if (coupon) return { kind: 'issued', coupon, alreadyIssued: false };
  await giveBackStock(tx, input.templateId, input.now);
  const winner = await existingIssue(tx, input);
  if (!winner) throw new Error('coupon issue conflicted but no earlier coupon was found');
  return { kind: 'issued', coupon: winner, alreadyIssued: true };
}

/**
 * A member claims a template in the claim centre. Stock first (the template row lock also serialises this
 * member's concurrent claims), then the member's lowest free slot `claim:<n>`, n ≤ per_member_limit; the unique
 * (member_id, template_id, source_key) key backs the limit up. Throws 404 / 409; the caller's transaction
 * rolls back, stock included.
 */
export async function claimCoupon(tx: Tx, input: { templateId: number; memberId: number; now: Date }): Promise<CouponRow> {
  const open = sql`${couponTemplates.claimable} and (${couponTemplates.validityKind} <> 'fixed' or ${couponTemplates.validFrom} <= ${input.now.toISOString()}::timestamptz)`;
  const template = await takeStock(tx, input.templateId, input.now, open);
  if (!template) {
    const [current] = await tx.select().from(couponTemplates).where(eq(couponTemplates.id, input.templateId));
    if (!current || !current.claimable || current.status !== 'active') {
      throw new AppError('NOT_FOUND', `Coupon ${input.templateId} is not offered for claiming`);
    }
    const at = input.now.getTime();
    const windowClosed =
      current.validityKind === 'fixed' &&
      ((current.validFrom?.getTime() ?? 0) > at || (current.validTo?.getTime() ?? Number.POSITIVE_INFINITY) <= at);
    if (windowClosed) throw new AppError('CONFLICT', 'This coupon cannot be claimed now: it is outside its claiming period');
    throw new AppError('CONFLICT', 'This coupon has run out: all of it has been claimed');
  }
  const claimed = await tx
    .select({ sourceKey: coupons.sourceKey })
    .from(coupons)
    .where(and(eq(coupons.memberId, input.memberId), eq(coupons.templateId, input.templateId), sql`${coupons.source} = 'claim'`));
  const taken = new Set(claimed.map((row) => row.sourceKey));
  const limit = template.perMemberLimit ?? Number.POSITIVE_INFINITY;
  for (let slot = 1; slot <= Math.min(limit, taken.size + 1); slot++) {
    const sourceKey = `claim:${slot}`;
    if (taken.has(sourceKey)) continue;
    const coupon = await insertCoupon(tx, template, { ...input, source: 'claim', sourceKey });
    if (coupon) return coupon;
  }
  throw new AppError('CONFLICT', `You have already claimed this coupon the most times allowed (${template.perMemberLimit ?? 0})`);
}
