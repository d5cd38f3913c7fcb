import { z } from 'zod';

export const PREFERENCE_SIGNAL_KINDS = ['purchase', 'cart', 'favorite', 'view'] as const;
export type PreferenceSignalKind = (typeof PREFERENCE_SIGNAL_KINDS)[number];

/**
 * Operator-editable preference scoring: every signal adds its kind's weight, halved every
 * `halfLifeDays`, to its category, its brand and (when priced) its price band.
 */
export const preferencesConfigSchema = z.object({
  halfLifeDays: z.number().positive().max(3650),
  signalWeights: z.record(z.enum(PREFERENCE_SIGNAL_KINDS), z.number().min(0).max(1_000)),
  topCategories: z.int().min(0).max(50),
  topBrands: z.int().min(0).max(50),
});

export type PreferencesConfig = z.infer<typeof preferencesConfigSchema>;

export const DEFAULT_PREFERENCES_CONFIG: PreferencesConfig = {
  halfLifeDays: 30,
  signalWeights: { purchase: 10, cart: 4, favorite: 3, view: 1 },
  topCategories: 3,
  topBrands: 3,
};
