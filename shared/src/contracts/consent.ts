import { z } from 'zod';
import { text } from './common';

/** WeChat lets one wx.requestSubscribeMessage call ask for at most three templates. */
export const SUBSCRIBE_TEMPLATES_PER_REQUEST = 3;

export const SubscriptionResultsRequest = z
  .object({
    results: z
      .array(
        z.object({
          templateId: text(128),
          result: z.enum(['accept', 'reject', 'ban']).meta({
            description: 'accept grants one send; ban (the shopper turned the template off) also drops unused sends',
          }),
        }),
      )
      .min(1)
      .max(SUBSCRIBE_TEMPLATES_PER_REQUEST)
      .refine((results) => new Set(results.map((r) => r.templateId)).size === results.length, 'a template appears twice'),
    context: text(64).optional().meta({ description: 'Where the request was shown, e.g. pay_result' }),
    requestId: z
      .string()
      .trim()
      .regex(/^[\w-]{8,64}$/, '8–64 letters, digits, - or _')
      .meta({ description: 'One id per answer (per tap), made by the client; a retry with the same id is recorded once' }),
  })
  .meta({ id: 'SubscriptionResultsRequest' });
export type SubscriptionResultsRequest = z.infer<typeof SubscriptionResultsRequest>;

export const SubscriptionCredit = z.object({
  templateId: z.string(),
  title: z.string(),
  purpose: z.string().nullable(),
  credits: z.int().nonnegative().meta({ description: 'One-time sends the shopper has granted and we have not used' }),
  lastResult: z.enum(['accept', 'reject', 'ban']).nullable(),
});
export type SubscriptionCredit = z.infer<typeof SubscriptionCredit>;

export const SubscriptionsResponse = z.object({ templates: z.array(SubscriptionCredit) }).meta({ id: 'SubscriptionsResponse' });
export type SubscriptionsResponse = z.infer<typeof SubscriptionsResponse>;
