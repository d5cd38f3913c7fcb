import { DAY_MS, SHANGHAI_OFFSET_MS, parseShanghaiDate } from '../time';

/** One purchase line: several lines of one customer on one day are merged into one transaction. */
export interface ClvTransaction {
  customerId: string;
  /** Shanghai calendar date "YYYY-MM-DD". */
  date: string;
  /** Any money unit (fen in this product); the summary's `monetary` comes out in the same unit. */
  amount: number;
}

export interface ClvSummaryOptions {
  /** Last day of the calibration period, "YYYY-MM-DD", inclusive. */
  calibrationEnd: string;
  /** Length of the model's time unit in days: 7 = weeks (the default and the literature's), 1 = days. */
  unitDays?: number;
}

export interface ClvCustomerSummary {
  customerId: string;
  /** Date of the first purchase: time zero for this customer. */
  firstPurchase: string;
  /** Repeat purchase days in calibration (the first purchase is not a repeat). */
  x: number;
  /** Time units from the first purchase to the last repeat purchase (0 when x = 0). */
  tx: number;
  /** Time units from the first purchase to the calibration end date. */
  T: number;
  /** Mean spend per repeat purchase day in calibration, first purchase excluded; 0 when x = 0. */
  monetary: number;
  /** Purchase days after the calibration end: the holdout count to validate forecasts against. */
  holdoutPurchases: number;
}

function dayNumber(date: string): number {
  return (parseShanghaiDate(date).getTime() + SHANGHAI_OFFSET_MS) / DAY_MS;
}

/**
 * Turns purchase lines into the (x, t_x, T, m̄) summaries BG/NBD and Gamma-Gamma are fitted on,
 * with the literature's conventions (Fader, Hardie & Lee 2005): one customer's lines on one day
 * are one transaction; x counts repeat days in calibration; t_x and T are measured from the first
 * purchase; m̄ averages the repeat days only, because the first purchase tends to differ.
 * Customers whose first purchase falls after the calibration end are left out. Pure: no clock.
 * @example
 * summarizeClvTransactions(
 *   [
 *     { customerId: 'c1', date: '2026-01-01', amount: 3000 },
 *     { customerId: 'c1', date: '2026-01-15', amount: 2000 },
 *     { customerId: 'c1', date: '2026-01-15', amount: 500 },
 *   ],
 *   { calibrationEnd: '2026-01-29' },
 * ) // [{ customerId: 'c1', firstPurchase: '2026-01-01', x: 1, tx: 2, T: 4, monetary: 2500, holdoutPurchases: 0 }]
 */
export function summarizeClvTransactions(
  transactions: readonly ClvTransaction[],
  options: ClvSummaryOptions,
): ClvCustomerSummary[] {
  const unitDays = options.unitDays ?? 7;
  if (!(unitDays > 0)) throw new RangeError(`unitDays must be positive, got ${unitDays}`);
  const calibrationEnd = dayNumber(options.calibrationEnd);

  const spendByCustomerDay = new Map<string, Map<number, { date: string; amount: number }>>();
  for (const { customerId, date, amount } of transactions) {
    if (!Number.isFinite(amount)) throw new RangeError(`amount of ${customerId} on ${date} is not a number`);
    const day = dayNumber(date);
    let days = spendByCustomerDay.get(customerId);
    if (!days) spendByCustomerDay.set(customerId, (days = new Map()));
    const merged = days.get(day);
    if (merged) merged.amount += amount;
    else days.set(day, { date, amount });
  }

  const summaries: ClvCustomerSummary[] = [];
  for (const [customerId, days] of spendByCustomerDay) {
    const ordered = [...days.entries()].sort(([p], [q]) => p - q);
    const [firstDay, first] = ordered[0] as [number, { date: string }];
    if (firstDay > calibrationEnd) continue;
    const repeats = ordered.slice(1).filter(([day]) => day <= calibrationEnd);
    const lastRepeatDay = repeats.length > 0 ? (repeats[repeats.length - 1] as [number, unknown])[0] : firstDay;
    const repeatSpend = repeats.reduce((sum, [, { amount }]) => sum + amount, 0);
    summaries.push({
      customerId,
      firstPurchase: first.date,
      x: repeats.length,
      tx: (lastRepeatDay - firstDay) / unitDays,
      T: (calibrationEnd - firstDay) / unitDays,
      monetary: repeats.length > 0 ? repeatSpend / repeats.length : 0,
      holdoutPurchases: ordered.length - 1 - repeats.length,
    });
  }
  return summaries;
}
