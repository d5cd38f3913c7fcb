export interface ConversionGroup {
  members: number;
  converted: number;
}

export interface UpliftInterval {
  /** Treated minus control conversion rate; null when either group is empty. */
  absolute: number | null;
  low: number | null;
  high: number | null;
  /** True when the 95 % interval excludes zero. */
  significant: boolean;
}

const Z_95 = 1.959963984540054;

/**
 * Conversion uplift of a treated group over its holdout with a 95 % Wald interval for the difference of two
 * proportions: (p₁ − p₀) ± 1.96 · √(p₁(1 − p₁)/n₁ + p₀(1 − p₀)/n₀).
 * @example conversionUplift({ members: 900, converted: 90 }, { members: 100, converted: 5 }) // absolute 0.05
 */
export function conversionUplift(treated: ConversionGroup, control: ConversionGroup): UpliftInterval {
  if (treated.members <= 0 || control.members <= 0) return { absolute: null, low: null, high: null, significant: false };
  const p1 = treated.converted / treated.members;
  const p0 = control.converted / control.members;
  const absolute = p1 - p0;
  const margin = Z_95 * Math.sqrt((p1 * (1 - p1)) / treated.members + (p0 * (1 - p0)) / control.members);
  const low = absolute - margin;
  const high = absolute + margin;
  return { absolute, low, high, significant: low > 0 || high < 0 };
}
