import { bgNbdExpectedPurchases } from './bg-nbd';
import type { BgNbdCustomer, BgNbdParams } from './bg-nbd';
import { gammaGammaExpectedSpend } from './gamma-gamma';
import type { GammaGammaParams } from './gamma-gamma';

export interface ClvModels {
  bgNbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
}

export interface ClvHorizonOptions {
  /** How far ahead to look, in days. Default 365. */
  horizonDays?: number;
  /** Yearly discount rate for money received later (0.1 = 10 %). Default 0.1; 0 turns discounting off. */
  annualDiscountRate?: number;
  /** Days per model time unit: 7 when the models were fitted in weeks (the default), 1 for days. */
  unitDays?: number;
}

export interface CustomerValueForecast {
  /** Expected purchases (purchase days) within the horizon. */
  expectedPurchases: number;
  /** Gamma-Gamma expected spend per purchase, in the money unit of `monetary`. */
  expectedSpendPerPurchase: number;
  /** expectedPurchases × expectedSpendPerPurchase, undiscounted. */
  expectedSpend: number;
  /** Present value of the expected spend: the customer's lifetime value over the horizon. */
  discountedValue: number;
}

const DAYS_PER_YEAR = 365.25;
const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

/**
 * Customer lifetime value over a horizon, the usual BG/NBD × Gamma-Gamma approximation: the
 * horizon is cut into calendar-average months (30.44 days; the last one may be shorter); the
 * purchases BG/NBD expects in each month times the Gamma-Gamma spend per purchase is discounted
 * to today from the month's end at (1 + annualDiscountRate)^(−days / 365.25), and the months are
 * summed. Spend is assumed independent of purchase timing (the Gamma-Gamma assumption).
 * Money comes out in the unit of `customer.monetary` — fen in this product — as a plain,
 * unrounded number: round (Math.round) when storing it as fen.
 * @example
 * forecastCustomerValue(
 *   { bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 1544 } },
 *   { x: 2, tx: 30.43, T: 38.86, monetary: 2235 },
 *   { horizonDays: 365 },
 * ) // { expectedPurchases ≈ 1.562, expectedSpendPerPurchase ≈ 2466.4, expectedSpend ≈ 3853.0, discountedValue ≈ 3673.0 }
 */
export function forecastCustomerValue(
  models: ClvModels,
  customer: BgNbdCustomer & { monetary: number },
  options: ClvHorizonOptions = {},
): CustomerValueForecast {
  const horizonDays = options.horizonDays ?? 365;
  const annualDiscountRate = options.annualDiscountRate ?? 0.1;
  const unitDays = options.unitDays ?? 7;
  if (!(horizonDays >= 0) || !Number.isFinite(horizonDays)) throw new RangeError(`horizonDays must be ≥ 0, got ${horizonDays}`);
  if (!(annualDiscountRate > -1)) throw new RangeError(`annualDiscountRate must be > −1, got ${annualDiscountRate}`);
  if (!(unitDays > 0)) throw new RangeError(`unitDays must be positive, got ${unitDays}`);

  const expectedSpendPerPurchase = gammaGammaExpectedSpend(models.gammaGamma, customer);
  const purchasesBy = (days: number): number => bgNbdExpectedPurchases(models.bgNbd, customer, days / unitDays);
  let discountedPurchases = 0;
  let previous = 0;
  for (let start = 0; start < horizonDays; start += DAYS_PER_MONTH) {
    const end = Math.min(start + DAYS_PER_MONTH, horizonDays);
    const cumulative = purchasesBy(end);
    discountedPurchases += (cumulative - previous) * Math.pow(1 + annualDiscountRate, -end / DAYS_PER_YEAR);
    previous = cumulative;
  }
  return {
    expectedPurchases: previous,
    expectedSpendPerPurchase,
    expectedSpend: previous * expectedSpendPerPurchase,
    discountedValue: discountedPurchases * expectedSpendPerPurchase,
  };
}
