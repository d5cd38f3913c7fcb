import { z } from 'zod';

const dayCount = z.int().min(0).max(36_500);

const dayRange = z
  .object({ min: dayCount, max: dayCount })
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['max'] });

/**
 * Personal cadence: each boundary is a multiple of the member's own mean gap between orders
 * ((last − first) / (orders − 1), in whole days), clamped to a day range. Multiples are whole
 * percentages so the threshold is integer arithmetic in JavaScript and SQL alike.
 */
export const lifecycleCadenceConfigSchema = z
  .object({
    enabled: z.boolean(),
    /** Members with fewer paid orders keep the fixed days. At least 2: one gap is needed. */
    minOrders: z.int().min(2).max(1000),
    /** Active while days since the last order ≤ activeGapPercent % of the mean gap (clamped). */
    activeGapPercent: z.int().min(1).max(100_000),
    silentGapPercent: z.int().min(1).max(100_000),
    sleepingGapPercent: z.int().min(1).max(100_000),
    activeDays: dayRange,
    silentDays: dayRange,
    sleepingDays: dayRange,
  })
  .refine((c) => c.activeGapPercent <= c.silentGapPercent && c.silentGapPercent <= c.sleepingGapPercent, {
    message: 'gap multiples must not decrease from active to sleeping',
    path: ['sleepingGapPercent'],
  })
  .refine(
    (c) =>
      c.activeDays.min <= c.silentDays.min &&
      c.silentDays.min <= c.sleepingDays.min &&
      c.activeDays.max <= c.silentDays.max &&
      c.silentDays.max <= c.sleepingDays.max,
    { message: 'day ranges must not decrease from active to sleeping', path: ['sleepingDays'] },
  );

/**
 * Operator-editable lifecycle boundaries, in whole days since an order (floor of elapsed 24 h periods).
 * Each boundary is inclusive: days since the last order ≤ activeWithinDays → active.
 */
export const lifecycleConfigSchema = z
  .object({
    /** First paid order at most this many days ago → new. */
    newWithinDays: dayCount,
    activeWithinDays: dayCount,
    silentWithinDays: dayCount,
    sleepingWithinDays: dayCount,
    /** A prospect with activity at most this many days ago is flagged potential. */
    potentialActivityWithinDays: dayCount,
    personalCadence: lifecycleCadenceConfigSchema,
  })
  .refine((c) => c.activeWithinDays <= c.silentWithinDays && c.silentWithinDays <= c.sleepingWithinDays, {
    message: 'active ≤ silent ≤ sleeping days',
    path: ['sleepingWithinDays'],
  });

export type LifecycleCadenceConfig = z.infer<typeof lifecycleCadenceConfigSchema>;
export type LifecycleConfig = z.infer<typeof lifecycleConfigSchema>;

export const DEFAULT_LIFECYCLE_CONFIG: LifecycleConfig = {
  newWithinDays: 30,
  activeWithinDays: 90,
  silentWithinDays: 180,
  sleepingWithinDays: 365,
  potentialActivityWithinDays: 30,
  personalCadence: {
    enabled: false,
    minOrders: 3,
    activeGapPercent: 150,
    silentGapPercent: 300,
    sleepingGapPercent: 600,
    activeDays: { min: 30, max: 180 },
    silentDays: { min: 60, max: 365 },
    sleepingDays: { min: 90, max: 730 },
  },
};
