import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  DAY_MS,
  daysBetween,
  daysInMonth,
  endOfMonthAfter,
  fromShanghai,
  parseShanghaiDate,
  shanghaiDate,
  shanghaiDayDiff,
  shanghaiParts,
  startOfShanghaiDay,
  startOfShanghaiWeek,
} from './time';

const utc = (iso: string) => new Date(iso);

describe('shanghaiParts', () => {
  it('reads the wall clock eight hours ahead of UTC', () => {
    expect(shanghaiParts(utc('2026-03-15T16:30:45Z'))).toEqual({
      year: 2026,
      month: 3,
      day: 16,
      hour: 0,
      minute: 30,
      second: 45,
      weekday: 1,
    });
  });

  it('rolls the year over at Shanghai midnight, not UTC midnight', () => {
    expect(shanghaiParts(utc('2025-12-31T15:59:59Z')).year).toBe(2025);
    expect(shanghaiParts(utc('2025-12-31T16:00:00Z')).year).toBe(2026);
  });
});

describe('fromShanghai', () => {
  it('is the inverse of shanghaiParts', () => {
    expect(fromShanghai(2026, 3, 16, 0, 30, 45).toISOString()).toBe('2026-03-15T16:30:45.000Z');
    expect(fromShanghai(2026, 1, 1).toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('rolls out-of-range parts over like Date.UTC', () => {
    expect(shanghaiDate(fromShanghai(2026, 13, 1))).toBe('2027-01-01');
    expect(shanghaiDate(fromShanghai(2026, 3, 0))).toBe('2026-02-28');
    expect(shanghaiDate(fromShanghai(2026, 1, 1, 24))).toBe('2026-01-02');
  });

  it('keeps years below 100 as they are', () => {
    expect(shanghaiParts(fromShanghai(99, 6, 1)).year).toBe(99);
    expect(fromShanghai(99, 6, 1, 12).getTime()).toBeLessThan(fromShanghai(1999, 6, 1).getTime());
  });
});

describe('shanghaiDate and parseShanghaiDate', () => {
  it('formats the Shanghai calendar day with zero padding', () => {
    expect(shanghaiDate(utc('2026-01-04T15:59:59.999Z'))).toBe('2026-01-04');
    expect(shanghaiDate(utc('2026-01-04T16:00:00Z'))).toBe('2026-01-05');
  });

  it('parses to the start of the Shanghai day', () => {
    expect(parseShanghaiDate('2026-03-01').toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(parseShanghaiDate('2024-02-29').toISOString()).toBe('2024-02-28T16:00:00.000Z');
    expect(parseShanghaiDate('0099-01-01').getTime()).toBe(fromShanghai(99, 1, 1).getTime());
  });

  it.each(['2026-3-1', '2026/03/01', '20260301', ''])('rejects the malformed %j', (text) => {
    expect(() => parseShanghaiDate(text)).toThrow(RangeError);
  });

  it.each(['2025-02-29', '2026-13-01', '2026-04-31', '2026-00-10'])('rejects the impossible %j', (text) => {
    expect(() => parseShanghaiDate(text)).toThrow(/no such date/);
  });
});

describe('startOfShanghaiDay', () => {
  it('goes back to 00:00 Shanghai, which is 16:00 UTC the day before', () => {
    expect(startOfShanghaiDay(utc('2026-03-15T02:00:00Z')).toISOString()).toBe('2026-03-14T16:00:00.000Z');
    expect(startOfShanghaiDay(utc('2026-03-15T16:00:00Z')).toISOString()).toBe('2026-03-15T16:00:00.000Z');
    expect(startOfShanghaiDay(utc('2026-03-15T15:59:59.999Z')).toISOString()).toBe('2026-03-14T16:00:00.000Z');
  });
});

describe('addDays', () => {
  it('moves by exact 24-hour days, forwards and backwards', () => {
    expect(addDays(utc('2026-03-15T10:00:00Z'), 3).toISOString()).toBe('2026-03-18T10:00:00.000Z');
    expect(addDays(utc('2026-03-01T10:00:00Z'), -1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });
});

describe('addMonths', () => {
  it('keeps the Shanghai day and wall-clock time', () => {
    const start = fromShanghai(2026, 1, 15, 23, 30);
    expect(addMonths(start, 1).getTime()).toBe(fromShanghai(2026, 2, 15, 23, 30).getTime());
    expect(addMonths(start, 12).getTime()).toBe(fromShanghai(2027, 1, 15, 23, 30).getTime());
    expect(addMonths(start, -2).getTime()).toBe(fromShanghai(2025, 11, 15, 23, 30).getTime());
  });

  it('clamps to the end of a shorter month', () => {
    expect(addMonths(fromShanghai(2026, 1, 31, 8), 1).getTime()).toBe(fromShanghai(2026, 2, 28, 8).getTime());
    expect(addMonths(fromShanghai(2024, 1, 31), 1).getTime()).toBe(fromShanghai(2024, 2, 29).getTime());
    expect(addMonths(fromShanghai(2024, 2, 29), 12).getTime()).toBe(fromShanghai(2025, 2, 28).getTime());
    expect(addMonths(fromShanghai(2026, 3, 31), -1).getTime()).toBe(fromShanghai(2026, 2, 28).getTime());
  });

  it('uses the Shanghai month when the UTC month differs', () => {
    // 2026-01-31 20:00 UTC is already 2026-02-01 04:00 in Shanghai.
    expect(addMonths(utc('2026-01-31T20:00:00Z'), 1).getTime()).toBe(fromShanghai(2026, 3, 1, 4).getTime());
  });

  it('works before 1970 where epoch milliseconds are negative', () => {
    expect(addMonths(fromShanghai(1969, 12, 31, 5), 1).getTime()).toBe(fromShanghai(1970, 1, 31, 5).getTime());
  });
});

describe('daysInMonth', () => {
  it.each([
    [2026, 1, 31],
    [2026, 2, 28],
    [2024, 2, 29],
    [2000, 2, 29],
    [2100, 2, 28],
    [2026, 4, 30],
    [2026, 12, 31],
    [4, 2, 29],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});

describe('endOfMonthAfter', () => {
  it('is the last millisecond of the month twelve months on (points expiry)', () => {
    expect(endOfMonthAfter(fromShanghai(2026, 3, 15), 12).getTime()).toBe(fromShanghai(2027, 3, 31, 23, 59, 59, 999).getTime());
  });

  it('handles December, February and zero months', () => {
    expect(endOfMonthAfter(fromShanghai(2026, 12, 1), 2).getTime()).toBe(fromShanghai(2027, 2, 28, 23, 59, 59, 999).getTime());
    expect(endOfMonthAfter(fromShanghai(2023, 2, 10), 12).getTime()).toBe(fromShanghai(2024, 2, 29, 23, 59, 59, 999).getTime());
    expect(endOfMonthAfter(fromShanghai(2026, 5, 31, 23, 59), 0).getTime()).toBe(
      fromShanghai(2026, 5, 31, 23, 59, 59, 999).getTime(),
    );
  });

  it('takes the month from the Shanghai calendar', () => {
    // 2026-03-31 17:00 UTC is 2026-04-01 01:00 in Shanghai, so the April batch expires at the end of next April.
    expect(endOfMonthAfter(utc('2026-03-31T17:00:00Z'), 12).getTime()).toBe(fromShanghai(2027, 4, 30, 23, 59, 59, 999).getTime());
  });
});

describe('daysBetween', () => {
  it('counts whole 24-hour periods, rounding down', () => {
    expect(daysBetween(utc('2026-03-01T00:00:00Z'), utc('2026-03-03T23:59:59Z'))).toBe(2);
    expect(daysBetween(utc('2026-03-01T00:00:00Z'), utc('2026-03-01T00:00:00Z'))).toBe(0);
    expect(daysBetween(utc('2026-03-03T00:00:00Z'), utc('2026-03-01T12:00:00Z'))).toBe(-2);
  });
});

describe('shanghaiDayDiff', () => {
  it('counts calendar days crossed in Shanghai', () => {
    expect(shanghaiDayDiff(fromShanghai(2026, 3, 1, 23, 59), fromShanghai(2026, 3, 2, 0, 1))).toBe(1);
    expect(shanghaiDayDiff(fromShanghai(2026, 3, 1, 0, 0), fromShanghai(2026, 3, 1, 23, 59))).toBe(0);
    expect(shanghaiDayDiff(fromShanghai(2026, 3, 5), fromShanghai(2026, 3, 1))).toBe(-4);
    expect(shanghaiDayDiff(fromShanghai(2025, 12, 31, 12), fromShanghai(2026, 12, 31, 12))).toBe(365);
  });
});

describe('startOfShanghaiWeek', () => {
  it('goes back to Monday 00:00 Shanghai', () => {
    // 2026-03-16 is a Monday.
    const monday = fromShanghai(2026, 3, 16);
    expect(startOfShanghaiWeek(fromShanghai(2026, 3, 16, 0, 0)).getTime()).toBe(monday.getTime());
    expect(startOfShanghaiWeek(fromShanghai(2026, 3, 18, 12)).getTime()).toBe(monday.getTime());
    expect(startOfShanghaiWeek(fromShanghai(2026, 3, 22, 23, 59, 59, 999)).getTime()).toBe(monday.getTime());
    expect(startOfShanghaiWeek(fromShanghai(2026, 3, 23)).getTime()).toBe(fromShanghai(2026, 3, 23).getTime());
  });

  it('crosses month and year boundaries', () => {
    // 2027-01-01 is a Friday; its week started on Monday 2026-12-28.
    expect(shanghaiDate(startOfShanghaiWeek(fromShanghai(2027, 1, 1, 9)))).toBe('2026-12-28');
  });

  it('uses the Shanghai weekday: Sunday 23:00 UTC is already Monday in Shanghai', () => {
    expect(startOfShanghaiWeek(utc('2026-03-22T23:00:00Z')).getTime()).toBe(fromShanghai(2026, 3, 23).getTime());
  });

  it('is a whole number of days before the instant, under seven', () => {
    const instant = fromShanghai(2026, 7, 9, 15, 20);
    const gap = instant.getTime() - startOfShanghaiWeek(instant).getTime();
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(7 * DAY_MS);
  });
});
