/**
 * Replays one member's tier over time with the shared rules: growth value is re-evaluated at every payment
 * (upgrade at once) and reviews run on their due dates (keep, or drop one level).
 */
import {
  evaluateTier,
  growthValue,
  type GrowthOrder,
  type MemberTierState,
  type TierConfig,
  tierBenefits,
  type TierHistoryEntry,
} from '@member-ops/shared/tiers/index';
import type { TierCode } from '@member-ops/shared';
import type { TierChangeReason, tierHistory } from '../../../server/src/db/schema';
import type { IdSequence } from './ids';

const REASON: Record<TierHistoryEntry['reason'], TierChangeReason> = {
  upgrade: 'upgrade',
  review_keep: 'review_keep',
  review_down: 'review_downgrade',
};

export class TierTrack {
  private state: MemberTierState = { tier: 'normal', keepUntil: null };
  private readonly orders = new Map<number, GrowthOrder>();
  readonly history: (typeof tierHistory.$inferInsert)[] = [];
  /** When the member reached the current tier; registration while on the base tier. */
  tierSince: Date;

  constructor(
    private readonly memberId: number,
    registeredAt: Date,
    private readonly ids: IdSequence,
    private readonly config: TierConfig,
    private readonly configVersion: number,
  ) {
    this.tierSince = registeredAt;
  }

  get tier(): TierCode {
    return this.state.tier;
  }

  get keepUntil(): Date | null {
    return this.state.keepUntil;
  }

  pointsMultiplier(): number {
    return tierBenefits(this.state.tier, this.config).pointsMultiplier;
  }

  /** Runs every review that fell due up to `at`, each on its due date with the growth value of that day. */
  catchUp(at: Date): void {
    while (this.state.keepUntil !== null && this.state.keepUntil.getTime() <= at.getTime()) {
      const due = this.state.keepUntil;
      this.apply(evaluateTier(this.state, growthValue([...this.orders.values()], due, this.config), due, this.config).history);
    }
  }

  /** Counts a payment and upgrades at once if it lifts growth value over a threshold; returns the tiers entered. */
  paid(orderId: number, paidAt: Date, amountFen: number): TierCode[] {
    this.catchUp(paidAt);
    this.orders.set(orderId, { paidAt, amountFen, refundedFen: 0, refundedAt: null });
    const growth = growthValue([...this.orders.values()], paidAt, this.config);
    const entries = evaluateTier(this.state, growth, paidAt, this.config).history;
    this.apply(entries, orderId);
    return entries.filter((entry) => entry.reason === 'upgrade').map((entry) => entry.to);
  }

  /** A refund lowers growth value from `at`; it never downgrades by itself (only a review does). */
  refunded(orderId: number, refundedFen: number, at: Date): void {
    this.catchUp(at);
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`order ${orderId} was never paid`);
    this.orders.set(orderId, { ...order, refundedFen, refundedAt: at });
  }

  private apply(entries: readonly TierHistoryEntry[], orderId?: number): void {
    for (const entry of entries) {
      this.history.push({
        id: this.ids.next('tier_history'),
        memberId: this.memberId,
        fromTier: entry.from,
        toTier: entry.to,
        reason: REASON[entry.reason],
        growthValueFen: entry.growthFen,
        orderId: entry.reason === 'upgrade' ? (orderId ?? null) : null,
        configVersion: this.configVersion,
        at: entry.at,
      });
      if (entry.to !== entry.from) this.tierSince = entry.at;
      this.state = { tier: entry.to, keepUntil: entry.keepUntil };
    }
  }
}
