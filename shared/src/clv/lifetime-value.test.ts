import { describe, expect, it } from 'vitest';
import { bgNbdExpectedPurchases } from './bg-nbd';
import { gammaGammaExpectedSpend } from './gamma-gamma';
import { forecastCustomerValue } from './lifetime-value';
import type { ClvModels } from './lifetime-value';

const MODELS: ClvModels = {
  bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, v: 1544 },
};
const CUSTOMER = { x: 2, tx: 30.43, T: 38.86, monetary: 2235 };

describe('forecastCustomerValue', () => {
  it('without discounting is expected purchases over the horizon × expected spend per purchase', () => {
    const forecast = forecastCustomerValue(MODELS, CUSTOMER, { horizonDays: 365, annualDiscountRate: 0 });
    const purchases = bgNbdExpectedPurchases(MODELS.bgNbd, CUSTOMER, 365 / 7);
    const spend = gammaGammaExpectedSpend(MODELS.gammaGamma, CUSTOMER);
    expect(forecast.expectedPurchases).toBeCloseTo(purchases, 12);
    expect(forecast.expectedSpendPerPurchase).toBeCloseTo(spend, 9);
    expect(forecast.expectedSpend).toBeCloseTo(purchases * spend, 9);
    expect(forecast.discountedValue).toBeCloseTo(purchases * spend, 9);
  });

  it('discounts each month’s expected purchases from the end of that month', () => {
    const month = 365.25 / 12;
    const rate = 0.1;
    const forecast = forecastCustomerValue(MODELS, CUSTOMER, { horizonDays: 90, annualDiscountRate: rate });
    const cumulative = (days: number) => bgNbdExpectedPurchases(MODELS.bgNbd, CUSTOMER, days / 7);
    const ends = [month, 2 * month, 90];
    let expected = 0;
    let previous = 0;
    for (const end of ends) {
      expected += (cumulative(end) - previous) * Math.pow(1 + rate, -end / 365.25);
      previous = cumulative(end);
    }
    expect(forecast.discountedValue).toBeCloseTo(expected * forecast.expectedSpendPerPurchase, 9);
    expect(forecast.discountedValue).toBeLessThan(forecast.expectedSpend);
  });

  it('gives the same answer for a model fitted in days as for one fitted in weeks', () => {
    const inDays: ClvModels = { ...MODELS, bgNbd: { ...MODELS.bgNbd, alpha: MODELS.bgNbd.alpha * 7 } };
    const customerInDays = { ...CUSTOMER, tx: CUSTOMER.tx * 7, T: CUSTOMER.T * 7 };
    const weekly = forecastCustomerValue(MODELS, CUSTOMER);
    const daily = forecastCustomerValue(inDays, customerInDays, { unitDays: 1 });
    expect(daily.discountedValue).toBeCloseTo(weekly.discountedValue, 8);
  });

  it('values a one-time buyer at the population spend and a zero horizon at nothing', () => {
    const newcomer = { x: 0, tx: 0, T: 4, monetary: 0 };
    const { p, q, v } = MODELS.gammaGamma;
    expect(forecastCustomerValue(MODELS, newcomer).expectedSpendPerPurchase).toBeCloseTo((p * v) / (q - 1), 9);
    expect(forecastCustomerValue(MODELS, CUSTOMER, { horizonDays: 0 }).discountedValue).toBe(0);
  });

  it('rejects nonsense options', () => {
    expect(() => forecastCustomerValue(MODELS, CUSTOMER, { horizonDays: -1 })).toThrow(RangeError);
    expect(() => forecastCustomerValue(MODELS, CUSTOMER, { unitDays: 0 })).toThrow(RangeError);
    expect(() => forecastCustomerValue(MODELS, CUSTOMER, { annualDiscountRate: -1 })).toThrow(RangeError);
  });
});
