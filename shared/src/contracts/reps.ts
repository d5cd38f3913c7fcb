import { z } from 'zod';
import { text } from './common';
import { LIFECYCLE_STAGES, PRICE_BANDS, RFM_SEGMENTS, TIER_CODES, VALUE_LAYERS } from '../vocabulary';

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const idParam = z.coerce.number().pipe(positiveId);
const isoTime = z.iso.datetime();

/** A follow-up task's state; everything but `open` closes it. */
export const FOLLOWUP_STATUSES = ['open', 'contacted', 'no_answer', 'converted', 'do_not_contact'] as const;
export type FollowupStatus = (typeof FOLLOWUP_STATUSES)[number];
export const FOLLOWUP_STATUS_LABELS: Record<FollowupStatus, string> = {
  open: '待跟进',
  contacted: '已联系',
  no_answer: '未接通',
  converted: '已成交',
  do_not_contact: '勿扰',
};

/** How a contact list is ordered: by predicted 365-day value, by churn risk (1 − P(alive)), or value × risk. */
export const CONTACT_SORTS = ['priority', 'value', 'risk'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export const ContactListQuery = z.object({
  tier: z.enum(TIER_CODES).optional().meta({ description: 'Only this tier; default every tier' }),
  segmentId: z.coerce.number().pipe(positiveId).optional().meta({ description: 'Only members of this saved segment' }),
  repId: z.coerce
    .number()
    .pipe(positiveId)
    .optional()
    .meta({ description: 'Admins and operators: whose portfolio (a sales rep always sees their own)' }),
  sort: z.enum(CONTACT_SORTS).default('priority'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

/** One FABE talk-track (特征 Feature, 优势 Advantage, 利益 Benefit, 证据 Evidence) for a tier. */
export const TalkTrackView = z.object({
  id: z.int(),
  tier: z.enum(TIER_CODES),
  title: z.string(),
  feature: z.string(),
  advantage: z.string(),
  benefit: z.string(),
  evidence: z.string(),
});
export type TalkTrackView = z.infer<typeof TalkTrackView>;

export const ContactFollowup = z.object({
  id: z.int(),
  status: z.enum(FOLLOWUP_STATUSES),
  dueAt: isoTime,
  title: z.string().nullable(),
});

export const ContactItem = z.object({
  memberId: z.int(),
  nickname: z.string().nullable(),
  phoneMasked: z.string().nullable().meta({ description: '138****8000; the full number only through the audited phone route' }),
  tier: z.enum(TIER_CODES),
  lifecycle: z.enum(LIFECYCLE_STAGES),
  rfmSegment: z.enum(RFM_SEGMENTS).nullable(),
  valueLayer: z.enum(VALUE_LAYERS).nullable(),
  expectedValue365Fen: z.int().nullable(),
  pAlive: z.number().nullable(),
  risk: z.number().nullable().meta({ description: '1 − P(alive); null before the first CLV fit or for a non-buyer' }),
  priority: z.number().meta({ description: 'Predicted value × risk in fen, the default ranking' }),
  lastOrderAt: isoTime.nullable(),
  lastOrderAmountFen: z.int().nullable(),
  ordersTotal: z.int(),
  topCategories: z.array(z.string()),
  topBrands: z.array(z.string()),
  priceBand: z.enum(PRICE_BANDS).nullable(),
  openFollowup: ContactFollowup.nullable(),
});
export type ContactItem = z.infer<typeof ContactItem>;

export const ContactListResponse = z
  .object({
    repId: z.int(),
    tier: z.enum(TIER_CODES).nullable(),
    talkTracks: z.array(TalkTrackView).meta({ description: 'The FABE talk-tracks of the requested tier (empty without a tier)' }),
    items: z.array(ContactItem),
    page: z.int(),
    pageSize: z.int(),
    hasMore: z.boolean(),
  })
  .meta({ id: 'ContactListResponse' });
export type ContactListResponse = z.infer<typeof ContactListResponse>;

export const ContactSummaryQuery = z.object({ repId: ContactListQuery.shape.repId });
export type ContactSummaryQuery = z.infer<typeof ContactSummaryQuery>;

export const ContactSummaryResponse = z
  .object({
    repId: z.int(),
    tiers: z.array(z.object({ tier: z.enum(TIER_CODES), members: z.int(), openFollowups: z.int() })),
    overdueFollowups: z.int(),
  })
  .meta({ id: 'ContactSummaryResponse' });
export type ContactSummaryResponse = z.infer<typeof ContactSummaryResponse>;

export const ContactExportQuery = ContactListQuery.pick({ tier: true, segmentId: true, repId: true, sort: true });
export type ContactExportQuery = z.infer<typeof ContactExportQuery>;

export const MemberIdParams = z.object({ memberId: idParam });
export type MemberIdParams = z.infer<typeof MemberIdParams>;

export const FullPhoneResponse = z.object({ memberId: z.int(), phone: z.string().nullable() }).meta({ id: 'FullPhoneResponse' });
export type FullPhoneResponse = z.infer<typeof FullPhoneResponse>;

export const FOLLOWUP_DUE_FILTERS = ['all', 'overdue', 'today', 'upcoming'] as const;

export const FollowupListQuery = z.object({
  status: z.enum(FOLLOWUP_STATUSES).optional(),
  due: z.enum(FOLLOWUP_DUE_FILTERS).default('all'),
  memberId: z.coerce.number().pipe(positiveId).optional(),
  repId: ContactListQuery.shape.repId,
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type FollowupListQuery = z.infer<typeof FollowupListQuery>;

export const FollowupView = z.object({
  id: z.int(),
  memberId: z.int(),
  memberNickname: z.string().nullable(),
  memberTier: z.enum(TIER_CODES),
  repId: z.int(),
  campaignId: z.int().nullable(),
  title: z.string().nullable(),
  dueAt: isoTime,
  status: z.enum(FOLLOWUP_STATUSES),
  outcomeNote: z.string().nullable(),
  convertedOrderId: z.int().nullable(),
  createdAt: isoTime,
  closedAt: isoTime.nullable(),
  overdue: z.boolean(),
});
export type FollowupView = z.infer<typeof FollowupView>;

export const FollowupListResponse = z
  .object({ items: z.array(FollowupView), page: z.int(), pageSize: z.int(), hasMore: z.boolean() })
  .meta({ id: 'FollowupListResponse' });
export type FollowupListResponse = z.infer<typeof FollowupListResponse>;

export const CreateFollowupRequest = z
  .object({
    memberId: positiveId,
    dueAt: z.iso.datetime({ offset: true }),
    title: text(200).optional(),
    note: text(2000, { min: 0 }).optional(),
  })
  .meta({ id: 'CreateFollowupRequest' });
export type CreateFollowupRequest = z.infer<typeof CreateFollowupRequest>;

export const FollowupIdParams = z.object({ id: idParam });

export const UpdateFollowupRequest = z
  .object({
    status: z.enum(FOLLOWUP_STATUSES).optional(),
    outcomeNote: text(2000, { min: 0 }).optional(),
    dueAt: z.iso.datetime({ offset: true }).optional(),
    convertedOrderId: positiveId
      .optional()
      .meta({ description: 'The member’s paid order this follow-up won (status converted)' }),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Change at least one of status, outcomeNote, dueAt' })
  .meta({ id: 'UpdateFollowupRequest' });
export type UpdateFollowupRequest = z.infer<typeof UpdateFollowupRequest>;

export const FollowupResponse = z.object({ followup: FollowupView }).meta({ id: 'FollowupResponse' });
export type FollowupResponse = z.infer<typeof FollowupResponse>;

export const AutoAssignRequest = z
  .object({ storeId: positiveId.optional().meta({ description: 'Only this store; default every store' }) })
  .meta({ id: 'AutoAssignRequest' });
export type AutoAssignRequest = z.infer<typeof AutoAssignRequest>;

export const RepLoad = z.object({ repId: z.int(), displayName: z.string(), storeId: z.int().nullable(), members: z.int() });
export type RepLoad = z.infer<typeof RepLoad>;

export const AssignmentResponse = z.object({ assigned: z.int(), reps: z.array(RepLoad) }).meta({ id: 'AssignmentResponse' });
export type AssignmentResponse = z.infer<typeof AssignmentResponse>;

export const HandoverRequest = z
  .object({
    fromRepId: positiveId,
    toRepId: positiveId
      .optional()
      .meta({ description: 'One successor; default spread evenly over the other reps of each member’s store' }),
  })
  .refine((body) => body.fromRepId !== body.toRepId, { message: 'toRepId must differ from fromRepId', path: ['toRepId'] })
  .meta({ id: 'HandoverRequest' });
export type HandoverRequest = z.infer<typeof HandoverRequest>;

export const RepsQuery = z.object({ storeId: z.coerce.number().pipe(positiveId).optional() });
export const RepsResponse = z.object({ reps: z.array(RepLoad), unowned: z.int() }).meta({ id: 'RepsResponse' });
export type RepsResponse = z.infer<typeof RepsResponse>;
