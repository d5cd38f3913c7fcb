import { DAY_MS } from '../time';

/**
 * The share of a point left after `elapsedMs`: 0.5 ^ (elapsed / half-life). SQL:
 * `power(0.5, date_part('epoch', to - from) / (halfLifeDays * 86400))`.
 * @example halfLifeDecayFactor(14 * DAY_MS, 14) // 0.5
 */
export function halfLifeDecayFactor(elapsedMs: number, halfLifeDays: number): number {
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be positive, got ${halfLifeDays}`);
  if (!(elapsedMs >= 0)) throw new RangeError(`decay only runs forward in time, got ${elapsedMs} ms`);
  return 0.5 ** (elapsedMs / (halfLifeDays * DAY_MS));
}

/**
 * A score held at `from`, seen at `to`.
 * @example decayScore(40, t, addDays(t, 14), 14) // 20
 */
export function decayScore(score: number, from: Date, to: Date, halfLifeDays: number): number {
  return score * halfLifeDecayFactor(to.getTime() - from.getTime(), halfLifeDays);
}
