import { z } from 'zod';
import { ListCursor } from './orders';

export const PointsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  cursor: ListCursor.optional(),
});

export const PointsEntryView = z.object({
  id: z.number().int(),
  kind: z.enum(['earn', 'sign_in', 'bonus', 'refund_return', 'spend', 'expire', 'clawback', 'adjust']),
  points: z.number().int(),
  orderId: z.number().int().nullable(),
  note: z.string().nullable(),
  occurredAt: z.iso.datetime(),
});

export const PointsResponse = z
  .object({
    balance: z.number().int(),
    /** Points that may be spent now (the balance less batches already past their expiry). */
    available: z.number().int(),
    expiringSoon: z.object({
      points: z.number().int(),
      earliestExpiresAt: z.iso.datetime().nullable(),
    }),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    entries: z.array(PointsEntryView),
    /** Pass as `cursor` for the next page of the ledger; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Points' });

export const SignInResponse = z
  .object({
    alreadySignedIn: z.boolean(),
    day: z.string().meta({ description: 'Asia/Shanghai calendar day, YYYY-MM-DD' }),
    streak: z.number().int(),
    pointsEarned: z.number().int(),
    balance: z.number().int(),
  })
  .meta({ id: 'SignInResponse' });

export const RedeemPointsRequest = z
  .object({
    templateId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    /** The client's retry key: the same request id never spends twice. */
    requestId: z.string().regex(/^[\w-]{8,64}$/, '8-64 letters, digits, _ or -'),
  })
  .meta({ id: 'RedeemPointsRequest' });

export const RedeemPointsResponse = z
  .object({
    couponId: z.number().int(),
    couponCode: z.string(),
    pointsSpent: z.number().int(),
    balance: z.number().int(),
    validTo: z.iso.datetime(),
  })
  .meta({ id: 'RedeemPointsResponse' });
