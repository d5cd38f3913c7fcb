/**
 * When things happen in one member's life: purchases (a BG/NBD-like process with sales bumps), browsing,
 * coupon claims, sign-in streaks and birthdays. The simulation plays these in time order; refunds, reviews
 * and points exchanges are added while it runs.
 */
import { addDays, DAY_MS, fromShanghai, shanghaiDate, shanghaiParts } from '@member-ops/shared/time/index';
import type { OrderChannel } from '../../../server/src/db/schema';
import { atTimeOfDay, nextPurchase } from './calendar';
import type { ShopContext } from './context';
import type { MemberProfile } from './member-profile';
import type { SeededRandom } from './random';

export type Action =
  | { kind: 'welcome'; at: Date }
  | { kind: 'order'; at: Date; channel: OrderChannel }
  | { kind: 'refund'; at: Date; orderId: number }
  | { kind: 'review'; at: Date; orderId: number }
  | { kind: 'browse'; at: Date }
  | { kind: 'sign_in'; at: Date }
  | { kind: 'claim'; at: Date }
  | { kind: 'promo_claim'; at: Date }
  | { kind: 'birthday'; at: Date; year: number }
  | { kind: 'exchange'; at: Date };

/** Actions in time order; equal times keep the order they were added in. */
export class ActionQueue {
  private readonly actions: Action[] = [];

  push(action: Action): void {
    let index = this.actions.length;
    while (index > 0 && (this.actions[index - 1] as Action).at.getTime() > action.at.getTime()) index--;
    this.actions.splice(index, 0, action);
  }

  shift(): Action | undefined {
    return this.actions.shift();
  }
}

function uniformBetween(rng: SeededRandom, from: Date, to: Date): Date {
  return new Date(from.getTime() + rng.next() * Math.max(0, to.getTime() - from.getTime()));
}

function purchaseTimes(context: ShopContext, rng: SeededRandom, profile: MemberProfile): { at: Date; channel: OrderChannel }[] {
  const { now } = context;
  const first = new Date(profile.registeredAt.getTime() + profile.firstPurchaseDelayDays * DAY_MS);
  if (first.getTime() > now.getTime()) return [];
  const raw = [first];
  for (let at = first; !rng.chance(profile.dropoutAfterPurchase);) {
    const next = nextPurchase(rng, at, profile.purchasesPerYear, now);
    if (!next) break;
    raw.push(next);
    at = next;
  }
  const timed: { at: Date; channel: OrderChannel }[] = [];
  let previous = profile.registeredAt.getTime();
  for (const at of raw) {
    const channel: OrderChannel = rng.chance(profile.inStoreShare) ? 'pos' : 'mini_program';
    let when = atTimeOfDay(rng, at, now, channel === 'pos').getTime();
    if (when <= previous) when = previous + rng.int(10, 120) * 60_000;
    if (when > now.getTime()) break;
    timed.push({ at: new Date(when), channel });
    previous = when;
  }
  return timed;
}

/** The last day this member still opens the shop now and then. */
function activeUntil(context: ShopContext, rng: SeededRandom, profile: MemberProfile, lastPurchase: Date | null): Date {
  const tail = lastPurchase ?? profile.registeredAt;
  const meanDays = profile.kind === 'buyer' ? 30 : 45;
  return new Date(Math.min(context.now.getTime(), tail.getTime() + rng.exponential(meanDays) * DAY_MS));
}

function signInDays(rng: SeededRandom, from: Date, to: Date): Date[] {
  const spanDays = (to.getTime() - from.getTime()) / DAY_MS;
  const runs = Math.min(30, 1 + rng.poisson(spanDays / 25));
  const days = new Map<string, Date>();
  for (let r = 0; r < runs; r++) {
    const start = uniformBetween(rng, from, to);
    const length = Math.min(21, 1 + rng.geometric(0.22));
    for (let d = 0; d < length; d++) {
      const at = addDays(start, d);
      if (at.getTime() > to.getTime()) break;
      days.set(shanghaiDate(at), at);
    }
  }
  return [...days.values()].sort((a, b) => a.getTime() - b.getTime()).slice(0, 150);
}

function birthdays(context: ShopContext, profile: MemberProfile): { at: Date; year: number }[] {
  const birthday = profile.row.birthday;
  if (!birthday) return [];
  const [, month, day] = birthday.split('-').map(Number) as [number, number, number];
  const out: { at: Date; year: number }[] = [];
  for (let year = shanghaiParts(profile.registeredAt).year; year <= shanghaiParts(context.now).year; year++) {
    const at = fromShanghai(year, month, day, 9);
    if (at.getTime() > profile.registeredAt.getTime() && at.getTime() <= context.now.getTime()) out.push({ at, year });
  }
  return out;
}

/** Everything planned up front for this member, in a queue the simulation can add to. */
export function planTimeline(context: ShopContext, rng: SeededRandom, profile: MemberProfile): ActionQueue {
  const queue = new ActionQueue();
  const { now } = context;
  const registered = profile.registeredAt;
  // Re-timing to a time of day can move an instant before the sign-up on the day the member registered.
  const afterSignUp = (at: Date): Date =>
    at.getTime() > registered.getTime() ? at : new Date(registered.getTime() + rng.int(1, 30) * 60_000);
  if (rng.chance(0.55))
    queue.push({ kind: 'welcome', at: new Date(Math.min(now.getTime(), registered.getTime() + rng.int(1, 10) * 60_000)) });
  const purchases = profile.kind === 'buyer' ? purchaseTimes(context, rng, profile) : [];
  for (const purchase of purchases) queue.push({ kind: 'order', ...purchase });
  if (profile.kind === 'dormant') return queue;

  const until = activeUntil(context, rng, profile, purchases.at(-1)?.at ?? null);
  const browseSessions =
    profile.kind === 'buyer'
      ? rng.poisson(profile.browsePerPurchase * Math.max(1, purchases.length))
      : Math.min(15, 1 + rng.geometric(0.35));
  for (let i = 0; i < browseSessions; i++)
    queue.push({ kind: 'browse', at: afterSignUp(atTimeOfDay(rng, uniformBetween(rng, registered, until), now)) });

  const activeMonths = (until.getTime() - registered.getTime()) / (30 * DAY_MS);
  const claims = Math.min(10, rng.poisson(activeMonths * 0.15));
  for (let i = 0; i < claims; i++)
    queue.push({ kind: 'claim', at: afterSignUp(atTimeOfDay(rng, uniformBetween(rng, registered, until), now)) });
  for (const promo of context.promos) {
    const from = Math.max(promo.start.getTime(), registered.getTime());
    const to = Math.min(promo.end.getTime(), until.getTime());
    if (from < to && rng.chance(profile.kind === 'buyer' ? 0.2 : 0.1)) {
      queue.push({ kind: 'promo_claim', at: uniformBetween(rng, new Date(from), new Date(to)) });
    }
  }
  if (profile.signsIn)
    for (const at of signInDays(rng, registered, until))
      queue.push({ kind: 'sign_in', at: afterSignUp(atTimeOfDay(rng, at, now)) });
  for (const birthday of birthdays(context, profile)) queue.push({ kind: 'birthday', ...birthday });
  return queue;
}
