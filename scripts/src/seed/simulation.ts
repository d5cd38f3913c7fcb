/**
 * Plays one member's timeline in time order and collects their rows: orders with items, payments, refunds
 * and reviews; coupons; points; tier history; events; subscriptions. Each step asks the shared rules
 * (points, tiers) for the decision and records it, as the server would.
 */
import type { SignInState } from '@member-ops/shared/points/index';
import { DAY_MS, shanghaiDate, shanghaiParts } from '@member-ops/shared/time/index';
import { tierBenefits } from '@member-ops/shared/tiers/index';
import type { OrderAddress, OrderChannel, orderItems, orders } from '../../../server/src/db/schema';
import { type ShopContext, templatesFor } from './context';
import { REFUND_REASONS, REVIEW_TEXTS } from './data/people-data';
import { EventLog } from './events';
import { orderNumber, refundNumber, transactionId, wechatRefundId } from './ids';
import type { MemberProfile } from './member-profile';
import { allocateItemDiscount, pickBasket, planRefund, pointsAtCheckout, shippingAddress, shippingFeeFen } from './orders';
import { PointsBook } from './points-book';
import type { SeededRandom } from './random';
import type { MemberRows } from './rows';
import { COUPON_ARRIVED_TEMPLATE, SubscriptionLog, TIER_UPGRADED_TEMPLATE } from './subscriptions';
import { TierTrack } from './tier-track';
import { type Action, type ActionQueue, planTimeline } from './timeline';
import { CouponWallet, type SeededTemplate, type WalletCoupon } from './wallet';

interface PlacedOrder {
  row: typeof orders.$inferInsert & { id: number; paidFen: number };
  items: (typeof orderItems.$inferInsert & { id: number; quantity: number; lineTotalFen: number; discountAllocFen: number })[];
}

export class MemberSimulation {
  readonly points: PointsBook;
  readonly tier: TierTrack;
  readonly wallet: CouponWallet;
  readonly events: EventLog;
  readonly subscriptions: SubscriptionLog;
  readonly placed = new Map<number, PlacedOrder>();
  private signInState: SignInState | null = null;
  private address: OrderAddress | null = null;

  constructor(
    private readonly context: ShopContext,
    private readonly rng: SeededRandom,
    readonly profile: MemberProfile,
    private readonly rows: MemberRows,
  ) {
    const { ids } = context;
    this.points = new PointsBook(profile.id, ids, context.pointsConfig);
    this.tier = new TierTrack(profile.id, profile.registeredAt, ids, context.tierConfig, context.tierConfigVersion);
    this.wallet = new CouponWallet(profile.id, ids);
    this.events = new EventLog(profile.id, rng, ids, context.now);
    this.subscriptions = new SubscriptionLog(profile.id, rng, ids);
  }

  run(): void {
    const queue = planTimeline(this.context, this.rng, this.profile);
    this.events.add('page_view', this.profile.registeredAt, { page: 'pages/index/index', dwellMs: this.rng.int(3_000, 30_000) });
    for (let action = queue.shift(); action; action = queue.shift()) {
      if (action.at.getTime() > this.context.now.getTime()) continue;
      this.tier.catchUp(action.at);
      this.play(action, queue);
    }
    this.tier.catchUp(this.context.now);
  }

  private play(action: Action, queue: ActionQueue): void {
    switch (action.kind) {
      case 'welcome':
        return this.claim(action.at, templatesFor(this.context, 'welcome'));
      case 'claim':
        return this.claim(action.at, templatesFor(this.context, 'claim'));
      case 'promo_claim':
        return this.claim(action.at, templatesFor(this.context, 'promo'));
      case 'order':
        return this.order(action.at, action.channel, queue);
      case 'refund':
        return this.refund(action.orderId, action.at);
      case 'review':
        return this.review(action.orderId, action.at);
      case 'browse':
        return this.events.browseSession(action.at, this.pickCategory(), this.context.catalog, this.profile.priceLevel);
      case 'sign_in':
        return this.signIn(action.at);
      case 'birthday':
        return this.birthday(action.at, action.year);
      case 'exchange':
        return this.exchange(action.at);
    }
  }

  private pickCategory(): string {
    return this.rng.pick(this.profile.favouriteCategories);
  }

  private claim(at: Date, templates: readonly SeededTemplate[]): void {
    const open = templates.filter((t) => this.wallet.issuedCount(t.id) < t.spec.perMemberLimit);
    if (open.length === 0) return;
    const template = this.rng.pick(open);
    if (!this.wallet.issue(template, at, 'claim', `claim:${this.wallet.issuedCount(template.id) + 1}`)) return;
    this.events.couponClaim(at, template.id);
    if (this.rng.chance(0.2)) this.subscriptions.answer(COUPON_ARRIVED_TEMPLATE, at, 'coupon_center', 'accept');
  }

  private order(createdAt: Date, channel: OrderChannel, queue: ActionQueue): void {
    const { context, rng, profile } = this;
    const orderId = context.ids.next('orders');
    const lines = pickBasket(rng, context.catalog, profile);
    const itemsTotalFen = lines.reduce((sum, line) => sum + line.lineTotalFen, 0);
    const shippingFen = shippingFeeFen(channel, itemsTotalFen);
    const store = channel === 'pos' ? profile.store : null;
    const checkoutClosesAt = new Date(createdAt.getTime() + 30 * 60_000);
    // An unpaid order only counts as abandoned once its payment window has closed.
    const abandoned = channel === 'mini_program' && checkoutClosesAt.getTime() <= context.now.getTime() && rng.chance(0.03);
    const basket = {
      lines: lines.map((l) => ({ category: l.product.categoryCode, lineTotalFen: l.lineTotalFen })),
      itemsTotalFen,
      shippingFen,
    };

    if (!abandoned && channel === 'mini_program' && !this.wallet.best(basket, createdAt)) {
      // Shoppers often pick up a coupon on the way to the checkout, above all during a big sale.
      const duringSale = context.promos.some(
        (p) => p.start.getTime() <= createdAt.getTime() && createdAt.getTime() < p.end.getTime(),
      );
      if (duringSale && rng.chance(0.4)) this.claim(createdAt, templatesFor(context, 'promo'));
      else if (rng.chance(0.12)) this.claim(createdAt, templatesFor(context, 'claim'));
    }
    const choice = abandoned ? null : this.wallet.best(basket, createdAt);
    const coupon: WalletCoupon | null = choice && rng.chance(profile.couponAffinity) ? choice.coupon : null;
    const couponDiscountFen = coupon && choice ? choice.discountFen : 0;
    const couponOnItemsFen = coupon && choice && !choice.onShipping ? couponDiscountFen : 0;

    const { points: pointsUsed, fen: pointsDiscountFen } =
      !abandoned && rng.chance(profile.pointsAffinity)
        ? pointsAtCheckout(
            rng,
            { itemsTotalFen, shippingFen, couponDiscountFen, couponOnItemsFen },
            this.points.available(createdAt),
            context.pointsConfig,
          )
        : { points: 0, fen: 0 };
    const payableFen = itemsTotalFen + shippingFen - couponDiscountFen - pointsDiscountFen;
    const paySeconds = channel === 'pos' ? rng.int(5, 40) : rng.int(20, 240);
    const paidAt = abandoned ? null : new Date(Math.min(context.now.getTime(), createdAt.getTime() + paySeconds * 1000));
    if (pointsUsed > 0 && this.points.spend(pointsUsed, createdAt, 'checkout', { orderId }) === null) {
      throw new Error(`member ${profile.id}: points spend refused after the balance was checked`);
    }
    if (coupon) this.wallet.use(coupon, orderId, createdAt);

    const allocations = allocateItemDiscount(
      lines.map((l) => l.lineTotalFen),
      couponOnItemsFen + pointsDiscountFen,
    );
    const placed: PlacedOrder = {
      row: {
        id: orderId,
        orderNo: orderNumber(orderId, createdAt),
        memberId: profile.id,
        storeId: store?.id ?? null,
        channel,
        status: abandoned ? 'cancelled' : 'paid',
        itemsTotalFen,
        couponDiscountFen,
        pointsUsed,
        pointsDiscountFen,
        shippingFen,
        payableFen,
        paidFen: paidAt ? payableFen : 0,
        refundedFen: 0,
        couponId: coupon?.id ?? null,
        address: channel === 'mini_program' ? (this.address ??= shippingAddress(rng, profile)) : null,
        recordedBy: store?.clerkId ?? null,
        createdAt,
        expiresAt: channel === 'mini_program' ? checkoutClosesAt : null,
        paidAt,
        cancelledAt: abandoned ? checkoutClosesAt : null,
        updatedAt: paidAt ?? checkoutClosesAt,
      },
      items: lines.map((line, i) => ({
        id: context.ids.next('order_items'),
        orderId,
        memberId: profile.id,
        skuId: line.sku.id,
        productId: line.product.id,
        title: line.sku.title,
        category: line.product.categoryCode,
        brand: line.product.brandCode,
        unitPriceFen: line.sku.priceFen,
        quantity: line.quantity,
        lineTotalFen: line.lineTotalFen,
        discountAllocFen: allocations[i] ?? 0,
        refundedQuantity: 0,
        refundedFen: 0,
      })),
    };
    this.placed.set(orderId, placed);
    this.rows.orders.push(placed.row);
    this.rows.orderItems.push(...placed.items);
    if (channel === 'mini_program') this.events.purchaseSession(createdAt, lines, context.catalog, profile.priceLevel);
    if (!paidAt) return;
    for (const line of lines) this.events.bought(line.sku.id, createdAt);
    this.paid(placed, paidAt, channel, queue);
  }

  private paid(placed: PlacedOrder, paidAt: Date, channel: OrderChannel, queue: ActionQueue): void {
    const { context, rng } = this;
    const orderId = placed.row.id;
    this.rows.payments.push({
      id: context.ids.next('payments'),
      orderId,
      memberId: this.profile.id,
      method: channel === 'pos' ? 'pos' : 'wechat_pay',
      outTradeNo: placed.row.orderNo,
      prepayId: channel === 'pos' ? null : `wx${orderId.toString(16).padStart(30, '0')}`,
      transactionId: transactionId(orderId, paidAt, channel === 'pos'),
      amountFen: placed.row.paidFen,
      status: 'succeeded',
      notifiedAt: paidAt,
      createdAt: placed.row.createdAt,
      updatedAt: paidAt,
    });
    const earned = this.points.earnForOrder(orderId, placed.row.paidFen, paidAt, this.tier.pointsMultiplier());
    for (const tier of this.tier.paid(orderId, paidAt, placed.row.paidFen)) {
      const gift = context.tierGiftTemplates.get(tier);
      if (gift) this.wallet.issue(gift, paidAt, 'tier_benefit', `tier:${tier}:${shanghaiParts(paidAt).year}`);
      if (rng.chance(0.3)) this.subscriptions.answer(TIER_UPGRADED_TEMPLATE, paidAt, 'payment', 'accept');
    }
    if (channel === 'mini_program') this.subscriptions.afterPayment(paidAt, context.marketingTemplateIds);
    const later = (minDays: number, maxDays: number) => new Date(paidAt.getTime() + rng.uniform(minDays, maxDays) * DAY_MS);
    if (rng.chance(0.04)) queue.push({ kind: 'refund', at: later(1, 15), orderId });
    else if (rng.chance(0.12)) queue.push({ kind: 'review', at: later(3, 12), orderId });
    if (earned > 0 && rng.chance(0.06)) queue.push({ kind: 'exchange', at: later(1, 20) });
  }

  private refund(orderId: number, at: Date): void {
    const placed = this.placed.get(orderId);
    if (!placed) return;
    const plan = planRefund(this.rng, placed.items, placed.row.paidFen);
    if (!plan) return;
    const { ids } = this.context;
    const refundId = ids.next('refunds');
    const order = placed.row;
    order.refundedFen = plan.amountFen;
    order.status = plan.full ? 'refunded' : 'partially_refunded';
    order.updatedAt = at;
    for (const line of plan.lines) {
      const item = placed.items.find((i) => i.id === line.orderItemId);
      if (item) Object.assign(item, { refundedQuantity: line.quantity, refundedFen: line.amountFen });
    }
    const clawedBack = this.points.clawback(orderId, refundId, order.paidFen, plan.amountFen, at);
    if (plan.full && order.pointsUsed) this.points.returnSpent(orderId, refundId, order.pointsUsed, at);
    this.tier.refunded(orderId, plan.amountFen, at);
    const succeededAt = new Date(Math.min(this.context.now.getTime(), at.getTime() + this.rng.int(60, 3 * 86_400) * 1000));
    this.rows.refunds.push({
      id: refundId,
      outRefundNo: refundNumber(refundId, at),
      orderId,
      memberId: this.profile.id,
      amountFen: plan.amountFen,
      status: 'succeeded',
      reason: this.rng.pick(REFUND_REASONS),
      lines: plan.lines,
      refundId: order.channel === 'pos' ? null : wechatRefundId(refundId, at),
      notifiedAt: order.channel === 'pos' ? null : succeededAt,
      succeededAt: order.channel === 'pos' ? at : succeededAt,
      pointsClawedBack: clawedBack,
      createdAt: at,
      updatedAt: order.channel === 'pos' ? at : succeededAt,
    });
  }

  private review(orderId: number, at: Date): void {
    const placed = this.placed.get(orderId);
    if (!placed || placed.row.status !== 'paid') return;
    const item = this.rng.pick(placed.items);
    const rating = this.rng.weighted([5, 4, 3, 2, 1], [0.6, 0.25, 0.09, 0.03, 0.03]);
    const reviewId = this.context.ids.next('reviews');
    this.rows.reviews.push({
      id: reviewId,
      memberId: this.profile.id,
      orderItemId: item.id,
      productId: item.productId,
      rating,
      content: this.rng.pick(REVIEW_TEXTS[rating] ?? ['好评']),
      createdAt: at,
    });
    this.events.review(at, item.productId, rating);
    this.points.reviewBonus(reviewId, at);
  }

  private signIn(at: Date): void {
    const { state, dailyEntryId } = this.points.signIn(this.signInState, at);
    if (dailyEntryId === null) return;
    this.signInState = state;
    this.rows.signIns.push({
      memberId: this.profile.id,
      day: shanghaiDate(at),
      streak: state.streak,
      pointsEntryId: dailyEntryId,
      createdAt: at,
    });
    this.events.signIn(at);
  }

  private birthday(at: Date, year: number): void {
    if (!tierBenefits(this.tier.tier, this.context.tierConfig).birthdayCoupon) return;
    const template = templatesFor(this.context, 'birthday')[0];
    if (template) this.wallet.issue(template, at, 'tier_benefit', `birthday:${year}`);
  }

  private exchange(at: Date): void {
    const available = this.points.available(at);
    const affordable = templatesFor(this.context, 'points_shop').filter(
      (t) => (t.spec.pointsPrice ?? Infinity) <= available && this.wallet.issuedCount(t.id) < t.spec.perMemberLimit,
    );
    if (affordable.length === 0) return;
    const template = this.rng.pick(affordable);
    const coupon = this.wallet.issue(template, at, 'points', `points:pending:${at.getTime()}`);
    if (!coupon) return;
    const ledgerId = this.points.spend(template.spec.pointsPrice ?? 0, at, 'coupon_exchange', { couponId: coupon.id });
    if (ledgerId === null) throw new Error(`member ${this.profile.id}: exchange refused after the balance was checked`);
    this.wallet.rekey(coupon, `points:${ledgerId}`);
  }
}
