/**
 * Calendar arithmetic in Asia/Shanghai. China has used UTC+8 without daylight saving since 1991,
 * so a fixed offset is exact and keeps this module free of Intl and of the host's time zone.
 * Storage is UTC (`Date`); "days" and "months" below are Shanghai calendar days and months.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface ShanghaiParts {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

/** The wall-clock parts of an instant in Shanghai. */
export function shanghaiParts(instant: Date): ShanghaiParts {
  const shifted = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    weekday: shifted.getUTCDay(),
  };
}

/** The UTC instant of a Shanghai wall-clock time; out-of-range parts roll over like `Date.UTC`. */
export function fromShanghai(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date {
  return new Date(utcMs(year, month - 1, day, hour, minute, second, ms) - SHANGHAI_OFFSET_MS);
}

/** Like `Date.UTC`, except that years 0–99 mean those years and not 1900–1999. */
function utcMs(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.setUTCHours(hour, minute, second, ms);
}

/** "YYYY-MM-DD" of the Shanghai calendar day that contains `instant`. */
export function shanghaiDate(instant: Date): string {
  const p = shanghaiParts(instant);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Parses "YYYY-MM-DD" as the start of that Shanghai day. */
export function parseShanghaiDate(date: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const result = fromShanghai(Number(m[1]), Number(m[2]), Number(m[3]));
  if (shanghaiDate(result) !== date) throw new RangeError(`no such date: ${date}`);
  return result;
}

/** 00:00 Shanghai of the day that contains `instant`. */
export function startOfShanghaiDay(instant: Date): Date {
  const p = shanghaiParts(instant);
  return fromShanghai(p.year, p.month, p.day);
}

/** `instant` moved by whole Shanghai days (exact, as there is no DST). */
export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}

/**
 * Moves by calendar months in Shanghai, clamping the day to the target month's length
 * (Jan 31 + 1 month = Feb 28/29), keeping the wall-clock time.
 */
export function addMonths(instant: Date, months: number): Date {
  const p = shanghaiParts(instant);
  const targetMonthIndex = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(targetMonthIndex / 12);
  const month = (targetMonthIndex % 12) + 1;
  const day = Math.min(p.day, daysInMonth(year, month));
  const msOfDay = (instant.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS;
  return new Date(fromShanghai(year, month, day).getTime() + ((msOfDay + DAY_MS) % DAY_MS));
}

/** Number of days in a calendar month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month, 0)).getUTCDate();
}

/**
 * The last millisecond of the Shanghai calendar month that is `monthsAfter` months after the month of
 * `instant`. With 12 this is the points expiry rule: earned on 2026-03-15 → expires 2027-03-31 23:59:59.999.
 */
export function endOfMonthAfter(instant: Date, monthsAfter: number): Date {
  const p = shanghaiParts(instant);
  return new Date(fromShanghai(p.year, p.month + monthsAfter + 1, 1).getTime() - 1);
}

/** Whole days from `from` to `to` (floor; negative if `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** Calendar-day difference in Shanghai (yesterday 23:59 → today 00:01 is 1). */
export function shanghaiDayDiff(from: Date, to: Date): number {
  return Math.round((startOfShanghaiDay(to).getTime() - startOfShanghaiDay(from).getTime()) / DAY_MS);
}

/** Monday 00:00 Shanghai of the ISO week that contains `instant`. */
export function startOfShanghaiWeek(instant: Date): Date {
  const p = shanghaiParts(instant);
  const sinceMonday = (p.weekday + 6) % 7;
  return fromShanghai(p.year, p.month, p.day - sinceMonday);
}
