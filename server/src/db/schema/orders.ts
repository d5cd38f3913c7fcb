import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  unique,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import {
  ORDER_CHANNELS,
  ORDER_STATUSES,
  PAID_ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  REFUND_STATUSES,
  type OrderChannel,
  type OrderStatus,
  type PaymentMethod,
  type PaymentStatus,
  type RefundStatus,
} from './codes';
import { products, skus } from './catalog';
import { createdAt, fen, idPrimaryKey, idRef, instant, oneOf, updatedAt } from './columns';
import { coupons } from './coupons';
import { members } from './members';
import { staffAccounts, stores } from './staff';

/**
 * Shipping address snapshot as chosen in wx.chooseAddress. The recipient's phone is personal data like the
 * member's own: kept encrypted (phone-crypto) for fulfilment, shown masked; imported or demo orders may only have
 * the masked number.
 */
export interface OrderAddress {
  name: string;
  phoneMasked: string;
  phoneCipher: string | null;
  province: string;
  city: string;
  district: string;
  detail: string;
  postalCode?: string;
}

/**
 * `order_no` is the WeChat Pay out_trade_no. The amount columns must add up (CHECK), so a pricing bug
 * fails the insert instead of charging a wrong amount. One point is worth `points_discount_fen / points_used`
 * fen by the points rules in force; the database does not fix that rate.
 */
export const orders = pgTable(
  'orders',
  {
    id: idPrimaryKey(),
    orderNo: text('order_no').notNull().unique(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    storeId: idRef('store_id').references(() => stores.id),
    channel: text('channel').$type<OrderChannel>().notNull(),
    status: text('status').$type<OrderStatus>().notNull().default('pending'),
    itemsTotalFen: fen('items_total_fen').notNull(),
    couponDiscountFen: fen('coupon_discount_fen').notNull().default(0),
    pointsUsed: integer('points_used').notNull().default(0),
    pointsDiscountFen: fen('points_discount_fen').notNull().default(0),
    shippingFen: fen('shipping_fen').notNull().default(0),
    payableFen: fen('payable_fen').notNull(),
    paidFen: fen('paid_fen').notNull().default(0),
    refundedFen: fen('refunded_fen').notNull().default(0),
    couponId: idRef('coupon_id').references((): AnyPgColumn => coupons.id),
    address: jsonb('address').$type<OrderAddress>(),
    /** The staff member who recorded a POS sale. */
    recordedBy: idRef('recorded_by').references(() => staffAccounts.id),
    note: text('note'),
    /** The shopper's retry key for "place order": the same key returns the same order. */
    clientOrderKey: text('client_order_key'),
    createdAt: createdAt(),
    expiresAt: instant('expires_at'),
    paidAt: instant('paid_at'),
    cancelledAt: instant('cancelled_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('orders_member_created_idx').on(t.memberId, t.createdAt),
    uniqueIndex('orders_client_order_key')
      .on(t.memberId, t.clientOrderKey)
      .where(sql`${t.clientOrderKey} is not null`),
    index('orders_pending_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'pending'`),
    index('orders_paid_at_idx').on(t.paidAt).where(oneOf(t.status, PAID_ORDER_STATUSES)),
    // A member's refunded orders of the growth window (/api/me): the few whose refund time must be read, without
    // visiting every paid order of theirs (orders_member_paid_covering_idx answers the others by itself).
    index('orders_member_refunded_idx')
      .on(t.memberId, t.paidAt)
      .where(sql`${t.refundedFen} > 0`),
    index('orders_store_paid_at_idx')
      .on(t.storeId, t.paidAt)
      .where(sql`${t.storeId} is not null`),
    index('orders_coupon_idx')
      .on(t.couponId)
      .where(sql`${t.couponId} is not null`),
    check('orders_channel_check', oneOf(t.channel, ORDER_CHANNELS)),
    check('orders_status_check', oneOf(t.status, ORDER_STATUSES)),
    check(
      'orders_amounts_non_negative_check',
      sql`${t.itemsTotalFen} >= 0 and ${t.couponDiscountFen} >= 0 and ${t.pointsUsed} >= 0 and ${t.pointsDiscountFen} >= 0 and ${t.shippingFen} >= 0 and ${t.payableFen} >= 0 and ${t.paidFen} >= 0 and ${t.refundedFen} >= 0`,
    ),
    check(
      'orders_payable_sum_check',
      sql`${t.payableFen} = ${t.itemsTotalFen} + ${t.shippingFen} - ${t.couponDiscountFen} - ${t.pointsDiscountFen}`,
    ),
    check('orders_refunded_within_paid_check', sql`${t.refundedFen} <= ${t.paidFen}`),
    check('orders_paid_has_time_check', sql`not ${oneOf(t.status, PAID_ORDER_STATUSES)} or ${t.paidAt} is not null`),
    check('orders_points_pair_check', sql`(${t.pointsUsed} = 0) = (${t.pointsDiscountFen} = 0)`),
  ],
);

/**
 * Order lines carry member_id (co-location by member) and a snapshot of category and brand codes, so
 * preferences and reports never depend on today's catalogue.
 */
export const orderItems = pgTable(
  'order_items',
  {
    id: idPrimaryKey(),
    orderId: idRef('order_id')
      .notNull()
      .references(() => orders.id),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    skuId: idRef('sku_id')
      .notNull()
      .references(() => skus.id),
    productId: idRef('product_id')
      .notNull()
      .references(() => products.id),
    title: text('title').notNull(),
    category: text('category').notNull(),
    brand: text('brand'),
    unitPriceFen: fen('unit_price_fen').notNull(),
    quantity: integer('quantity').notNull(),
    lineTotalFen: fen('line_total_fen').notNull(),
    /** This line's share of the coupon and points discounts, for proportional refunds. */
    discountAllocFen: fen('discount_alloc_fen').notNull().default(0),
    refundedQuantity: integer('refunded_quantity').notNull().default(0),
    refundedFen: fen('refunded_fen').notNull().default(0),
  },
  (t) => [
    index('order_items_order_idx').on(t.orderId),
    index('order_items_member_idx').on(t.memberId),
    check('order_items_quantity_check', sql`${t.quantity} > 0 and ${t.unitPriceFen} >= 0`),
    check('order_items_line_total_check', sql`${t.lineTotalFen} = ${t.unitPriceFen} * ${t.quantity}`),
    check('order_items_discount_check', sql`${t.discountAllocFen} between 0 and ${t.lineTotalFen}`),
    check(
      'order_items_refund_check',
      sql`${t.refundedQuantity} between 0 and ${t.quantity} and ${t.refundedFen} between 0 and ${t.lineTotalFen} - ${t.discountAllocFen}`,
    ),
  ],
);

/**
 * One row per payment attempt. At most one succeeded payment per order (partial unique index), and a
 * WeChat transaction id is recorded once, so a repeated notification cannot pay an order twice.
 */
export const payments = pgTable(
  'payments',
  {
    id: idPrimaryKey(),
    orderId: idRef('order_id')
      .notNull()
      .references(() => orders.id),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    method: text('method').$type<PaymentMethod>().notNull().default('wechat_pay'),
    outTradeNo: text('out_trade_no').notNull(),
    prepayId: text('prepay_id'),
    transactionId: text('transaction_id').unique(),
    amountFen: fen('amount_fen').notNull(),
    status: text('status').$type<PaymentStatus>().notNull().default('prepared'),
    /** The decrypted notification resource, kept for reconciliation. */
    notification: jsonb('notification').$type<Record<string, unknown>>(),
    notifiedAt: instant('notified_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('payments_one_success_per_order_key')
      .on(t.orderId)
      .where(sql`${t.status} = 'succeeded'`),
    index('payments_out_trade_no_idx').on(t.outTradeNo),
    index('payments_order_idx').on(t.orderId),
    /** The reconcile job's look at prepays not yet settled or closed (few at any time). */
    index('payments_prepared_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'prepared'`),
    check('payments_method_check', oneOf(t.method, PAYMENT_METHODS)),
    check('payments_status_check', oneOf(t.status, PAYMENT_STATUSES)),
    check('payments_amount_check', sql`${t.amountFen} > 0`),
    check(
      'payments_wechat_success_has_transaction_check',
      sql`${t.method} <> 'wechat_pay' or ${t.status} <> 'succeeded' or ${t.transactionId} is not null`,
    ),
  ],
);

/** Which lines (and how many of each) a refund returns. */
export interface RefundLine {
  orderItemId: number;
  quantity: number;
  amountFen: number;
}

export const refunds = pgTable(
  'refunds',
  {
    id: idPrimaryKey(),
    outRefundNo: text('out_refund_no').notNull().unique(),
    orderId: idRef('order_id')
      .notNull()
      .references(() => orders.id),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    amountFen: fen('amount_fen').notNull(),
    status: text('status').$type<RefundStatus>().notNull().default('pending'),
    reason: text('reason'),
    lines: jsonb('lines').$type<RefundLine[]>().notNull().default([]),
    requestedBy: idRef('requested_by').references(() => staffAccounts.id),
    /** WeChat's refund_id, known once WeChat accepts the refund. */
    refundId: text('refund_id').unique(),
    notification: jsonb('notification').$type<Record<string, unknown>>(),
    notifiedAt: instant('notified_at'),
    succeededAt: instant('succeeded_at'),
    pointsClawedBack: integer('points_clawed_back').notNull().default(0),
    /** Points this refund should have clawed back but the balance no longer held. */
    pointsShortfall: integer('points_shortfall').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('refunds_order_idx').on(t.orderId),
    index('refunds_member_idx').on(t.memberId),
    // A replay as of a past instant sums the refunds settled after it per order (index-only on this range).
    index('refunds_settled_idx')
      .on(t.succeededAt, t.orderId, t.memberId, t.amountFen)
      .where(sql`${t.status} = 'succeeded'`),
    /** Refunds the system started (of payments for ended orders) that WeChat has not taken yet, or that failed. */
    index('refunds_system_open_idx')
      .on(t.orderId)
      .where(sql`${t.requestedBy} is null and ${t.status} in ('pending', 'failed')`),
    check('refunds_amount_check', sql`${t.amountFen} > 0`),
    check('refunds_status_check', oneOf(t.status, REFUND_STATUSES)),
    check('refunds_points_clawed_back_check', sql`${t.pointsClawedBack} >= 0 and ${t.pointsShortfall} >= 0`),
    check('refunds_succeeded_has_time_check', sql`${t.status} <> 'succeeded' or ${t.succeededAt} is not null`),
  ],
);

/** One review per order line, so the review bonus is earned once. */
export const reviews = pgTable(
  'reviews',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    orderItemId: idRef('order_item_id')
      .notNull()
      .references(() => orderItems.id),
    productId: idRef('product_id')
      .notNull()
      .references(() => products.id),
    rating: smallint('rating').notNull(),
    content: text('content'),
    images: jsonb('images').$type<string[]>().notNull().default([]),
    hidden: boolean('hidden').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    unique('reviews_member_order_item_key').on(t.memberId, t.orderItemId),
    index('reviews_product_idx').on(t.productId, t.createdAt),
    check('reviews_rating_check', sql`${t.rating} between 1 and 5`),
  ],
);
