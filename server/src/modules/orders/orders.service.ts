import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { shanghaiDate, type CreateOrderRequest } from '@member-ops/shared';
import { databaseTimeoutOf, isUniqueViolation, withTransaction, type Tx } from '../../db';
import { orderItems, orders, type OrderAddress } from '../../db/schema';
import { AppError } from '../../errors';
import { encryptPhone, maskPhone, type PhoneKeys } from '../../security/phone-crypto';
import type { ServerContext } from '../../server';
import { availablePointsOf, debitPoints, lockMember, spendKey } from '../points/points.repo';
import { pointsConfigAt } from '../points/rule-configs';
import { couponForCheckout, lockCouponForOrder } from '../coupons';
import { unavailableError, unavailableItems } from './availability';
import { catalogueLines, orderingSnapshot, reserveStock, type CatalogueLine } from './orders.repo';
import { getOrderView, type OrderViewResult } from './orders.views';
import { priceOrder, UNPAID_ORDER_TTL_MS } from './pricing';

/**
 * The WeChat Pay out_trade_no: the Shanghai date and 16 random hex digits (24 characters, within WeChat's
 * 6–32 of [0-9A-Za-z_-|*]).
 */
export function newOrderNo(now: Date): string {
  return `${shanghaiDate(now).replaceAll('-', '')}${randomBytes(8).toString('hex').toUpperCase()}`;
}

/**
 * Places an order in one transaction: the coupon locked, the points spent (a `spend` entry with its
 * consumptions), the order and its lines written as pending for 15 minutes, and the stock reserved last, in SKU
 * id order, so a SKU row is locked only from that update to the commit (a flash sale's hot row is held for
 * milliseconds, not for the whole order). Any shortage rolls all of it back and answers 409 SOLD_OUT. A SKU
 * already short is refused by a lock-free read before any transaction starts. The same clientOrderKey returns
 * the order placed first (looked up in the same read).
 */
export async function createOrder(
  context: ServerContext,
  memberId: number,
  request: CreateOrderRequest,
): Promise<OrderViewResult> {
  const { database } = context;
  const skuIds = request.items.map((item) => item.skuId);
  const before = await orderingSnapshot(database.db, skuIds, { memberId, clientOrderKey: request.clientOrderKey });
  if (before.placedOrderId !== null) return getOrderView(database.db, memberId, before.placedOrderId);
  refuseUnavailable(request, before.lines);
  try {
    return await withTransaction(database, (tx) => placeOrder(tx, context, memberId, request));
  } catch (error) {
    if (request.clientOrderKey && isUniqueViolation(error, 'orders_client_order_key')) {
      const existing = await orderIdByClientKey(context, memberId, request.clientOrderKey);
      if (existing !== null) return getOrderView(database.db, memberId, existing);
    }
    // Waiting for a hot SKU row ran out: when the stock is gone meanwhile the true answer is "sold out", not "busy".
    if (databaseTimeoutOf(error) === 'lock') refuseUnavailable(request, await catalogueLines(database.db, skuIds));
    throw error;
  }
}

/** Throws 422 / 409 SOLD_OUT when these catalogue lines cannot serve the request. */
function refuseUnavailable(request: CreateOrderRequest, lines: readonly CatalogueLine[]): void {
  const problems = unavailableItems(request.items, lines);
  if (problems.length > 0) throw unavailableError(problems);
}

async function orderIdByClientKey(context: ServerContext, memberId: number, key: string): Promise<number | null> {
  const [row] = await context.database.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.memberId, memberId), eq(orders.clientOrderKey, key)));
  return row?.id ?? null;
}

async function placeOrder(
  tx: Tx,
  context: ServerContext,
  memberId: number,
  request: CreateOrderRequest,
): Promise<OrderViewResult> {
  const now = context.clock();
  const requested = [...request.items].sort((a, b) => a.skuId - b.skuId);
  const lines = await catalogueLines(
    tx,
    requested.map((item) => item.skuId),
  );
  refuseUnavailable(request, lines);
  const catalogue = new Map(lines.map((line) => [line.skuId, line]));

  const coupon = request.couponId ? await couponForCheckout(tx, { couponId: request.couponId, memberId, now }) : null;
  await lockMember(tx, memberId);
  const pointsRequested = request.pointsToUse ?? 0;
  const { config: pointsConfig } = await pointsConfigAt(tx, now);
  const available = pointsRequested > 0 ? await availablePointsOf(tx, memberId, now) : 0;
  const pricing = priceOrder({
    lines: requested.map((item) => {
      const line = catalogue.get(item.skuId);
      if (!line) throw new Error('catalogue line vanished');
      return { skuId: item.skuId, category: line.category, unitPriceFen: line.priceFen, quantity: item.quantity };
    }),
    coupon: coupon?.terms ?? null,
    pointsRequested,
    availablePoints: available,
    pointsConfig,
  });
  if (!pricing.ok) throw new AppError('UNPROCESSABLE', pricing.message, [{ field: pricing.field, message: pricing.message }]);

  const [order] = await tx
    .insert(orders)
    .values({
      orderNo: newOrderNo(now),
      memberId,
      channel: 'mini_program',
      status: 'pending',
      itemsTotalFen: pricing.itemsTotalFen,
      couponDiscountFen: pricing.couponDiscountFen,
      pointsUsed: pricing.pointsUsed,
      pointsDiscountFen: pricing.pointsDiscountFen,
      shippingFen: pricing.shippingFen,
      payableFen: pricing.payableFen,
      couponId: coupon?.coupon.id ?? null,
      address: sealAddress(request.address, context.wechat.phoneKeys),
      clientOrderKey: request.clientOrderKey ?? null,
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + UNPAID_ORDER_TTL_MS),
    })
    .returning({ id: orders.id });
  if (!order) throw new Error('order insert returned nothing');

  await tx.insert(orderItems).values(
    pricing.lines.map((line) => {
      const snapshot = catalogue.get(line.skuId);
      if (!snapshot) throw new Error('catalogue line vanished');
      return {
        orderId: order.id,
        memberId,
        skuId: line.skuId,
        productId: snapshot.productId,
        title: snapshot.title,
        category: snapshot.category,
        brand: snapshot.brand,
        unitPriceFen: line.unitPriceFen,
        quantity: line.quantity,
        lineTotalFen: line.lineTotalFen,
        discountAllocFen: line.discountAllocFen,
      };
    }),
  );
  if (coupon) await lockCouponForOrder(tx, { couponId: coupon.coupon.id, memberId, orderId: order.id, now });
  if (pricing.pointsUsed > 0) {
    await debitPoints(tx, {
      memberId,
      kind: 'spend',
      points: pricing.pointsUsed,
      idempotencyKey: spendKey(order.id),
      orderId: order.id,
      now,
    });
  }
  const view = await getOrderView(tx, memberId, order.id);
  for (const item of requested) {
    const reserved = await reserveStock(tx, item.skuId, item.quantity, now);
    if (reserved !== true) {
      const index = request.items.findIndex((candidate) => candidate.skuId === item.skuId);
      const title = catalogue.get(item.skuId)?.title ?? '';
      throw unavailableError([{ index, skuId: item.skuId, reason: 'short', title, stock: reserved.stock }]);
    }
  }
  return view;
}

/** Stores the recipient phone encrypted, with a masked copy for display. */
function sealAddress(address: CreateOrderRequest['address'], keys: PhoneKeys): OrderAddress {
  const { phone, ...rest } = address;
  return { ...rest, phoneMasked: maskPhone(phone), phoneCipher: encryptPhone(phone, keys) };
}
