/** Simulates one member end to end and adds all their rows (profile, history, ledger, events) to `rows`. */
import { DAY_MS } from '@member-ops/shared/time/index';
import type { ShopContext } from './context';
import { TAG_BY_CATEGORY, TAG_CORPORATE, TAG_LIVE_FAN, TAG_OFFLINE_EVENT } from './data/people-data';
import { createProfile, type MemberProfile } from './member-profile';
import { SeededRandom } from './random';
import type { MemberRows } from './rows';
import { MemberSimulation } from './simulation';

function tagsFor(rng: SeededRandom, profile: MemberProfile): string[] {
  const tags: string[] = [];
  for (const category of profile.favouriteCategories) {
    const rule = TAG_BY_CATEGORY[category];
    if (rule && rng.chance(rule.probability)) tags.push(rule.tag);
  }
  if (profile.sourceChannel === 'share' && rng.chance(0.08)) tags.push(TAG_LIVE_FAN);
  if (profile.sourceChannel === 'store_qr' && rng.chance(0.06)) tags.push(TAG_OFFLINE_EVENT);
  if (profile.corporate) tags.push(TAG_CORPORATE);
  return tags;
}

/** Repeat buyers of a store are likely to have a rep; one-off buyers and prospects less so. */
function repChance(paidOrders: number): number {
  if (paidOrders >= 2) return 0.6;
  return paidOrders === 1 ? 0.25 : 0.08;
}

export function simulateMember(context: ShopContext, id: number, registeredAt: Date, rows: MemberRows): void {
  const rng = SeededRandom.stream(context.seed, 'member', id);
  const profile = createProfile(context, rng, id, registeredAt);
  const simulation = new MemberSimulation(context, rng, profile, rows);
  simulation.run();
  const { now } = context;

  const paidAt = [...simulation.placed.values()].flatMap((order) => (order.row.paidAt ? [order.row.paidAt] : []));
  let ownerRepId: number | null = null;
  if (profile.store && rng.chance(repChance(paidAt.length))) {
    ownerRepId = profile.store.repId;
    const from = (paidAt[0] ?? registeredAt).getTime();
    rows.repAssignments.push({
      id: context.ids.next('rep_assignments'),
      memberId: id,
      repId: ownerRepId,
      reason: 'initial',
      assignedAt: new Date(Math.min(now.getTime(), from + rng.uniform(1, 30) * DAY_MS)),
    });
  }

  const { tier } = simulation;
  rows.members.push({
    ...profile.row,
    tier: tier.tier,
    tierSince: tier.tierSince,
    tierKeepUntil: tier.keepUntil,
    tags: tagsFor(rng, profile),
    ownerRepId,
    updatedAt: now,
  });
  rows.coupons.push(...simulation.wallet.rows(rng, now));
  const points = simulation.points.rows(now);
  rows.pointsBatches.push(...points.batches);
  rows.pointsLedger.push(...points.ledger);
  rows.pointsConsumptions.push(...points.consumptions);
  rows.tierHistory.push(...tier.history);
  rows.events.push(...simulation.events.events);
  rows.eventReceipts.push(...simulation.events.receipts());
  rows.favorites.push(...simulation.events.favouriteRows());
  rows.cartItems.push(...simulation.events.cartRows());
  rows.subscriptionEvents.push(...simulation.subscriptions.events);
  rows.subscriptionCredits.push(...simulation.subscriptions.credits());
}
