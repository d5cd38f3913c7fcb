import { z } from 'zod';

/**
 * Operator-editable RFM settings. Percentages are whole numbers so that the `percentile_disc` fractions
 * derived from them are the same float8 in JavaScript and in SQL.
 */
export const rfmConfigSchema = z.object({
  /** Orders paid in (now − windowDays × 24 h, now] count. */
  windowDays: z.int().min(1).max(3650),
  valueLayer: z
    .object({
      /** Share of buyers, from the top, in the high layer. */
      highTopPercent: z.int().min(0).max(100),
      /** Share of buyers right below the high layer in the mid layer; the rest are low. */
      midNextPercent: z.int().min(0).max(100),
    })
    .refine((layer) => layer.highTopPercent + layer.midNextPercent <= 100, {
      message: 'high and mid shares together cannot exceed 100 %',
      path: ['midNextPercent'],
    }),
});

export type RfmConfig = z.infer<typeof rfmConfigSchema>;

export const DEFAULT_RFM_CONFIG: RfmConfig = {
  windowDays: 365,
  valueLayer: { highTopPercent: 20, midNextPercent: 30 },
};
