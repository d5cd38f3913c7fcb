import { shanghaiParts } from '../time';

const FIELD_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function fieldValues(field: string, [min, max]: readonly [number, number]): Set<number> | null {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return null;
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return null;
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/**
 * Parses a five-field cron expression (minute hour day month weekday; `*`, lists, ranges and steps); null when
 * it is not one. Weekday 0 and 7 are both Sunday.
 * @example parseCron('0 10 * * *') // matches 10:00 every day
 */
export function parseCron(expression: string): Set<number>[] | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const parsed = fields.map((field, index) => fieldValues(field, FIELD_RANGES[index] ?? [0, 0]));
  if (parsed.some((values) => values === null)) return null;
  const sets = parsed as Set<number>[];
  if (sets[4]?.has(7)) sets[4].add(0);
  return sets;
}

/**
 * True when the Shanghai wall-clock minute of `at` matches the cron expression (day and weekday both
 * restricted: either may match, as in cron).
 * @example cronMatches('0 10 * * *', fromShanghai(2026, 3, 1, 10, 0)) // true
 */
export function cronMatches(expression: string, at: Date): boolean {
  const sets = parseCron(expression);
  if (!sets) return false;
  const [minutes, hours, days, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const p = shanghaiParts(at);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  const dayRestricted = days.size < 31;
  const weekdayRestricted = weekdays.size < 7;
  const dayOk =
    dayRestricted && weekdayRestricted ? days.has(p.day) || weekdays.has(weekday) : days.has(p.day) && weekdays.has(weekday);
  return minutes.has(p.minute) && hours.has(p.hour) && months.has(p.month) && dayOk;
}
