import { describe, expect, it } from 'vitest';
import { summarizeClvTransactions } from './summarize';
import type { ClvTransaction } from './summarize';

const line = (customerId: string, date: string, amount: number): ClvTransaction => ({ customerId, date, amount });

describe('summarizeClvTransactions', () => {
  it('follows the literature: first purchase is time zero and not a repeat; weeks by default', () => {
    // CDNOW sample customer 1: bought 1997-01-01, 01-18, 08-02 and (after calibration) 12-12
    const [summary] = summarizeClvTransactions(
      [
        line('1', '1997-01-01', 29.33),
        line('1', '1997-01-18', 29.73),
        line('1', '1997-08-02', 14.96),
        line('1', '1997-12-12', 26.48),
      ],
      { calibrationEnd: '1997-09-30' },
    );
    expect(summary).toEqual({
      customerId: '1',
      firstPurchase: '1997-01-01',
      x: 2,
      tx: 213 / 7,
      T: 272 / 7,
      monetary: (29.73 + 14.96) / 2,
      holdoutPurchases: 1,
    });
  });

  it('merges one customer’s lines on one day into one transaction, adding the amounts', () => {
    const [summary] = summarizeClvTransactions(
      [line('c', '2026-03-01', 100), line('c', '2026-03-01', 50), line('c', '2026-03-08', 70), line('c', '2026-03-08', 30)],
      { calibrationEnd: '2026-03-31', unitDays: 1 },
    );
    expect(summary).toMatchObject({ x: 1, tx: 7, T: 30, monetary: 100 });
  });

  it('does not care about input order, and keeps customers apart', () => {
    const summaries = summarizeClvTransactions(
      [line('b', '2026-02-10', 5), line('a', '2026-01-20', 8), line('b', '2026-01-05', 3), line('a', '2026-01-01', 2)],
      { calibrationEnd: '2026-02-28', unitDays: 1 },
    );
    const byId = new Map(summaries.map((s) => [s.customerId, s]));
    expect(byId.get('a')).toMatchObject({ firstPurchase: '2026-01-01', x: 1, tx: 19, T: 58, monetary: 8 });
    expect(byId.get('b')).toMatchObject({ firstPurchase: '2026-01-05', x: 1, tx: 36, T: 54, monetary: 5 });
  });

  it('counts the calibration end day in calibration and leaves out customers who start after it', () => {
    const summaries = summarizeClvTransactions(
      [line('in', '2026-01-01', 1), line('in', '2026-01-31', 1), line('late', '2026-02-01', 1)],
      { calibrationEnd: '2026-01-31', unitDays: 1 },
    );
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ customerId: 'in', x: 1, tx: 30, T: 30 });
  });

  it('gives one-time buyers x = 0, t_x = 0 and no repeat spend', () => {
    const [summary] = summarizeClvTransactions([line('once', '2026-01-10', 999)], { calibrationEnd: '2026-01-24' });
    expect(summary).toMatchObject({ x: 0, tx: 0, T: 2, monetary: 0, holdoutPurchases: 0 });
  });

  it('rejects malformed dates, amounts and units', () => {
    expect(() => summarizeClvTransactions([line('c', '2026-02-30', 1)], { calibrationEnd: '2026-03-01' })).toThrow(RangeError);
    expect(() => summarizeClvTransactions([line('c', '2026/02/01', 1)], { calibrationEnd: '2026-03-01' })).toThrow(RangeError);
    expect(() => summarizeClvTransactions([line('c', '2026-02-01', Number.NaN)], { calibrationEnd: '2026-03-01' })).toThrow(
      RangeError,
    );
    expect(() => summarizeClvTransactions([], { calibrationEnd: '2026-03-01', unitDays: 0 })).toThrow(RangeError);
  });
});
