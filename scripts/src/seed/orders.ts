/** Baskets, shipping, discount allocation and refunds of demo orders; all amounts integer fen. */
import { allocateProportionally } from '@member-ops/shared/money/index';
import { maxPointsDeduction, type PointsConfig, pointsPerStep } from '@member-ops/shared/points/index';
import type { OrderAddress, OrderChannel, RefundLine } from '../../../server/src/db/schema';
import type { Catalog, CatalogProduct, CatalogSku } from './catalog';
import { DEMO_CATEGORIES } from './data/catalog-data';
import { CITIES, DISTRICTS, GIVEN_NAMES, STREETS, SURNAMES } from './data/people-data';
import type { MemberProfile } from './member-profile';
import type { SeededRandom } from './random';

export interface BasketLine {
  product: CatalogProduct;
  sku: CatalogSku;
  quantity: number;
  lineTotalFen: number;
}

export const SHIPPING_FEE_FEN = 800;
export const FREE_SHIPPING_FROM_FEN = 9_900;
const FAVOURITE_SHARE = 0.75;
const consumable = new Set(DEMO_CATEGORIES.filter((c) => c.consumable).map((c) => c.code));

function pickCategory(rng: SeededRandom, profile: MemberProfile): string {
  if (rng.chance(FAVOURITE_SHARE)) return rng.pick(profile.favouriteCategories);
  return rng.weighted(
    DEMO_CATEGORIES.map((c) => c.code),
    DEMO_CATEGORIES.map((c) => c.popularity),
  );
}

/** 1–4 distinct SKUs, mostly from the member's favourite categories and price level. */
export function pickBasket(rng: SeededRandom, catalog: Catalog, profile: MemberProfile): BasketLine[] {
  const size = rng.weighted([1, 2, 3, 4], [0.55, 0.27, 0.12, 0.06]);
  const lines = new Map<number, BasketLine>();
  for (let i = 0; i < size; i++) {
    const product = catalog.pickProduct(rng, pickCategory(rng, profile), profile.priceLevel);
    const sku = catalog.pickSku(rng, product);
    const units = consumable.has(product.categoryCode) ? rng.weighted([1, 2, 3], [0.7, 0.2, 0.1]) : rng.chance(0.9) ? 1 : 2;
    const quantity = units * profile.bulkFactor;
    const existing = lines.get(sku.id);
    const total = (existing?.quantity ?? 0) + quantity;
    lines.set(sku.id, { product, sku, quantity: total, lineTotalFen: sku.priceFen * total });
  }
  return [...lines.values()];
}

/** Online orders under ¥99 pay ¥8 shipping; in-store sales none. */
export function shippingFeeFen(channel: OrderChannel, itemsTotalFen: number): number {
  return channel === 'mini_program' && itemsTotalFen < FREE_SHIPPING_FROM_FEN ? SHIPPING_FEE_FEN : 0;
}

/**
 * The points a shopper uses at checkout: up to the shared rule's maximum (half the order, whole yuan), and
 * never so many that the item discounts exceed the items; usually all they may, sometimes less.
 */
export function pointsAtCheckout(
  rng: SeededRandom,
  order: { itemsTotalFen: number; shippingFen: number; couponDiscountFen: number; couponOnItemsFen: number },
  availablePoints: number,
  config: PointsConfig,
): { points: number; fen: number } {
  const max = maxPointsDeduction(order.itemsTotalFen + order.shippingFen - order.couponDiscountFen, availablePoints, config);
  const { stepFen } = config.redemption;
  const steps = Math.floor(Math.min(max.fen, order.itemsTotalFen - order.couponOnItemsFen - 1) / stepFen);
  if (steps <= 0) return { points: 0, fen: 0 };
  const used = rng.chance(0.7) ? steps : rng.int(1, steps);
  return { points: used * pointsPerStep(config.redemption), fen: used * stepFen };
}

/** A shipping address in the member's province. Order snapshots keep only a masked phone number. */
export function shippingAddress(rng: SeededRandom, profile: MemberProfile): OrderAddress {
  const tail = profile.row.phoneTail ?? String(rng.int(1000, 9999));
  return {
    name: rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES),
    phoneMasked: `1${rng.int(30, 99)}****${tail}`,
    phoneCipher: null,
    province: profile.province,
    city: rng.pick(CITIES[profile.province] ?? ['市辖区']),
    district: rng.pick(DISTRICTS),
    detail: `${rng.pick(STREETS)}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(101, 2802)}室`,
  };
}

/** Each line's share of the item discounts (coupon on items + points), proportional to the line totals. */
export function allocateItemDiscount(lineTotalsFen: readonly number[], itemDiscountFen: number): number[] {
  return allocateProportionally(itemDiscountFen, lineTotalsFen);
}

export interface RefundableLine {
  id: number;
  quantity: number;
  lineTotalFen: number;
  discountAllocFen: number;
}

export interface RefundPlan {
  full: boolean;
  amountFen: number;
  lines: RefundLine[];
}

/**
 * A refund of the whole order (paid amount back, shipping included) or of part of one line (that line's
 * net price for the returned quantity, rounded down). Null when a partial refund would come to nothing.
 */
export function planRefund(rng: SeededRandom, lines: readonly RefundableLine[], paidFen: number): RefundPlan | null {
  const partialPossible = lines.length > 1 || (lines[0]?.quantity ?? 0) > 1;
  if (!partialPossible || rng.chance(0.55)) {
    return {
      full: true,
      amountFen: paidFen,
      lines: lines.map((line) => ({
        orderItemId: line.id,
        quantity: line.quantity,
        amountFen: line.lineTotalFen - line.discountAllocFen,
      })),
    };
  }
  const line = rng.pick(lines);
  const quantity = lines.length === 1 ? rng.int(1, line.quantity - 1) : rng.int(1, line.quantity);
  const amountFen = Math.floor(((line.lineTotalFen - line.discountAllocFen) * quantity) / line.quantity);
  if (amountFen <= 0 || amountFen >= paidFen) return null;
  return { full: false, amountFen, lines: [{ orderItemId: line.id, quantity, amountFen }] };
}
