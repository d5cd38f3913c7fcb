/**
 * The shop's calendar: how busy a day is (618, 双11, 双12, 女神节, the run-up to 春节 and its holiday lull),
 * what time of day people shop, and how the member base grew.
 */
import { addDays, addMonths, DAY_MS, fromShanghai, shanghaiParts, startOfShanghaiDay } from '@member-ops/shared';
import type { SeededRandom } from './random';

export const HISTORY_MONTHS = 18;

/** 春节 (first day of the lunar year) — the holiday moves every year. */
const SPRING_FESTIVAL: Readonly<Record<number, readonly [number, number]>> = {
  2022: [2, 1],
  2023: [1, 22],
  2024: [2, 10],
  2025: [1, 29],
  2026: [2, 17],
  2027: [2, 6],
  2028: [1, 26],
  2029: [2, 13],
  2030: [2, 3],
  2031: [1, 23],
};

/** Relative demand by hour of the day in Shanghai: quiet at night, a lunch bump and an evening peak. */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3, 3.5, 4, 4.5, 3.5, 3.5, 3.5, 3.5, 4, 4.5, 5, 6, 6.5, 5, 3];
/** Store opening hours 10:00–21:59. */
const STORE_HOUR_WEIGHTS = HOUR_WEIGHTS.map((weight, hour) => (hour >= 10 && hour <= 21 ? weight : 0));

export const MAX_DEMAND_FACTOR = 3.5;

function springFestivalOffsetDays(at: Date): number | null {
  const { year } = shanghaiParts(at);
  let best: number | null = null;
  for (const candidate of [year, year + 1]) {
    const date = SPRING_FESTIVAL[candidate];
    if (!date) continue;
    const offset = Math.round((fromShanghai(candidate, date[0], date[1]).getTime() - startOfShanghaiDay(at).getTime()) / DAY_MS);
    if (best === null || Math.abs(offset) < Math.abs(best)) best = offset;
  }
  return best;
}

/**
 * How much busier than an ordinary day `at` is, between 0.6 (春节 holiday) and MAX_DEMAND_FACTOR (双11 itself).
 */
export function demandFactor(at: Date): number {
  const { month, day } = shanghaiParts(at);
  if (month === 11 && day >= 9 && day <= 11) return MAX_DEMAND_FACTOR;
  if ((month === 10 && day >= 20) || (month === 11 && day < 9)) return 1.6;
  if (month === 6 && day >= 16 && day <= 18) return 3;
  if (month === 6 && day < 16) return 1.8;
  if (month === 12 && day >= 10 && day <= 12) return 1.6;
  if (month === 3 && day >= 5 && day <= 8) return 1.4;
  const toFestival = springFestivalOffsetDays(at);
  if (toFestival !== null && toFestival >= 3 && toFestival <= 21) return 1.8;
  if (toFestival !== null && toFestival > -7 && toFestival < 3) return 0.6;
  return 1;
}

export interface PromoWindow {
  name: string;
  start: Date;
  end: Date;
}

/** The big sales (618, 双11, 年货节) that overlap [from, to]. */
export function promoWindows(from: Date, to: Date): PromoWindow[] {
  const windows: PromoWindow[] = [];
  const first = shanghaiParts(from).year;
  const last = shanghaiParts(to).year;
  for (let year = first; year <= last + 1; year++) {
    windows.push({ name: `${year} 618年中大促`, start: fromShanghai(year, 6, 1), end: fromShanghai(year, 6, 19) });
    windows.push({ name: `${year} 双11狂欢节`, start: fromShanghai(year, 10, 20), end: fromShanghai(year, 11, 12) });
    const festival = SPRING_FESTIVAL[year];
    if (festival) {
      const day = fromShanghai(year, festival[0], festival[1]);
      windows.push({ name: `${year} 年货节`, start: addDays(day, -21), end: addDays(day, -2) });
    }
  }
  return windows
    .filter((w) => w.end.getTime() > from.getTime() && w.start.getTime() < to.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Moves `at` to a plausible time of day on the same Shanghai day (store hours for in-store sales), never past `notAfter`. */
export function atTimeOfDay(rng: SeededRandom, at: Date, notAfter: Date, inStore = false): Date {
  const hour = rng.weightedIndex(inStore ? STORE_HOUR_WEIGHTS : HOUR_WEIGHTS);
  const timed = new Date(startOfShanghaiDay(at).getTime() + hour * 3_600_000 + rng.int(0, 3_599_999));
  if (timed.getTime() <= notAfter.getTime()) return timed;
  return new Date(notAfter.getTime() - rng.int(60_000, 3_600_000));
}

/** The first instant of the simulated history. */
export function historyStart(now: Date): Date {
  return addMonths(now, -HISTORY_MONTHS);
}

/**
 * A registration instant in [start, now): sign-ups grow over the period (the last month about three times the
 * first) and rise during the big sales.
 */
export function sampleRegistration(rng: SeededRandom, start: Date, now: Date): Date {
  const growth = Math.log(3);
  const span = now.getTime() - start.getTime();
  for (;;) {
    const position = Math.log(1 + rng.next() * (Math.exp(growth) - 1)) / growth;
    const at = new Date(start.getTime() + position * span);
    const bump = 1 + 0.5 * (demandFactor(at) - 1);
    if (rng.next() * (1 + 0.5 * (MAX_DEMAND_FACTOR - 1)) >= bump) continue;
    const timed = atTimeOfDay(rng, at, now);
    if (timed.getTime() >= start.getTime()) return timed;
  }
}

/**
 * The next purchase after `from` of a shopper who buys `perYear` times a year on an ordinary day, more during
 * sales (a thinned Poisson process); null when it would fall after `until`.
 */
export function nextPurchase(rng: SeededRandom, from: Date, perYear: number, until: Date): Date | null {
  const meanGapMs = (365 * DAY_MS) / (perYear * MAX_DEMAND_FACTOR);
  let at = from.getTime();
  for (;;) {
    at += rng.exponential(meanGapMs);
    if (at > until.getTime()) return null;
    if (rng.next() * MAX_DEMAND_FACTOR < demandFactor(new Date(at))) return new Date(at);
  }
}
