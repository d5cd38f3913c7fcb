/**
 * One member's answers to subscribe-message requests and the one-time credits they add up to. No message was
 * sent in the demo history, so every accepted request is still a credit.
 */
import type { SubscriptionResult, subscriptionCredits, subscriptionEvents } from '../../../server/src/db/schema';
import type { IdSequence } from './ids';
import type { SeededRandom } from './random';

export const COUPON_ARRIVED_TEMPLATE = 'demo-tpl-coupon-arrived';
export const TIER_UPGRADED_TEMPLATE = 'demo-tpl-tier-upgraded';

export class SubscriptionLog {
  readonly events: (typeof subscriptionEvents.$inferInsert)[] = [];

  constructor(
    private readonly memberId: number,
    private readonly rng: SeededRandom,
    private readonly ids: IdSequence,
  ) {}

  answer(templateId: string, at: Date, context: string, result: SubscriptionResult): void {
    this.events.push({ id: this.ids.next('subscription_events'), memberId: this.memberId, templateId, result, context, at });
  }

  /** The payment callback may ask for up to three templates; some shoppers allow one or two, a few refuse. */
  afterPayment(at: Date, templateIds: readonly string[]): void {
    const roll = this.rng.next();
    if (roll < 0.3) {
      for (const templateId of this.rng.sample(templateIds, this.rng.int(1, 2))) this.answer(templateId, at, 'payment', 'accept');
    } else if (roll < 0.38) {
      this.answer(this.rng.pick(templateIds), at, 'payment', 'reject');
    }
  }

  /** Credits per template: one per accepted request; the last answer is remembered. */
  credits(): (typeof subscriptionCredits.$inferInsert)[] {
    const byTemplate = new Map<string, { credits: number; lastResult: SubscriptionResult; updatedAt: Date }>();
    for (const event of this.events) {
      const at = event.at ?? new Date(0);
      const previous = byTemplate.get(event.templateId);
      byTemplate.set(event.templateId, {
        credits: (previous?.credits ?? 0) + (event.result === 'accept' ? 1 : 0),
        lastResult: event.result,
        updatedAt: at,
      });
    }
    return [...byTemplate].map(([templateId, value]) => ({ memberId: this.memberId, templateId, ...value }));
  }
}
