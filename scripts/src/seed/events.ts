/** One member's behaviour events: shopping sessions around purchases, browsing, sign-ins, claims, reviews. */
import type { EventType } from '@member-ops/shared/vocabulary';
import type { cartItems, eventReceipts, events, favorites } from '../../../server/src/db/schema';
import type { Catalog, CatalogProduct, CatalogSku } from './catalog';
import { DEMO_CATEGORIES, GENERAL_KEYWORDS } from './data/catalog-data';
import type { IdSequence } from './ids';
import type { SeededRandom } from './random';

const PAGES = {
  home: 'pages/index/index',
  category: 'pages/category/index',
  search: 'pages/search/index',
  product: 'pages/product/index',
  cart: 'pages/cart/index',
  checkout: 'pages/order/confirm',
  signIn: 'pages/member/sign-in',
  coupons: 'pages/coupon/center',
  review: 'pages/order/review',
} as const;

const keywordsByCategory = new Map(DEMO_CATEGORIES.map((c) => [c.code, c.keywords]));

interface EventFields {
  page?: string;
  productId?: number;
  category?: string;
  keyword?: string;
  dwellMs?: number;
  payload?: Record<string, unknown>;
}

export class EventLog {
  readonly events: (typeof events.$inferInsert)[] = [];
  private readonly favourites = new Map<number, Date>();
  private readonly carts = new Map<number, Date>();

  constructor(
    private readonly memberId: number,
    private readonly rng: SeededRandom,
    private readonly ids: IdSequence,
    private readonly now: Date,
  ) {}

  add(type: EventType, at: Date, fields: EventFields = {}): void {
    if (at.getTime() > this.now.getTime()) return;
    // Client ids are what the tracking client generates: unique per member, stable across retries.
    const clientEventId = `${this.memberId.toString(36)}-${(this.events.length + 1).toString(36)}`;
    this.events.push({
      id: this.ids.next('events'),
      memberId: this.memberId,
      type,
      clientEventId,
      occurredAt: at,
      receivedAt: new Date(Math.min(this.now.getTime(), at.getTime() + this.rng.int(200, 5_000))),
      page: fields.page ?? null,
      productId: fields.productId ?? null,
      category: fields.category ?? null,
      keyword: fields.keyword ?? null,
      dwellMs: fields.dwellMs ?? null,
      payload: fields.payload ?? {},
    });
  }

  private dwell(minSeconds: number, maxSeconds: number): number {
    return Math.round(this.rng.logNormal(Math.sqrt(minSeconds * maxSeconds), 0.5) * 1000);
  }

  /** Home page, then a category or a search: returns the instant after it. */
  private enter(at: Date, categoryCode: string): number {
    let t = at.getTime();
    const homeDwell = this.dwell(4, 40);
    this.add('page_view', new Date(t), { page: PAGES.home, dwellMs: homeDwell });
    t += homeDwell + this.rng.int(500, 3_000);
    if (this.rng.chance(0.35)) {
      const keywords = keywordsByCategory.get(categoryCode) ?? GENERAL_KEYWORDS;
      const keyword = this.rng.chance(0.85) ? this.rng.pick(keywords) : this.rng.pick(GENERAL_KEYWORDS);
      this.add('search', new Date(t), { page: PAGES.search, keyword, payload: { resultCount: this.rng.int(0, 40) } });
    } else {
      const dwellMs = this.dwell(5, 60);
      this.add('category_view', new Date(t), { page: PAGES.category, category: categoryCode, dwellMs });
      t += dwellMs;
    }
    return t + this.rng.int(1_000, 5_000);
  }

  private viewProduct(t: number, product: CatalogProduct): number {
    const dwellMs = this.dwell(8, 150);
    this.add('product_view', new Date(t), {
      page: PAGES.product,
      productId: product.id,
      category: product.categoryCode,
      dwellMs,
    });
    return t + dwellMs + this.rng.int(1_000, 8_000);
  }

  /** The session that ends in the checkout at `orderAt`: views of what was bought (and a little more), carts, checkout. */
  purchaseSession(
    orderAt: Date,
    bought: readonly { product: CatalogProduct; sku: CatalogSku; quantity: number }[],
    catalog: Catalog,
    priceLevel: number,
  ): void {
    const first = bought[0];
    if (!first) return;
    let t = this.enter(new Date(orderAt.getTime() - this.rng.int(8, 25) * 60_000), first.product.categoryCode);
    for (let extra = this.rng.int(0, 2); extra > 0; extra--)
      t = this.viewProduct(t, catalog.pickProduct(this.rng, first.product.categoryCode, priceLevel));
    for (const line of bought) {
      t = this.viewProduct(t, line.product);
      this.add('add_to_cart', new Date(t), {
        page: PAGES.product,
        productId: line.product.id,
        category: line.product.categoryCode,
        payload: { skuId: line.sku.id, quantity: line.quantity },
      });
      t += this.rng.int(2_000, 20_000);
    }
    const cartDwell = this.dwell(5, 40);
    this.add('page_view', new Date(Math.min(t, orderAt.getTime() - 1_000)), { page: PAGES.cart, dwellMs: cartDwell });
  }

  /** A visit that ends without buying: looks at a few products, sometimes saves or shares one. */
  browseSession(at: Date, categoryCode: string, catalog: Catalog, priceLevel: number): void {
    let t = this.enter(at, categoryCode);
    const views = this.rng.int(1, 4);
    for (let i = 0; i < views; i++) {
      const product = catalog.pickProduct(this.rng, categoryCode, priceLevel);
      t = this.viewProduct(t, product);
      if (this.rng.chance(0.07)) {
        this.add('favorite', new Date(t), { page: PAGES.product, productId: product.id, category: product.categoryCode });
        if (!this.favourites.has(product.id)) this.favourites.set(product.id, new Date(t));
      }
      if (this.rng.chance(0.08)) {
        const sku = catalog.pickSku(this.rng, product);
        this.add('add_to_cart', new Date(t), {
          page: PAGES.product,
          productId: product.id,
          category: product.categoryCode,
          payload: { skuId: sku.id, quantity: 1 },
        });
        this.carts.set(sku.id, new Date(t));
      }
      if (this.rng.chance(0.04)) {
        this.add('share', new Date(t + 2_000), {
          page: PAGES.product,
          productId: product.id,
          payload: { to: this.rng.pick(['friend', 'group', 'moments']) },
        });
      }
    }
  }

  /** Skus bought after they were left in the cart leave it. */
  bought(skuId: number, at: Date): void {
    const added = this.carts.get(skuId);
    if (added && added.getTime() <= at.getTime()) this.carts.delete(skuId);
  }

  signIn(at: Date): void {
    this.add('sign_in', at, { page: PAGES.signIn });
  }

  couponClaim(at: Date, templateId: number): void {
    this.add('coupon_claim', at, { page: PAGES.coupons, payload: { templateId } });
  }

  review(at: Date, productId: number, rating: number): void {
    this.add('comment', at, { page: PAGES.review, productId, payload: { rating } });
  }

  receipts(): (typeof eventReceipts.$inferInsert)[] {
    return this.events.map((e) => ({ memberId: this.memberId, clientEventId: e.clientEventId, receivedAt: e.receivedAt }));
  }

  favouriteRows(): (typeof favorites.$inferInsert)[] {
    return [...this.favourites].map(([productId, createdAt]) => ({ memberId: this.memberId, productId, createdAt }));
  }

  /** What is still in the cart: items added in the last 30 days and not bought since. */
  cartRows(): (typeof cartItems.$inferInsert)[] {
    const since = this.now.getTime() - 30 * 86_400_000;
    return [...this.carts]
      .filter(([, addedAt]) => addedAt.getTime() >= since)
      .map(([skuId, addedAt]) => ({ memberId: this.memberId, skuId, quantity: 1, addedAt, updatedAt: addedAt }));
  }
}
