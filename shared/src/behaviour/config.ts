import { z } from 'zod';
import { EVENT_TYPES } from '../vocabulary';

/**
 * Operator-editable activity scoring. Each event is worth its type's weight plus, for the seconds a
 * page stayed open, `pointsPerSecond` up to `capSeconds`; its worth halves every `halfLifeDays`.
 */
export const behaviourConfigSchema = z
  .object({
    halfLifeDays: z.number().positive().max(3650),
    eventWeights: z.record(z.enum(EVENT_TYPES), z.number().min(0).max(1_000)),
    dwell: z.object({
      pointsPerSecond: z.number().min(0).max(100),
      capSeconds: z.int().min(0).max(86_400),
    }),
    thresholds: z.object({
      /** score ≥ activeAtLeast → active */
      activeAtLeast: z.number().min(0),
      /** potentialAtLeast ≤ score < activeAtLeast → potential; below → churned */
      potentialAtLeast: z.number().min(0),
    }),
  })
  .refine((c) => c.thresholds.potentialAtLeast <= c.thresholds.activeAtLeast, {
    message: 'potentialAtLeast must not exceed activeAtLeast',
    path: ['thresholds', 'potentialAtLeast'],
  });

export type BehaviourConfig = z.infer<typeof behaviourConfigSchema>;

export const DEFAULT_BEHAVIOUR_CONFIG: BehaviourConfig = {
  halfLifeDays: 14,
  eventWeights: {
    page_view: 1,
    product_view: 2,
    search: 3,
    category_view: 1,
    add_to_cart: 5,
    favorite: 4,
    share: 4,
    comment: 5,
    coupon_claim: 3,
    sign_in: 2,
  },
  dwell: { pointsPerSecond: 0.02, capSeconds: 300 },
  thresholds: { activeAtLeast: 15, potentialAtLeast: 1 },
};
