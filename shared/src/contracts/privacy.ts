import { z } from 'zod';

/**
 * A member's copy of their personal data (PIPL right of access and portability): everything the shop holds
 * about them, with the phone numbers in full because the reader is the member (or an admin acting on their
 * request, audited). Amounts in fen, times in UTC ISO 8601.
 */
const at = z.iso.datetime();
const nullableAt = at.nullable();

export const ExportAddress = z.object({
  name: z.string(),
  phone: z.string().nullable().meta({ description: 'In full when it was stored encrypted, else as masked at import' }),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
  postalCode: z.string().nullable(),
});

export const MemberDataExport = z
  .object({
    exportedAt: at,
    profile: z.object({
      id: z.int(),
      openid: z.string(),
      unionid: z.string().nullable(),
      phone: z.string().nullable(),
      nickname: z.string().nullable(),
      avatarUrl: z.string().nullable(),
      gender: z.string(),
      birthday: z.iso.date().nullable(),
      region: z.string().nullable(),
      storeName: z.string().nullable(),
      sourceChannel: z.string().nullable(),
      registeredAt: at,
      privacyConsentAt: nullableAt,
      doNotContact: z.boolean(),
      tags: z.array(z.string()),
    }),
    membership: z.object({
      tier: z.string(),
      tierSince: nullableAt,
      tierKeepUntil: nullableAt,
      pointsBalance: z.int(),
      growthValueFen: z.int(),
      lifecycle: z.string(),
      rfmSegment: z.string().nullable(),
      valueLayer: z.string().nullable(),
      behaviour: z.string().nullable(),
      topCategories: z.array(z.string()),
      topBrands: z.array(z.string()),
      priceBand: z.string().nullable(),
      segments: z.array(z.string()).meta({ description: 'Names of the saved segments the member is in' }),
    }),
    addresses: z.array(ExportAddress).meta({ description: 'Distinct shipping addresses used in orders' }),
    orders: z.array(
      z.object({
        orderNo: z.string(),
        channel: z.string(),
        status: z.string(),
        itemsTotalFen: z.int(),
        couponDiscountFen: z.int(),
        pointsUsed: z.int(),
        pointsDiscountFen: z.int(),
        shippingFen: z.int(),
        payableFen: z.int(),
        paidFen: z.int(),
        refundedFen: z.int(),
        note: z.string().nullable(),
        address: ExportAddress.nullable(),
        createdAt: at,
        paidAt: nullableAt,
        items: z.array(
          z.object({
            title: z.string(),
            category: z.string(),
            brand: z.string().nullable(),
            unitPriceFen: z.int(),
            quantity: z.int(),
            lineTotalFen: z.int(),
            refundedQuantity: z.int(),
            refundedFen: z.int(),
          }),
        ),
      }),
    ),
    payments: z.array(
      z.object({
        orderNo: z.string(),
        method: z.string(),
        transactionId: z.string().nullable(),
        amountFen: z.int(),
        status: z.string(),
        createdAt: at,
      }),
    ),
    refunds: z.array(
      z.object({
        orderNo: z.string(),
        outRefundNo: z.string(),
        amountFen: z.int(),
        status: z.string(),
        reason: z.string().nullable(),
        createdAt: at,
        succeededAt: nullableAt,
      }),
    ),
    pointsLedger: z.array(
      z.object({
        kind: z.string(),
        points: z.int(),
        occurredAt: at,
        orderNo: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
    coupons: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        status: z.string(),
        source: z.string(),
        issuedAt: at,
        validFrom: at,
        validTo: at,
        usedAt: nullableAt,
      }),
    ),
    consents: z.object({
      privacyConsentAt: nullableAt,
      subscriptionAnswers: z.array(z.object({ template: z.string(), result: z.string(), at })),
      subscriptionCredits: z.array(z.object({ template: z.string(), credits: z.int() })),
    }),
    events: z.array(
      z.object({
        type: z.string(),
        occurredAt: at,
        page: z.string().nullable(),
        productId: z.int().nullable(),
        category: z.string().nullable(),
        keyword: z.string().nullable(),
        dwellMs: z.int().nullable(),
      }),
    ),
    eventsTotal: z.int().meta({ description: 'All events held; `events` lists the most recent 10,000' }),
    reviews: z.array(z.object({ productTitle: z.string(), rating: z.int(), content: z.string().nullable(), createdAt: at })),
    signIns: z.array(z.object({ day: z.iso.date(), streak: z.int() })),
    followups: z.array(
      z.object({
        title: z.string().nullable(),
        status: z.string(),
        dueAt: at,
        outcomeNote: z.string().nullable(),
        createdAt: at,
        closedAt: nullableAt,
      }),
    ),
  })
  .meta({ id: 'MemberDataExport' });
export type MemberDataExport = z.infer<typeof MemberDataExport>;

/** The member (or an admin) must confirm an erasure explicitly; it cannot be undone. */
export const EraseMemberRequest = z
  .object({
    confirm: z.literal(true).meta({ description: 'Must be true: erasure cannot be undone' }),
  })
  .strict()
  .meta({ id: 'EraseMemberRequest' });
export type EraseMemberRequest = z.infer<typeof EraseMemberRequest>;

export const EraseMemberResponse = z
  .object({
    memberId: z.int(),
    erasedAt: at,
    kept: z.object({
      orders: z.int(),
      payments: z.int(),
      refunds: z.int(),
      pointsEntries: z.int(),
      coupons: z.int(),
    }),
  })
  .meta({ id: 'EraseMemberResponse' });
export type EraseMemberResponse = z.infer<typeof EraseMemberResponse>;
