import type { BehaviourState, EventType } from '../vocabulary';
import type { BehaviourConfig } from './config';
import { decayScore, halfLifeDecayFactor } from './decay';

export interface ActivityEvent {
  type: EventType;
  at: Date;
  /** Seconds the page stayed open, when the client measured it. */
  dwellSeconds?: number;
}

/**
 * A running activity score as stored per member: the decayed sum of event points as of `asOf`.
 * Keeping the time with the value is what lets the server update it incrementally.
 */
export interface ActivityScore {
  value: number;
  asOf: Date;
}

/**
 * An event's undecayed worth: its type's weight plus pointsPerSecond × min(dwell, cap). SQL:
 * `CASE type WHEN ... END + pointsPerSecond * least(coalesce(dwell_seconds, 0), capSeconds)`.
 * @example activityEventPoints({ type: 'product_view', at, dwellSeconds: 90 }, DEFAULT_BEHAVIOUR_CONFIG) // 2 + 0.02 × 90 = 3.8
 */
export function activityEventPoints(event: ActivityEvent, config: BehaviourConfig): number {
  const dwell = event.dwellSeconds ?? 0;
  if (!(dwell >= 0 && Number.isFinite(dwell))) throw new RangeError(`dwellSeconds must be a non-negative number, got ${dwell}`);
  return config.eventWeights[event.type] + config.dwell.pointsPerSecond * Math.min(dwell, config.dwell.capSeconds);
}

/** @example emptyActivityScore(registeredAt) // { value: 0, asOf: registeredAt } */
export function emptyActivityScore(asOf: Date): ActivityScore {
  return { value: 0, asOf };
}

/**
 * The running score with one more event. A newer event moves the score forward to its time; a late
 * event (older than `asOf`) is decayed to `asOf` before it is added, so the order of arrival never
 * changes the result.
 * @example addEvent({ value: 10, asOf: t }, { type: 'search', at: addDays(t, 14) }, DEFAULT_BEHAVIOUR_CONFIG)
 * // { value: 5 + 3, asOf: addDays(t, 14) }
 */
export function addEvent(score: ActivityScore, event: ActivityEvent, config: BehaviourConfig): ActivityScore {
  const points = activityEventPoints(event, config);
  if (event.at.getTime() >= score.asOf.getTime()) {
    return { value: decayScore(score.value, score.asOf, event.at, config.halfLifeDays) + points, asOf: event.at };
  }
  const lateness = score.asOf.getTime() - event.at.getTime();
  return { value: score.value + points * halfLifeDecayFactor(lateness, config.halfLifeDays), asOf: score.asOf };
}

/**
 * The stored score seen at `now` (never earlier than `asOf`).
 * @example activityScoreAt({ value: 8, asOf: t }, addDays(t, 28), DEFAULT_BEHAVIOUR_CONFIG) // 2
 */
export function activityScoreAt(score: ActivityScore, now: Date, config: BehaviourConfig): number {
  return decayScore(score.value, score.asOf, now, config.halfLifeDays);
}

/**
 * The score at `now` recomputed from raw events: Σ points × 0.5^(age / half-life) over events at or
 * before `now`; later events are not counted yet.
 * @example activityScoreFromEvents([{ type: 'add_to_cart', at: addDays(now, -14) }], now, DEFAULT_BEHAVIOUR_CONFIG) // 2.5
 */
export function activityScoreFromEvents(events: readonly ActivityEvent[], now: Date, config: BehaviourConfig): number {
  let total = 0;
  for (const event of events) {
    const age = now.getTime() - event.at.getTime();
    if (age < 0) continue;
    total += activityEventPoints(event, config) * halfLifeDecayFactor(age, config.halfLifeDays);
  }
  return total;
}

/**
 * score ≥ activeAtLeast → active; ≥ potentialAtLeast → potential; otherwise churned.
 * @example behaviourStateFor(20, DEFAULT_BEHAVIOUR_CONFIG) // 'active'
 */
export function behaviourStateFor(score: number, config: BehaviourConfig): BehaviourState {
  if (score >= config.thresholds.activeAtLeast) return 'active';
  if (score >= config.thresholds.potentialAtLeast) return 'potential';
  return 'churned';
}
