import { addDays, parseShanghaiDate } from '../time';
import type { EventWindow } from './types';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const isDateOnly = (value: string): boolean => DATE_ONLY.test(value);

/** A rule's point in time: "YYYY-MM-DD" is the start of that Shanghai day, otherwise an ISO date-time. */
export function parseRuleInstant(value: string): Date {
  const instant = isDateOnly(value) ? parseShanghaiDate(value) : new Date(value);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a date or ISO date-time: ${value}`);
  return instant;
}

/** `from` is always inclusive; `to` is inclusive only for windows that end at `now`. */
export interface InstantRange {
  from: Date;
  to: Date;
  toInclusive: boolean;
}

/** The last `days` × 24 hours up to and including `now`. */
export function lastDaysRange(days: number, now: Date): InstantRange {
  return { from: addDays(now, -days), to: now, toInclusive: true };
}

export function eventWindowRange(window: EventWindow, now: Date): InstantRange {
  if ('lastDays' in window) return lastDaysRange(window.lastDays, now);
  const to = isDateOnly(window.to) ? addDays(parseShanghaiDate(window.to), 1) : parseRuleInstant(window.to);
  return { from: parseRuleInstant(window.from), to, toInclusive: false };
}

export function inRange(instant: Date, range: InstantRange): boolean {
  const t = instant.getTime();
  if (t < range.from.getTime()) return false;
  return range.toInclusive ? t <= range.to.getTime() : t < range.to.getTime();
}
