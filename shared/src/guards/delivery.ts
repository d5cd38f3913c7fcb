import { addDays, DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDayDiff, startOfShanghaiDay, startOfShanghaiWeek } from '../time';
import { clockMinutes, type DeliveryChannel, type DeliveryGuardConfig } from './config';

export interface DeliveryInput {
  now: Date;
  channel: DeliveryChannel;
  /** One-time subscribe credits this member has left for the message's template (subscribe messages only). */
  consentCredits: number;
  /** This member's recent deliveries across all campaigns (at least the last 7 days). */
  recentSends: ReadonlyArray<{ at: Date; channel: DeliveryChannel }>;
  doNotContact: boolean;
  inHoldout: boolean;
  /** After this the delivery is pointless (a birthday greeting the day after); it is skipped rather than held longer. */
  deliverBy?: Date | null;
}

export type DeliveryDecision =
  | { action: 'send' }
  | { action: 'defer'; until: Date; reason: 'quiet_hours' | 'frequency_cap' }
  | { action: 'skip'; reason: 'holdout' | 'do_not_contact' | 'no_consent' | 'frequency_cap' | 'past_deadline' };

const MINUTE_MS = 60_000;

function msOfShanghaiDay(instant: Date): number {
  return (((instant.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** The end of the quiet period `instant` falls in, or null when it is outside quiet hours. */
function quietUntil(instant: Date, quiet: NonNullable<DeliveryGuardConfig['quietHours']>): Date | null {
  const start = clockMinutes(quiet.start) * MINUTE_MS;
  const end = clockMinutes(quiet.end) * MINUTE_MS;
  const ms = msOfShanghaiDay(instant);
  const quietNow = start < end ? ms >= start && ms < end : ms >= start || ms < end;
  if (!quietNow) return null;
  const endToday = new Date(startOfShanghaiDay(instant).getTime() + end);
  return endToday.getTime() > instant.getTime() ? endToday : addDays(endToday, 1);
}

/** True when one more capped delivery at `at` would break the daily or weekly cap. */
function capReached(at: Date, sends: readonly Date[], cap: DeliveryGuardConfig['frequencyCap']): boolean {
  const sameDay = sends.filter((sent) => shanghaiDayDiff(sent, at) === 0).length;
  if (sameDay >= cap.perDay) return true;
  const inWeek =
    cap.week === 'calendar'
      ? sends.filter((sent) => startOfShanghaiWeek(sent).getTime() === startOfShanghaiWeek(at).getTime()).length
      : sends.filter((sent) => {
          const days = shanghaiDayDiff(sent, at);
          return days >= 0 && days < 7;
        }).length;
  return inWeek >= cap.perWeek;
}

/**
 * The guard decision for one delivery to one member, checked in this order:
 * 1. holdout → skip (the holdout must receive nothing from the campaign, or the uplift is wrong);
 * 2. do-not-contact → skip on the configured channels;
 * 3. a subscribe message without a consent credit → skip (other actions of the same step still go out —
 *    decide each action separately);
 * 4. timing: quiet hours hold the delivery to the end of the quiet period; a full daily or weekly cap holds it
 *    to the first moment with a free slot (outside quiet hours). A hold longer than `maxDeferDays` is skipped as
 *    'frequency_cap'; a hold beyond `deliverBy` is skipped as 'past_deadline'.
 * The caller re-runs the decision when a deferred delivery comes due, with fresh sends and credits.
 * @example decideDelivery({ now, channel: 'subscribe_message', consentCredits: 1, recentSends: [], doNotContact: false, inHoldout: false }, DEFAULT_DELIVERY_GUARD_CONFIG)
 * // { action: 'defer', until: <next 09:00 Shanghai>, reason: 'quiet_hours' } at 22:30 Shanghai
 */
export function decideDelivery(input: DeliveryInput, config: DeliveryGuardConfig): DeliveryDecision {
  const { now, channel } = input;
  if (input.inHoldout) return { action: 'skip', reason: 'holdout' };
  if (input.doNotContact && config.doNotContactChannels.includes(channel)) return { action: 'skip', reason: 'do_not_contact' };
  if (channel === 'subscribe_message' && input.consentCredits <= 0) return { action: 'skip', reason: 'no_consent' };
  if (input.deliverBy && input.deliverBy.getTime() < now.getTime()) return { action: 'skip', reason: 'past_deadline' };

  const quiet = config.quietHoursChannels.includes(channel) ? config.quietHours : null;
  const capped = config.frequencyCappedChannels.includes(channel);
  const sends = capped
    ? input.recentSends.filter((send) => config.frequencyCappedChannels.includes(send.channel)).map((send) => send.at)
    : [];
  const latest = addDays(now, config.frequencyCap.maxDeferDays).getTime();
  let at = now;
  let heldByCap = false;
  for (;;) {
    const quietEnd = quiet ? quietUntil(at, quiet) : null;
    if (quietEnd) at = quietEnd;
    if (!capped || !capReached(at, sends, config.frequencyCap)) break;
    heldByCap = true;
    at = addDays(startOfShanghaiDay(at), 1);
    if (at.getTime() > latest) return { action: 'skip', reason: 'frequency_cap' };
  }
  if (at.getTime() === now.getTime()) return { action: 'send' };
  if (heldByCap && at.getTime() > latest) return { action: 'skip', reason: 'frequency_cap' };
  if (input.deliverBy && at.getTime() > input.deliverBy.getTime()) return { action: 'skip', reason: 'past_deadline' };
  return { action: 'defer', until: at, reason: heldByCap ? 'frequency_cap' : 'quiet_hours' };
}
