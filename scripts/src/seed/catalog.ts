/** The demo catalogue: categories, brands, ~200 products with 1–3 SKUs each, priced per category. */
import { allocateProportionally } from '@member-ops/shared/money/index';
import type { brands, categories, products, skus } from '../../../server/src/db/schema';
import { type CategorySpec, DEMO_CATEGORIES } from './data/catalog-data';
import type { SeededRandom } from './random';

export interface CatalogSku {
  id: number;
  productId: number;
  title: string;
  priceFen: number;
}

export interface CatalogProduct {
  id: number;
  categoryCode: string;
  brandCode: string;
  title: string;
  skus: CatalogSku[];
  /** How often shoppers pick it within its category and price level. */
  popularity: number;
}

export const PRICE_LEVELS = 3;
const MIN_PRICE_FEN = 990;
const MAX_PRICE_FEN = 199_900;

/** Shop-style price points: ¥28.9, ¥169, ¥1,299. */
export function shopPriceFen(yuan: number): number {
  let fen: number;
  if (yuan < 50) fen = Math.floor(yuan) * 100 + 90;
  else if (yuan < 1000) fen = (Math.round(yuan / 10) * 10 - 1) * 100;
  else fen = (Math.round(yuan / 100) * 100 - 1) * 100;
  return Math.min(MAX_PRICE_FEN, Math.max(MIN_PRICE_FEN, fen));
}

export interface CatalogRows {
  categories: (typeof categories.$inferInsert)[];
  brands: (typeof brands.$inferInsert)[];
  products: (typeof products.$inferInsert)[];
  skus: (typeof skus.$inferInsert)[];
}

export class Catalog {
  /** Per category code, products in three price levels (cheapest third first). */
  private readonly levels = new Map<string, CatalogProduct[][]>();

  constructor(
    readonly products: readonly CatalogProduct[],
    readonly rows: CatalogRows,
  ) {
    for (const spec of DEMO_CATEGORIES) {
      const sorted = products
        .filter((p) => p.categoryCode === spec.code)
        .sort((a, b) => minPrice(a) - minPrice(b) || a.id - b.id);
      const size = Math.ceil(sorted.length / PRICE_LEVELS);
      this.levels.set(
        spec.code,
        Array.from({ length: PRICE_LEVELS }, (_, level) => sorted.slice(level * size, (level + 1) * size)),
      );
    }
  }

  /** A product of the category, mostly at the shopper's price level (0 cheap … 2 premium). */
  pickProduct(rng: SeededRandom, categoryCode: string, priceLevel: number): CatalogProduct {
    const levels = this.levels.get(categoryCode);
    if (!levels) throw new Error(`unknown category ${categoryCode}`);
    const weights = levels.map((list, level) => (list.length === 0 ? 0 : level === priceLevel ? 3 : 1));
    const list = levels[rng.weightedIndex(weights)] ?? [];
    return rng.weighted(
      list,
      list.map((p) => p.popularity),
    );
  }

  /** The first SKU sells best. */
  pickSku(rng: SeededRandom, product: CatalogProduct): CatalogSku {
    return rng.weighted(
      product.skus,
      product.skus.map((_, i) => (i === 0 ? 2 : 1)),
    );
  }
}

function minPrice(product: CatalogProduct): number {
  return Math.min(...product.skus.map((s) => s.priceFen));
}

function skuSpecs(
  rng: SeededRandom,
  spec: CategorySpec,
): { title: string; attributes: Record<string, string>; factor: number }[] {
  const count = rng.weighted([1, 2, 3], [0.35, 0.4, 0.25]);
  if (spec.extraSpec) {
    const extra = spec.extraSpec;
    const color = rng.pick(spec.specs);
    return rng.sample(extra.values, count).map((size) => ({
      title: `${color.value} ${size}`,
      attributes: { [spec.specName]: color.value, [extra.name]: size },
      factor: color.priceFactor,
    }));
  }
  return spec.specs.slice(0, count).map((option) => ({
    title: option.value,
    attributes: { [spec.specName]: option.value },
    factor: option.priceFactor,
  }));
}

/** Builds the catalogue; ids start at 1 in every table. */
export function generateCatalog(rng: SeededRandom, productCount = 200): Catalog {
  const rows: CatalogRows = { categories: [], brands: [], products: [], skus: [] };
  const productsOut: CatalogProduct[] = [];
  const brandIds = new Map<string, number>();
  DEMO_CATEGORIES.forEach((spec, index) => {
    rows.categories.push({ id: index + 1, code: spec.code, name: spec.name, position: index });
    for (const brand of spec.brands) {
      brandIds.set(brand.code, brandIds.size + 1);
      rows.brands.push({ id: brandIds.size, code: brand.code, name: brand.name });
    }
  });
  const perCategory = allocateProportionally(
    productCount,
    DEMO_CATEGORIES.map((c) => c.popularity),
  );
  const usedTitles = new Set<string>();
  DEMO_CATEGORIES.forEach((spec, categoryIndex) => {
    const count = perCategory[categoryIndex] ?? 0;
    for (let n = 0; n < count; n++) {
      const id = productsOut.length + 1;
      const brand = rng.pick(spec.brands);
      let title = '';
      for (let attempt = 0; attempt < 20 && (title === '' || usedTitles.has(title)); attempt++) {
        title = `${brand.name} ${rng.pick(spec.qualifiers)}${rng.pick(spec.nouns)}`;
      }
      if (usedTitles.has(title)) title = `${title} ${id}号`;
      usedTitles.add(title);
      const baseYuan = rng.logNormal(spec.medianYuan, spec.sigma);
      const selling = rng.sample(spec.selling, 3);
      rows.products.push({
        id,
        categoryId: categoryIndex + 1,
        brandId: brandIds.get(brand.code) ?? null,
        title,
        subtitle: selling[0] ?? null,
        description: `${selling.join('；')}。品牌：${brand.name}，品类：${spec.name}。${spec.consumable ? '保质期见包装，请置于阴凉干燥处。' : '如有质量问题，收货七天内可申请退换。'}`,
        images: [`/static/products/${id}.svg`, `/static/products/${id}-detail.svg`],
        status: rng.chance(0.06) ? 'off_sale' : 'on_sale',
        position: n,
      });
      const productSkus = skuSpecs(rng, spec).map((variant, i): CatalogSku => {
        const skuId = rows.skus.length + 1;
        const priceFen = shopPriceFen(baseYuan * variant.factor);
        const originalPriceFen = rng.chance(0.3) ? shopPriceFen((priceFen / 100) * rng.uniform(1.2, 1.5)) : null;
        rows.skus.push({
          id: skuId,
          productId: id,
          skuCode: `${spec.code.toUpperCase()}-${String(id).padStart(4, '0')}-${i + 1}`,
          title: variant.title,
          attributes: variant.attributes,
          priceFen,
          originalPriceFen: originalPriceFen !== null && originalPriceFen > priceFen ? originalPriceFen : null,
          stock: rng.chance(0.05) ? 0 : rng.int(20, 800),
        });
        return { id: skuId, productId: id, title: `${title} ${variant.title}`, priceFen };
      });
      productsOut.push({
        id,
        categoryCode: spec.code,
        brandCode: brand.code,
        title,
        skus: productSkus,
        popularity: 1 / Math.pow(rng.int(1, count), 0.8),
      });
    }
  });
  return new Catalog(productsOut, rows);
}
