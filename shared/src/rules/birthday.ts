import { DAY_MS, daysInMonth, shanghaiParts } from '../time';

/**
 * Birthday arithmetic on the Shanghai calendar. A member born on 29 February turns a year older
 * on 1 March in common years, and that is also when their birthday falls in those years.
 */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function parseCalendarDate(date: string): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

export function shanghaiToday(now: Date): CalendarDate {
  const { year, month, day } = shanghaiParts(now);
  return { year, month, day };
}

function formatCalendarDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const monthDayBefore = (a: CalendarDate, b: CalendarDate) => a.month < b.month || (a.month === b.month && a.day < b.day);

/** Completed years of life on `today`. */
export function ageOn(birthday: CalendarDate, today: CalendarDate): number {
  return today.year - birthday.year - (monthDayBefore(today, birthday) ? 1 : 0);
}

const isLeapYear = (year: number) => daysInMonth(year, 2) === 29;
const utcDay = (date: CalendarDate) => Date.UTC(date.year, date.month - 1, date.day);

function anniversaryIn(year: number, birthday: CalendarDate): CalendarDate {
  if (birthday.month === 2 && birthday.day === 29 && !isLeapYear(year)) return { year, month: 3, day: 1 };
  return { year, month: birthday.month, day: birthday.day };
}

/** Days from `today` to the next birthday (0 when it is today). */
export function daysUntilBirthday(birthday: CalendarDate, today: CalendarDate): number {
  let next = anniversaryIn(today.year, birthday);
  if (utcDay(next) < utcDay(today)) next = anniversaryIn(today.year + 1, birthday);
  return Math.round((utcDay(next) - utcDay(today)) / DAY_MS);
}

/**
 * The latest birthday ("YYYY-MM-DD") of someone at least `age` years old on `today`:
 * age ≥ A ⇔ birthday ≤ this date. When `today` is 29 February and the target year is common,
 * the 28th is exact because no date lies between it and the missing 29th.
 */
export function latestBirthdayForAge(age: number, today: CalendarDate): string {
  const year = today.year - age;
  return formatCalendarDate({ year, month: today.month, day: Math.min(today.day, daysInMonth(year, today.month)) });
}

/**
 * The month·100+day codes of every birthday that falls within `days` days from `today` (inclusive),
 * so SQL can match `EXTRACT(MONTH)*100 + EXTRACT(DAY)` against a list without date arithmetic.
 */
export function birthdayCodesWithin(days: number, today: CalendarDate): number[] {
  const codes = new Set<number>();
  for (let offset = 0; offset <= days; offset++) {
    const date = new Date(utcDay(today) + offset * DAY_MS);
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    codes.add(month * 100 + day);
    if (month === 3 && day === 1 && !isLeapYear(date.getUTCFullYear())) codes.add(229);
  }
  return [...codes];
}
