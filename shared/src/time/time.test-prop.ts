import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  DAY_MS,
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

const instant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });

describe('time properties', () => {
  it('fromShanghai(shanghaiParts(t)) gives t back to the second', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const p = shanghaiParts(t);
        const back = fromShanghai(p.year, p.month, p.day, p.hour, p.minute, p.second, t.getUTCMilliseconds());
        expect(back.getTime()).toBe(t.getTime());
      }),
    );
  });

  it('parseShanghaiDate(shanghaiDate(t)) is the start of the day of t', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(parseShanghaiDate(shanghaiDate(t)).getTime()).toBe(startOfShanghaiDay(t).getTime());
      }),
    );
  });

  it('a Shanghai day starts at 00:00 Shanghai and contains t', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const start = startOfShanghaiDay(t);
        const p = shanghaiParts(start);
        expect([p.hour, p.minute, p.second]).toEqual([0, 0, 0]);
        expect(t.getTime() - start.getTime()).toBeGreaterThanOrEqual(0);
        expect(t.getTime() - start.getTime()).toBeLessThan(DAY_MS);
      }),
    );
  });

  it('a week starts on a Monday at most six days earlier', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const start = startOfShanghaiWeek(t);
        expect(shanghaiParts(start).weekday).toBe(1);
        expect(shanghaiDayDiff(start, t)).toBeGreaterThanOrEqual(0);
        expect(shanghaiDayDiff(start, t)).toBeLessThanOrEqual(6);
      }),
    );
  });

  it('addMonths lands in the right month, on the same day or the last day, at the same wall-clock time', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -240, max: 240 }), (t, months) => {
        const from = shanghaiParts(t);
        const to = shanghaiParts(addMonths(t, months));
        expect(to.year * 12 + to.month).toBe(from.year * 12 + from.month + months);
        expect(to.day).toBe(Math.min(from.day, daysInMonth(to.year, to.month)));
        expect([to.hour, to.minute, to.second]).toEqual([from.hour, from.minute, from.second]);
      }),
    );
  });

  it('endOfMonthAfter is the millisecond before the first day of the following month', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 36 }), (t, months) => {
        const end = endOfMonthAfter(t, months);
        const p = shanghaiParts(end);
        const from = shanghaiParts(t);
        expect(p.year * 12 + p.month).toBe(from.year * 12 + from.month + months);
        expect(p.day).toBe(daysInMonth(p.year, p.month));
        expect(shanghaiParts(new Date(end.getTime() + 1)).day).toBe(1);
        expect(end.getTime()).toBeGreaterThanOrEqual(t.getTime());
      }),
    );
  });
});
