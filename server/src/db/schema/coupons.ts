import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, unique, type AnyPgColumn } from 'drizzle-orm/pg-core';
import {
  COUPON_SOURCES,
  COUPON_STATUSES,
  COUPON_TEMPLATE_STATUSES,
  COUPON_TYPES,
  COUPON_VALIDITY_KINDS,
  type CouponSource,
  type CouponStatus,
  type CouponTemplateStatus,
  type CouponType,
  type CouponValidityKind,
} from './codes';
import { campaignSteps, campaigns } from './campaigns';
import { createdAt, fen, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { members } from './members';
import { orders } from './orders';
import { staffAccounts } from './staff';

/**
 * What a coupon is worth and how it may be issued. Issuing increments issued_count in the same transaction
 * as the coupon insert; the CHECK against total_stock makes an over-issue fail instead of happening.
 */
export const couponTemplates = pgTable(
  'coupon_templates',
  {
    id: idPrimaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    type: text('type').$type<CouponType>().notNull(),
    thresholdFen: fen('threshold_fen').notNull().default(0),
    amountOffFen: fen('amount_off_fen'),
    /** Percent off in basis points of the price: 1500 = 15 % off (八五折). */
    percentOffBp: integer('percent_off_bp'),
    capFen: fen('cap_fen'),
    validityKind: text('validity_kind').$type<CouponValidityKind>().notNull(),
    validFrom: instant('valid_from'),
    validTo: instant('valid_to'),
    validDays: integer('valid_days'),
    /** Null means unlimited. */
    totalStock: integer('total_stock'),
    issuedCount: integer('issued_count').notNull().default(0),
    perMemberLimit: integer('per_member_limit'),
    /** Category codes; empty means every category. */
    applicableCategories: text('applicable_categories')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    claimable: boolean('claimable').notNull().default(false),
    /** Price in the points shop; null when the coupon cannot be bought with points. */
    pointsPrice: integer('points_price'),
    status: text('status').$type<CouponTemplateStatus>().notNull().default('draft'),
    createdBy: idRef('created_by').references(() => staffAccounts.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('coupon_templates_claimable_idx')
      .on(t.status)
      .where(sql`${t.claimable}`),
    check('coupon_templates_type_check', oneOf(t.type, COUPON_TYPES)),
    check('coupon_templates_status_check', oneOf(t.status, COUPON_TEMPLATE_STATUSES)),
    check('coupon_templates_validity_kind_check', oneOf(t.validityKind, COUPON_VALIDITY_KINDS)),
    check(
      'coupon_templates_amounts_check',
      sql`${t.thresholdFen} >= 0 and ${t.amountOffFen} > 0 and ${t.capFen} > 0 and ${t.percentOffBp} between 1 and 9999`,
    ),
    check(
      'coupon_templates_type_fields_check',
      sql`case ${t.type}
        when 'amount_off' then ${t.amountOffFen} is not null
        when 'no_threshold' then ${t.amountOffFen} is not null and ${t.thresholdFen} = 0
        when 'percent_off' then ${t.percentOffBp} is not null
        else true end`,
    ),
    check(
      'coupon_templates_validity_check',
      sql`case ${t.validityKind}
        when 'fixed' then ${t.validFrom} is not null and ${t.validTo} > ${t.validFrom}
        else ${t.validDays} > 0 end`,
    ),
    check(
      'coupon_templates_stock_check',
      sql`${t.issuedCount} >= 0 and ${t.totalStock} >= 0 and ${t.issuedCount} <= ${t.totalStock}`,
    ),
    check('coupon_templates_limits_check', sql`${t.perMemberLimit} >= 1 and ${t.pointsPrice} > 0`),
  ],
);

/**
 * An issued coupon. `source_key` names the issuing fact: `step:<id>:<occurrence>` for a campaign step,
 * `claim:<n>` for the n-th claim (n ≤ per_member_limit), `tier:<tier>:<year>` for a tier benefit,
 * `points:<ledger id>` when bought with points. UNIQUE (member_id, template_id, source_key) makes a second
 * issue of the same fact fail.
 */
export const coupons = pgTable(
  'coupons',
  {
    id: idPrimaryKey(),
    code: text('code').notNull().unique(),
    templateId: idRef('template_id')
      .notNull()
      .references(() => couponTemplates.id),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    status: text('status').$type<CouponStatus>().notNull().default('available'),
    source: text('source').$type<CouponSource>().notNull(),
    sourceKey: text('source_key').notNull(),
    campaignId: idRef('campaign_id').references(() => campaigns.id),
    campaignStepId: idRef('campaign_step_id').references(() => campaignSteps.id),
    issuedAt: instant('issued_at').notNull().defaultNow(),
    validFrom: instant('valid_from').notNull(),
    validTo: instant('valid_to').notNull(),
    /** The pending order holding the coupon while it is `locked`. */
    lockedOrderId: idRef('locked_order_id').references((): AnyPgColumn => orders.id),
    usedOrderId: idRef('used_order_id').references((): AnyPgColumn => orders.id),
    usedAt: instant('used_at'),
    redeemedByStaff: idRef('redeemed_by_staff').references(() => staffAccounts.id),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('coupons_issue_once_key').on(t.memberId, t.templateId, t.sourceKey),
    index('coupons_member_status_idx').on(t.memberId, t.status, t.validTo),
    index('coupons_template_idx').on(t.templateId),
    // A member's own claims of a template (claim centre "already claimed", the claim's free slot), without
    // reading the coupons campaigns gave them.
    index('coupons_member_claims_idx')
      .on(t.memberId, t.templateId)
      .where(sql`${t.source} = 'claim'`),
    index('coupons_campaign_idx')
      .on(t.campaignId)
      .where(sql`${t.campaignId} is not null`),
    index('coupons_expiry_idx')
      .on(t.validTo)
      .where(sql`${t.status} = 'available'`),
    check('coupons_status_check', oneOf(t.status, COUPON_STATUSES)),
    check('coupons_source_check', oneOf(t.source, COUPON_SOURCES)),
    check('coupons_validity_check', sql`${t.validTo} > ${t.validFrom}`),
    check('coupons_locked_has_order_check', sql`(${t.status} = 'locked') = (${t.lockedOrderId} is not null)`),
    check('coupons_used_has_time_check', sql`(${t.status} = 'used') = (${t.usedAt} is not null)`),
  ],
);
