import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/database';
import { categories, couponTemplates, members, products, skus } from '../db/schema';

type MemberValues = Partial<typeof members.$inferInsert>;
type CouponTemplateValues = Partial<typeof couponTemplates.$inferInsert>;

/** Inserts a member (a random openid unless given) and returns its id. */
export async function insertMember(executor: Executor, values: MemberValues = {}): Promise<number> {
  const [row] = await executor
    .insert(members)
    .values({ openid: `openid-${randomUUID()}`, ...values })
    .returning({ id: members.id });
  if (!row) throw new Error('member insert returned nothing');
  return row.id;
}

/** Inserts a category, a product and one SKU of it; returns the ids. */
export async function insertSku(
  executor: Executor,
  values: { priceFen?: number; stock?: number; categoryCode?: string } = {},
): Promise<{ categoryId: number; productId: number; skuId: number }> {
  const suffix = randomUUID().slice(0, 8);
  const [category] = await executor
    .insert(categories)
    .values({ code: values.categoryCode ?? `cat-${suffix}`, name: `Category ${suffix}` })
    .returning({ id: categories.id });
  if (!category) throw new Error('category insert returned nothing');
  const [product] = await executor
    .insert(products)
    .values({ categoryId: category.id, title: `Product ${suffix}`, status: 'on_sale' })
    .returning({ id: products.id });
  if (!product) throw new Error('product insert returned nothing');
  const [sku] = await executor
    .insert(skus)
    .values({
      productId: product.id,
      skuCode: `SKU-${suffix}`,
      title: `SKU ${suffix}`,
      priceFen: values.priceFen ?? 9900,
      stock: values.stock ?? 10,
    })
    .returning({ id: skus.id });
  if (!sku) throw new Error('sku insert returned nothing');
  return { categoryId: category.id, productId: product.id, skuId: sku.id };
}

/** Inserts an active ¥20-off-over-¥100 template valid 30 days after issue; returns its id. */
export async function insertCouponTemplate(executor: Executor, values: CouponTemplateValues = {}): Promise<number> {
  const [row] = await executor
    .insert(couponTemplates)
    .values({
      name: '满100减20',
      type: 'amount_off',
      thresholdFen: 10_000,
      amountOffFen: 2_000,
      validityKind: 'days_after_issue',
      validDays: 30,
      status: 'active',
      ...values,
    })
    .returning({ id: couponTemplates.id });
  if (!row) throw new Error('coupon template insert returned nothing');
  return row.id;
}
