import { describe, expect, it } from 'vitest';
import { fromShanghai } from '../time';
import {
  ageOn,
  birthdayCodesWithin,
  daysUntilBirthday,
  latestBirthdayForAge,
  parseCalendarDate,
  shanghaiToday,
} from './birthday';

const date = (text: string) => parseCalendarDate(text);

describe('birthday arithmetic', () => {
  it('reads the Shanghai calendar day of an instant', () => {
    expect(shanghaiToday(new Date('2025-06-14T16:00:00Z'))).toEqual({ year: 2025, month: 6, day: 15 });
    expect(shanghaiToday(new Date('2025-06-14T15:59:59.999Z'))).toEqual({ year: 2025, month: 6, day: 14 });
    expect(shanghaiToday(fromShanghai(2026, 1, 1))).toEqual({ year: 2026, month: 1, day: 1 });
  });

  it('rejects text that is not a date', () => {
    expect(() => parseCalendarDate('2025-6-1')).toThrow('not a YYYY-MM-DD date');
  });

  it('counts completed years, turning a year older on the birthday itself', () => {
    expect(ageOn(date('1990-06-15'), date('2025-06-14'))).toBe(34);
    expect(ageOn(date('1990-06-15'), date('2025-06-15'))).toBe(35);
    expect(ageOn(date('1990-12-31'), date('2025-01-01'))).toBe(34);
  });

  it('lets the leap-day born age on 1 March in common years', () => {
    expect(ageOn(date('2000-02-29'), date('2025-02-28'))).toBe(24);
    expect(ageOn(date('2000-02-29'), date('2025-03-01'))).toBe(25);
    expect(ageOn(date('2000-02-29'), date('2024-02-29'))).toBe(24);
  });

  it('counts days to the next birthday across the year end and leap days', () => {
    expect(daysUntilBirthday(date('1990-06-15'), date('2025-06-15'))).toBe(0);
    expect(daysUntilBirthday(date('1990-06-14'), date('2025-06-15'))).toBe(364);
    expect(daysUntilBirthday(date('1990-01-02'), date('2025-12-30'))).toBe(3);
    expect(daysUntilBirthday(date('2000-02-29'), date('2025-02-28'))).toBe(1);
    expect(daysUntilBirthday(date('2000-02-29'), date('2024-02-28'))).toBe(1);
    expect(daysUntilBirthday(date('2000-02-29'), date('2024-03-01'))).toBe(365);
    expect(daysUntilBirthday(date('2000-02-29'), date('2027-03-02'))).toBe(364);
  });

  it('gives the latest birthday of a given age, clamping 29 February', () => {
    expect(latestBirthdayForAge(18, date('2025-06-15'))).toBe('2007-06-15');
    expect(latestBirthdayForAge(0, date('2025-06-15'))).toBe('2025-06-15');
    expect(latestBirthdayForAge(1, date('2024-02-29'))).toBe('2023-02-28');
    expect(latestBirthdayForAge(4, date('2024-02-29'))).toBe('2020-02-29');
  });

  it('lists month-day codes of the coming days, adding 29 February on 1 March of common years', () => {
    expect(birthdayCodesWithin(0, date('2025-06-15'))).toEqual([615]);
    expect(birthdayCodesWithin(2, date('2025-12-31'))).toEqual([1231, 101, 102]);
    expect(birthdayCodesWithin(1, date('2025-02-28'))).toEqual([228, 301, 229]);
    expect(birthdayCodesWithin(1, date('2024-02-28'))).toEqual([228, 229]);
    expect(birthdayCodesWithin(1, date('2024-02-29'))).toEqual([229, 301]);
    expect(birthdayCodesWithin(366, date('2025-06-15'))).toHaveLength(366);
  });
});
