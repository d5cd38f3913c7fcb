import { z } from 'zod';
import { JsonInput, text } from './common';
import { COUPON_KINDS } from '../coupons';
import { LIFECYCLE_STAGES, PRICE_BANDS, RFM_SEGMENTS, STAFF_ROLES, TIER_CODES, VALUE_LAYERS } from '../vocabulary';

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const idQuery = z.coerce.number().pipe(positiveId);
const isoTime = z.iso.datetime();
const isoInput = z.iso.datetime({ offset: true });

/* ---------- dashboard ---------- */

export const DashboardResponse = z
  .object({
    members: z.int(),
    buyers: z.int(),
    repeatBuyers: z.int(),
    repeatPurchaseRate: z.number().meta({ description: 'Members with ≥ 2 paid orders ÷ members with ≥ 1' }),
    segmentsAsOf: isoTime.nullable(),
    byTier: z.array(z.object({ tier: z.enum(TIER_CODES), members: z.int() })),
    lifecycleFunnel: z.array(z.object({ stage: z.enum(LIFECYCLE_STAGES), members: z.int() })),
    rfmMatrix: z.array(
      z.object({
        segment: z.enum(RFM_SEGMENTS),
        members: z.int(),
        monetary365Fen: z.int(),
        revenueShare: z.number().meta({ description: 'This segment’s share of the 365-day spend of all scored members' }),
      }),
    ),
    tierMigrations: z
      .array(z.object({ month: z.string(), from: z.string(), to: z.string(), members: z.int() }))
      .meta({ description: 'Tier moves (upgrades, review outcomes, refunds) from tier_history, per Shanghai month' }),
  })
  .meta({ id: 'DashboardResponse' });
export type DashboardResponse = z.infer<typeof DashboardResponse>;

/* ---------- members ---------- */

export const MEMBER_SORTS = ['newest', 'last_order', 'expected_value'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(400)
    .transform((list) => list.split(',').filter((part) => part.length > 0))
    .pipe(z.array(z.enum(values)).max(values.length));

export const MemberListQuery = z.object({
  tier: csv(TIER_CODES).optional(),
  rfmSegment: csv(RFM_SEGMENTS).optional(),
  lifecycle: csv(LIFECYCLE_STAGES).optional(),
  valueLayer: csv(VALUE_LAYERS).optional(),
  storeId: idQuery.optional(),
  repId: idQuery.optional(),
  tag: text(64).optional(),
  lastOrderFrom: isoInput.optional(),
  lastOrderTo: isoInput.optional(),
  phoneTail: z
    .string()
    .regex(/^\d{4}$/, 'four digits')
    .optional(),
  sort: z.enum(MEMBER_SORTS).default('newest'),
  cursor: text(200, { min: 0, trim: false })
    .optional()
    .meta({ description: 'nextCursor of the previous page (keyset paging; stays fast at any depth)' }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type MemberListQuery = z.infer<typeof MemberListQuery>;

export const MemberListItem = z.object({
  id: z.int(),
  nickname: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  tier: z.enum(TIER_CODES),
  lifecycle: z.enum(LIFECYCLE_STAGES),
  rfmSegment: z.enum(RFM_SEGMENTS).nullable(),
  valueLayer: z.enum(VALUE_LAYERS).nullable(),
  storeId: z.int().nullable(),
  ownerRepId: z.int().nullable(),
  tags: z.array(z.string()),
  ordersTotal: z.int(),
  spendTotalFen: z.int(),
  lastOrderAt: isoTime.nullable(),
  expectedValue365Fen: z.int().nullable(),
  registeredAt: isoTime,
});
export type MemberListItem = z.infer<typeof MemberListItem>;

export const MemberListResponse = z
  .object({ items: z.array(MemberListItem), nextCursor: z.string().nullable() })
  .meta({ id: 'MemberListResponse' });
export type MemberListResponse = z.infer<typeof MemberListResponse>;

export const MemberParams = z.object({ memberId: idQuery });

export const MemberFilterOptionsResponse = z
  .object({
    stores: z.array(z.object({ id: z.int(), name: z.string() })),
    reps: z.array(z.object({ id: z.int(), displayName: z.string(), storeId: z.int().nullable(), active: z.boolean() })),
  })
  .meta({ id: 'MemberFilterOptionsResponse' });
export type MemberFilterOptionsResponse = z.infer<typeof MemberFilterOptionsResponse>;

export const TIMELINE_KINDS = ['view', 'order', 'points', 'coupon', 'message', 'followup'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TimelineEntry = z.object({
  at: isoTime,
  kind: z.enum(TIMELINE_KINDS),
  title: z.string(),
  detail: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const Member360Response = z
  .object({
    profile: z.object({
      id: z.int(),
      nickname: z.string().nullable(),
      phoneMasked: z.string().nullable(),
      gender: z.string(),
      birthday: z.string().nullable(),
      region: z.string().nullable(),
      storeId: z.int().nullable(),
      storeName: z.string().nullable(),
      ownerRepId: z.int().nullable(),
      ownerRepName: z.string().nullable(),
      registeredAt: isoTime,
      tags: z.array(z.string()),
      doNotContact: z.boolean(),
    }),
    tier: z.object({
      code: z.enum(TIER_CODES),
      since: isoTime.nullable(),
      keepUntil: isoTime.nullable(),
      growthValueFen: z.int(),
      nextTier: z.enum(TIER_CODES).nullable(),
      toNextFen: z.int().nullable(),
    }),
    metrics: z.object({
      pointsBalance: z.int(),
      ordersTotal: z.int(),
      spendTotalFen: z.int(),
      frequency365: z.int(),
      monetary365Fen: z.int(),
      recencyDays: z.int().nullable(),
      rfmR: z.int().nullable(),
      rfmF: z.int().nullable(),
      rfmM: z.int().nullable(),
      rfmSegment: z.enum(RFM_SEGMENTS).nullable(),
      valueLayer: z.enum(VALUE_LAYERS).nullable(),
      lifecycle: z.enum(LIFECYCLE_STAGES),
      pAlive: z.number().nullable(),
      expectedPurchases90: z.number().nullable(),
      expectedValue365Fen: z.int().nullable(),
      lastOrderAt: isoTime.nullable(),
      segmentsAsOf: isoTime.nullable(),
    }),
    preferences: z.object({
      topCategories: z.array(z.string()),
      topBrands: z.array(z.string()),
      priceBand: z.enum(PRICE_BANDS).nullable(),
    }),
    timeline: z.array(TimelineEntry),
  })
  .meta({ id: 'Member360Response' });
export type Member360Response = z.infer<typeof Member360Response>;

/* ---------- segments ---------- */

export const SegmentView = z.object({
  id: z.int(),
  code: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['builtin', 'custom']),
  rule: z.record(z.string(), z.unknown()),
  ruleText: z.string(),
  memberCount: z.int().nullable(),
  refreshedAt: isoTime.nullable(),
  updatedAt: isoTime,
});
export type SegmentView = z.infer<typeof SegmentView>;

export const SegmentListResponse = z.object({ items: z.array(SegmentView) }).meta({ id: 'SegmentListResponse' });
export type SegmentListResponse = z.infer<typeof SegmentListResponse>;

export const SegmentPreviewRequest = z
  .object({ rule: JsonInput.meta({ description: 'A rule in the shared segment rule language' }) })
  .meta({ id: 'SegmentPreviewRequest' });
export type SegmentPreviewRequest = z.infer<typeof SegmentPreviewRequest>;

export const SegmentPreviewResponse = z
  .object({
    count: z.int(),
    ruleText: z.string(),
    sample: z.array(
      MemberListItem.pick({ id: true, nickname: true, tier: true, lifecycle: true, rfmSegment: true, lastOrderAt: true }),
    ),
  })
  .meta({ id: 'SegmentPreviewResponse' });
export type SegmentPreviewResponse = z.infer<typeof SegmentPreviewResponse>;

export const SaveSegmentRequest = z
  .object({
    name: text(60),
    description: text(500, { min: 0 }).optional(),
    rule: JsonInput,
  })
  .meta({ id: 'SaveSegmentRequest' });
export type SaveSegmentRequest = z.infer<typeof SaveSegmentRequest>;

export const SegmentParams = z.object({ segmentId: idQuery });
export const SegmentResponse = z.object({ segment: SegmentView }).meta({ id: 'SegmentResponse' });
export type SegmentResponse = z.infer<typeof SegmentResponse>;

/* ---------- staff management ---------- */

export const StaffAccountView = z.object({
  id: z.int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  storeId: z.int().nullable(),
  active: z.boolean(),
  lastLoginAt: isoTime.nullable(),
  lockedUntil: isoTime.nullable(),
});
export type StaffAccountView = z.infer<typeof StaffAccountView>;

export const StaffListResponse = z
  .object({ items: z.array(StaffAccountView), stores: z.array(z.object({ id: z.int(), name: z.string() })) })
  .meta({ id: 'StaffListResponse' });
export type StaffListResponse = z.infer<typeof StaffListResponse>;

const password = text(256, { min: 0, trim: false }).min(10, 'at least 10 characters');

export const CreateStaffRequest = z
  .object({
    username: z
      .string()
      .trim()
      .regex(/^[a-z0-9._-]{3,40}$/i, '3–40 letters, digits, dot, dash or underscore'),
    displayName: text(60),
    role: z.enum(STAFF_ROLES),
    storeId: positiveId.nullable().default(null),
    password,
  })
  .refine((body) => body.role !== 'store_staff' || body.storeId !== null, {
    message: 'store staff need a store',
    path: ['storeId'],
  })
  .meta({ id: 'CreateStaffRequest' });
export type CreateStaffRequest = z.infer<typeof CreateStaffRequest>;

export const UpdateStaffRequest = z
  .object({
    displayName: text(60).optional(),
    role: z.enum(STAFF_ROLES).optional(),
    storeId: positiveId.nullable().optional(),
    active: z.boolean().optional(),
    password: password.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'change at least one field' })
  .meta({ id: 'UpdateStaffRequest' });
export type UpdateStaffRequest = z.infer<typeof UpdateStaffRequest>;

export const StaffParams = z.object({ staffId: idQuery });
export const StaffAccountResponse = z.object({ staff: StaffAccountView }).meta({ id: 'StaffAccountResponse' });
export type StaffAccountResponse = z.infer<typeof StaffAccountResponse>;

/* ---------- audit log ---------- */

export const AuditQuery = z.object({
  action: text(100).optional(),
  actorStaffId: idQuery.optional(),
  before: idQuery.optional().meta({ description: 'Keyset: entries with a smaller id than this' }),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.int(),
  at: isoTime,
  action: z.string(),
  actorStaffId: z.int().nullable(),
  actorName: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditListResponse = z
  .object({ items: z.array(AuditEntry), nextBefore: z.int().nullable() })
  .meta({ id: 'AuditListResponse' });
export type AuditListResponse = z.infer<typeof AuditListResponse>;

/* ---------- rule versions (tier and points) ---------- */

export const EDITABLE_RULE_KINDS = ['tier', 'points'] as const;
export type EditableRuleKind = (typeof EDITABLE_RULE_KINDS)[number];

export const RuleKindParams = z.object({ kind: z.enum(EDITABLE_RULE_KINDS) });

export const RuleVersionView = z.object({
  version: z.int(),
  effectiveFrom: isoTime,
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: isoTime,
});

export const RuleConfigResponse = z
  .object({
    kind: z.enum(EDITABLE_RULE_KINDS),
    version: z.int().nullable().meta({ description: 'The version in force; null while the built-in defaults apply' }),
    config: z.record(z.string(), z.unknown()),
    versions: z.array(RuleVersionView),
  })
  .meta({ id: 'RuleConfigResponse' });
export type RuleConfigResponse = z.infer<typeof RuleConfigResponse>;

export const RulePreviewRequest = z.object({ config: JsonInput }).meta({ id: 'RulePreviewRequest' });

const TierImpact = z.object({
  upgrades: z.int().meta({ description: 'Members whose growth value already reaches a higher tier’s entry threshold' }),
  belowKeep: z
    .int()
    .meta({ description: 'Members of a paid tier whose growth value is below its keep threshold (down at review)' }),
});

export const RulePreviewResponse = z
  .object({
    kind: z.enum(EDITABLE_RULE_KINDS),
    changes: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
    tier: z
      .object({
        current: TierImpact,
        proposed: TierImpact,
        moves: z.array(z.object({ from: z.enum(TIER_CODES), to: z.enum(TIER_CODES), members: z.int() })),
      })
      .nullable(),
    points: z
      .object({
        windowDays: z.int(),
        orders: z.int(),
        currentPoints: z.int().meta({ description: 'Base points (before tier multipliers) the window’s paid orders earned' }),
        proposedPoints: z.int(),
      })
      .nullable(),
  })
  .meta({ id: 'RulePreviewResponse' });
export type RulePreviewResponse = z.infer<typeof RulePreviewResponse>;

export const SaveRuleRequest = z
  .object({
    config: JsonInput,
    note: text(200, { min: 0 }).optional(),
    effectiveFrom: isoInput.optional().meta({ description: 'Default now: the next refresh and every new order use it' }),
  })
  .meta({ id: 'SaveRuleRequest' });
export type SaveRuleRequest = z.infer<typeof SaveRuleRequest>;

/* ---------- coupon templates ---------- */

export const COUPON_TEMPLATE_STATUS_CODES = ['draft', 'active', 'paused', 'ended'] as const;

export const CouponTemplateAdminView = z.object({
  id: z.int(),
  name: z.string(),
  description: z.string().nullable(),
  terms: z.string().meta({ description: 'The discount as a coupon face says it, e.g. 满100减20' }),
  status: z.enum(COUPON_TEMPLATE_STATUS_CODES),
  totalStock: z.int().nullable(),
  issuedCount: z.int(),
  usedCount: z.int(),
  perMemberLimit: z.int().nullable(),
  claimable: z.boolean(),
  pointsPrice: z.int().nullable(),
  validity: z.string(),
  updatedAt: isoTime,
});
export type CouponTemplateAdminView = z.infer<typeof CouponTemplateAdminView>;

export const CouponTemplateListResponse = z
  .object({ items: z.array(CouponTemplateAdminView) })
  .meta({ id: 'CouponTemplateListResponse' });
export type CouponTemplateListResponse = z.infer<typeof CouponTemplateListResponse>;

export const CouponTemplateParams = z.object({ templateId: idQuery });

/** Discount terms are not editable once a template exists (issued coupons carry them); a new offer is a new template. */
export const UpdateCouponTemplateRequest = z
  .object({
    name: text(60).optional(),
    description: text(200, { min: 0 }).nullable().optional(),
    status: z.enum(COUPON_TEMPLATE_STATUS_CODES).optional(),
    totalStock: z
      .int()
      .min(0)
      .max(100_000_000)
      .nullable()
      .optional()
      .meta({ description: 'Null = unlimited; never below the issued count' }),
    perMemberLimit: z.int().min(1).max(1000).nullable().optional(),
    claimable: z.boolean().optional(),
    pointsPrice: z.int().min(1).max(10_000_000).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'change at least one field' })
  .meta({ id: 'UpdateCouponTemplateRequest' });
export type UpdateCouponTemplateRequest = z.infer<typeof UpdateCouponTemplateRequest>;

export const CouponTemplateResponse = z.object({ template: CouponTemplateAdminView }).meta({ id: 'CouponTemplateResponse' });
export type CouponTemplateResponse = z.infer<typeof CouponTemplateResponse>;

const fenAmount = z.int().min(1).max(100_000_000);

/** Per coupon kind, each discount field: true = required, false = must be left out, null = optional. */
const KIND_FIELDS = {
  amount_off: { amountOffFen: true, percentOffBp: false, capFen: false },
  no_threshold: { amountOffFen: true, percentOffBp: false, capFen: false },
  percent_off: { amountOffFen: false, percentOffBp: true, capFen: null },
  free_shipping: { amountOffFen: false, percentOffBp: false, capFen: false },
} as const satisfies Record<(typeof COUPON_KINDS)[number], Record<string, boolean | null>>;

/**
 * A new coupon template: the discount terms (fixed from then on), the validity, stock and limits. Money is integer
 * fen; `percentOffBp` is the share taken off in basis points (1500 = 8.5折). Templates start as drafts unless
 * `status` says otherwise.
 */
export const CreateCouponTemplateRequest = z
  .object({
    name: text(60),
    description: text(200, { min: 0 }).nullable().default(null),
    type: z.enum(COUPON_KINDS),
    thresholdFen: z.int().min(0).max(100_000_000).default(0).meta({ description: 'Spend needed before the coupon applies' }),
    amountOffFen: fenAmount.nullable().default(null),
    percentOffBp: z.int().min(1).max(9999).nullable().default(null),
    capFen: fenAmount.nullable().default(null).meta({ description: 'Most a percent-off coupon takes off; null = no cap' }),
    applicableCategories: z.array(text(64)).max(50).default([]).meta({ description: 'Category codes; empty = every category' }),
    validityKind: z.enum(['fixed', 'days_after_issue']),
    validFrom: isoInput.nullable().default(null),
    validTo: isoInput.nullable().default(null),
    validDays: z.int().min(1).max(3660).nullable().default(null),
    totalStock: z.int().min(0).max(100_000_000).nullable().default(null).meta({ description: 'Null = unlimited' }),
    perMemberLimit: z.int().min(1).max(1000).nullable().default(null).meta({ description: 'Null = unlimited' }),
    claimable: z.boolean().default(false),
    pointsPrice: z.int().min(1).max(10_000_000).nullable().default(null).meta({ description: 'Null = not sold for points' }),
    status: z.enum(['draft', 'active']).default('draft'),
  })
  .superRefine((body, ctx) => {
    const fields = KIND_FIELDS[body.type];
    for (const field of ['amountOffFen', 'percentOffBp', 'capFen'] as const) {
      const needed = fields[field];
      if (needed === true && body[field] === null) {
        ctx.addIssue({ code: 'custom', path: [field], message: `required for type ${body.type}` });
      } else if (needed === false && body[field] !== null) {
        ctx.addIssue({ code: 'custom', path: [field], message: `not used by type ${body.type}` });
      }
    }
    if (body.type === 'no_threshold' && body.thresholdFen !== 0) {
      ctx.addIssue({ code: 'custom', path: ['thresholdFen'], message: 'a no-threshold coupon has threshold 0' });
    }
    if (
      body.type === 'amount_off' &&
      body.amountOffFen !== null &&
      body.thresholdFen > 0 &&
      body.amountOffFen >= body.thresholdFen
    ) {
      ctx.addIssue({ code: 'custom', path: ['amountOffFen'], message: 'must be less than the threshold' });
    }
    if (body.validityKind === 'fixed') {
      if (body.validFrom === null) ctx.addIssue({ code: 'custom', path: ['validFrom'], message: 'required for fixed validity' });
      if (body.validTo === null) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'required for fixed validity' });
      if (body.validFrom !== null && body.validTo !== null && Date.parse(body.validTo) <= Date.parse(body.validFrom)) {
        ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after validFrom' });
      }
      if (body.validDays !== null) ctx.addIssue({ code: 'custom', path: ['validDays'], message: 'not used by fixed validity' });
    } else {
      if (body.validDays === null) {
        ctx.addIssue({ code: 'custom', path: ['validDays'], message: 'required for validity after issue' });
      }
      for (const field of ['validFrom', 'validTo'] as const) {
        if (body[field] !== null) ctx.addIssue({ code: 'custom', path: [field], message: 'only used by fixed validity' });
      }
    }
  })
  .meta({ id: 'CreateCouponTemplateRequest' });
export type CreateCouponTemplateRequest = z.infer<typeof CreateCouponTemplateRequest>;
/** The request as a client writes it: fields with defaults may be left out. */
export type CreateCouponTemplateInput = z.input<typeof CreateCouponTemplateRequest>;
