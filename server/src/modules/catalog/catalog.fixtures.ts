import { eq } from 'drizzle-orm';
import type { Executor } from '../../db';
import { brands, categories, orderItems, orders, products, skus } from '../../db/schema';

/** Test data: a small catalogue with a category tree, two brands and products in every visibility state. */
export interface SeededCatalog {
  categories: { tea: number; greenTea: number; coffee: number };
  brands: { hills: number; river: number };
  products: {
    longjing: number;
    puer: number;
    dripCoffee: number;
    coldBrew: number;
    draft: number;
    noActiveSku: number;
    offSale: number;
  };
  skus: { longjingSmall: number; longjingLarge: number; puer: number; dripCoffee: number; coldBrew: number };
}

async function insertCategory(executor: Executor, code: string, name: string, parentId: number | null, position: number) {
  const [row] = await executor.insert(categories).values({ code, name, parentId, position }).returning({ id: categories.id });
  if (!row) throw new Error('category insert returned nothing');
  return row.id;
}

async function insertProduct(executor: Executor, values: typeof products.$inferInsert): Promise<number> {
  const [row] = await executor.insert(products).values(values).returning({ id: products.id });
  if (!row) throw new Error('product insert returned nothing');
  return row.id;
}

async function insertSkuRow(executor: Executor, values: typeof skus.$inferInsert): Promise<number> {
  const [row] = await executor.insert(skus).values(values).returning({ id: skus.id });
  if (!row) throw new Error('sku insert returned nothing');
  return row.id;
}

export async function seedCatalog(executor: Executor): Promise<SeededCatalog> {
  const tea = await insertCategory(executor, 'tea', '茶叶', null, 1);
  const greenTea = await insertCategory(executor, 'green-tea', '绿茶', tea, 1);
  const coffee = await insertCategory(executor, 'coffee', '咖啡', null, 2);
  const [hills, river] = await executor
    .insert(brands)
    .values([
      { code: 'hills', name: '青山' },
      { code: 'river', name: '长河' },
    ])
    .returning({ id: brands.id });
  if (!hills || !river) throw new Error('brand insert returned nothing');

  const longjing = await insertProduct(executor, {
    categoryId: greenTea,
    brandId: hills.id,
    title: '西湖龙井 West Lake Longjing',
    subtitle: '明前特级',
    description: 'Pan-fired green tea',
    images: ['https://img.example/longjing-1.jpg', 'https://img.example/longjing-2.jpg'],
    status: 'on_sale',
    position: 2,
  });
  const puer = await insertProduct(executor, {
    categoryId: tea,
    brandId: river.id,
    title: '普洱熟茶 Pu-erh',
    description: 'Aged tea cake, 50%_off this week',
    status: 'on_sale',
    position: 1,
  });
  const dripCoffee = await insertProduct(executor, {
    categoryId: coffee,
    brandId: river.id,
    title: '挂耳咖啡 100% Arabica',
    status: 'on_sale',
    position: 3,
  });
  const coldBrew = await insertProduct(executor, {
    categoryId: coffee,
    title: '冷萃咖啡 1000ml',
    status: 'on_sale',
    position: 4,
  });
  const draft = await insertProduct(executor, { categoryId: tea, title: '草稿 Arabica tea', status: 'draft' });
  const noActiveSku = await insertProduct(executor, { categoryId: tea, title: '下架规格 Arabica', status: 'on_sale' });
  const offSale = await insertProduct(executor, { categoryId: coffee, title: '停售 Arabica', status: 'off_sale' });

  const longjingSmall = await insertSkuRow(executor, {
    productId: longjing,
    skuCode: 'LJ-50',
    title: '50g',
    attributes: { weight: '50g' },
    priceFen: 12_800,
    originalPriceFen: 15_800,
    stock: 5,
  });
  const longjingLarge = await insertSkuRow(executor, {
    productId: longjing,
    skuCode: 'LJ-100',
    title: '100g',
    priceFen: 25_800,
    stock: 3,
  });
  const puerSku = await insertSkuRow(executor, { productId: puer, skuCode: 'PE-357', title: '357g', priceFen: 8_800, stock: 20 });
  const dripSku = await insertSkuRow(executor, {
    productId: dripCoffee,
    skuCode: 'DC-10',
    title: '10包',
    priceFen: 5_900,
    stock: 0,
  });
  const coldSku = await insertSkuRow(executor, {
    productId: coldBrew,
    skuCode: 'CB-1L',
    title: '1L',
    priceFen: 3_900,
    stock: 50,
  });
  await insertSkuRow(executor, { productId: draft, skuCode: 'DR-1', title: 'x', priceFen: 100, stock: 1 });
  await insertSkuRow(executor, { productId: noActiveSku, skuCode: 'NA-1', title: 'x', priceFen: 100, stock: 1, active: false });
  await insertSkuRow(executor, { productId: offSale, skuCode: 'OS-1', title: 'x', priceFen: 100, stock: 1 });

  return {
    categories: { tea, greenTea, coffee },
    brands: { hills: hills.id, river: river.id },
    products: { longjing, puer, dripCoffee, coldBrew, draft, noActiveSku, offSale },
    skus: { longjingSmall, longjingLarge, puer: puerSku, dripCoffee: dripSku, coldBrew: coldSku },
  };
}

let orderCounter = 0;

/** A paid order of the given SKUs at their catalogue prices (category and brand snapshotted like checkout does). */
export async function insertPaidOrder(
  executor: Executor,
  memberId: number,
  lines: { skuId: number; quantity: number }[],
  paidAt: Date,
): Promise<number> {
  const priced = [];
  for (const line of lines) {
    const [sku] = await executor
      .select({
        productId: skus.productId,
        title: skus.title,
        priceFen: skus.priceFen,
        category: categories.code,
        brand: brands.code,
      })
      .from(skus)
      .innerJoin(products, eq(products.id, skus.productId))
      .innerJoin(categories, eq(categories.id, products.categoryId))
      .leftJoin(brands, eq(brands.id, products.brandId))
      .where(eq(skus.id, line.skuId));
    if (!sku) throw new Error(`no sku ${line.skuId}`);
    priced.push({ ...sku, skuId: line.skuId, quantity: line.quantity, lineTotalFen: sku.priceFen * line.quantity });
  }
  const total = priced.reduce((sum, line) => sum + line.lineTotalFen, 0);
  orderCounter += 1;
  const [order] = await executor
    .insert(orders)
    .values({
      orderNo: `T${Date.now()}${orderCounter}${memberId}`,
      memberId,
      channel: 'mini_program',
      status: 'paid',
      itemsTotalFen: total,
      payableFen: total,
      paidFen: total,
      createdAt: paidAt,
      paidAt,
    })
    .returning({ id: orders.id });
  if (!order) throw new Error('order insert returned nothing');
  await executor.insert(orderItems).values(
    priced.map((line) => ({
      orderId: order.id,
      memberId,
      skuId: line.skuId,
      productId: line.productId,
      title: line.title,
      category: line.category,
      brand: line.brand,
      unitPriceFen: line.priceFen,
      quantity: line.quantity,
      lineTotalFen: line.lineTotalFen,
    })),
  );
  return order.id;
}
