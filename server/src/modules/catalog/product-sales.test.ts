import { randomUUID } from 'node:crypto';
import type { ProductDetail, ProductListResponse } from '@member-ops/shared';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, type Executor } from '../../db';
import { ORDER_STATUSES, PAID_ORDER_STATUSES, staffAccounts, type OrderStatus } from '../../db/schema';
import { createStaffSession } from '../../http/auth';
import { hashPassword } from '../../security/password';
import { insertMember, insertSku } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { expireUnpaidOrders } from '../payments';
import { call, memberWithSession, payThroughSandbox, placeOrder, registerMoneyRoutes } from '../payments/checkout.fixtures';
import { catalogueSql } from './catalog.repo';
import { registerCatalogRoutes } from './catalog.routes';
import { foldProductSales } from './product-sales';
import { keptAndRebuiltSales, productSalesTable, relationsRead, soldUnitsOf } from './product-sales.fixtures';

const MINUTE = 60_000;
const PAID = new Set<string>(PAID_ORDER_STATUSES);

interface OrderView {
  status: string;
  items: { id: number; skuId: number }[];
  refunds: { status: string }[];
}

for (const kind of DATABASE_KINDS) {
  describe(`units sold per product [${kind}]`, () => {
    let test: TestServer;
    let now = new Date('2026-11-20T04:00:00Z');
    const db = (): Executor => test.testDatabase.database.db;
    const sold = (productId: number) => soldUnitsOf(db(), productId);
    const expectRebuildToAgree = async () => {
      const { kept, rebuilt } = await keptAndRebuiltSales(db());
      expect(kept).toEqual(rebuilt);
      expect(kept.length).toBeGreaterThan(0);
    };

    beforeAll(async () => {
      test = await startTestServer(kind, {
        now,
        registerRoutes: (api, context) => {
          registerMoneyRoutes(api, context);
          registerCatalogRoutes(api, context);
        },
      });
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });

    async function operatorHeaders(): Promise<Record<string, string>> {
      const [staff] = await db()
        .insert(staffAccounts)
        .values({
          username: `operator-${randomUUID()}`,
          displayName: 'operator',
          passwordHash: await hashPassword('s3cret-pass'),
          role: 'operator',
        })
        .returning({ id: staffAccounts.id });
      const { token } = await createStaffSession(db(), staff?.id ?? 0, test.server.clock());
      return { authorization: `Bearer ${token}` };
    }

    /** The refund result comes by the sandbox's notification, after the request has been answered. */
    async function waitForSucceededRefunds(headers: Record<string, string>, orderId: number, count: number) {
      for (;;) {
        const { body } = await call<OrderView>(test, 'GET', `/api/orders/${orderId}`, { headers });
        if (body.refunds.filter((refund) => refund.status === 'succeeded').length === count) return body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    /** A shopper's paid order of these SKUs; returns its id, the shopper's headers and the line ids by SKU. */
    async function paidOrder(lines: { skuId: number; quantity: number }[]) {
      const { headers } = await memberWithSession(test);
      const order = await placeOrder(test, headers, { items: lines });
      await payThroughSandbox(test, headers, order);
      const { body } = await call<OrderView>(test, 'GET', `/api/orders/${order.id}`, { headers });
      expect(body.status).toBe('paid');
      const lineOf = new Map(body.items.map((item) => [item.skuId, item.id]));
      return { orderId: order.id, headers, lineOf };
    }

    it('counts the lines of a paid order when it is paid, not when it is placed', async () => {
      const tea = await insertSku(db(), { priceFen: 10_000, stock: 50 });
      const cup = await insertSku(db(), { priceFen: 5_000, stock: 50 });
      const { headers } = await memberWithSession(test);
      const order = await placeOrder(test, headers, {
        items: [
          { skuId: tea.skuId, quantity: 2 },
          { skuId: cup.skuId, quantity: 1 },
        ],
      });
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([0, 0]);
      await payThroughSandbox(test, headers, order);
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([2, 1]);
      await paidOrder([{ skuId: tea.skuId, quantity: 3 }]);
      expect(await sold(tea.productId)).toBe(5);

      const detail = await call<ProductDetail>(test, 'GET', `/api/products/${tea.productId}`);
      expect(detail.body).toMatchObject({ id: tea.productId, soldUnits: 5, minPriceFen: 10_000, inStock: true });
      const list = await call<ProductListResponse>(test, 'GET', '/api/products?sort=sales&pageSize=2');
      expect(list.body.items.map((item) => [item.id, item.soldUnits])).toEqual([
        [tea.productId, 5],
        [cup.productId, 1],
      ]);
      await expectRebuildToAgree();
    });

    it('takes back the units of refunded lines: a partial refund some of them, a full refund all of them', async () => {
      const staff = await operatorHeaders();
      const tea = await insertSku(db(), { priceFen: 10_000, stock: 50 });
      const cup = await insertSku(db(), { priceFen: 5_000, stock: 50 });
      const order = await paidOrder([
        { skuId: tea.skuId, quantity: 3 },
        { skuId: cup.skuId, quantity: 1 },
      ]);
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([3, 1]);

      const partial = await call(test, 'POST', `/api/staff/orders/${order.orderId}/refunds`, {
        headers: staff,
        body: { amountFen: 10_000, reason: '退一件', items: [{ orderItemId: order.lineOf.get(tea.skuId), quantity: 1 }] },
      });
      expect(partial.status).toBe(201);
      expect(await waitForSucceededRefunds(order.headers, order.orderId, 1)).toMatchObject({ status: 'partially_refunded' });
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([2, 1]);
      await expectRebuildToAgree();

      const rest = await call(test, 'POST', `/api/staff/orders/${order.orderId}/refunds`, {
        headers: staff,
        body: {
          amountFen: 25_000,
          reason: '全部退货',
          items: [
            { orderItemId: order.lineOf.get(tea.skuId), quantity: 2 },
            { orderItemId: order.lineOf.get(cup.skuId), quantity: 1 },
          ],
        },
      });
      expect(rest.status).toBe(201);
      expect(await waitForSucceededRefunds(order.headers, order.orderId, 2)).toMatchObject({ status: 'refunded' });
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([0, 0]);
      await expectRebuildToAgree();
    });

    it('never counts an unpaid order, also once it has expired', async () => {
      const tea = await insertSku(db(), { priceFen: 10_000, stock: 50 });
      await paidOrder([{ skuId: tea.skuId, quantity: 1 }]);
      const { headers } = await memberWithSession(test);
      const order = await placeOrder(test, headers, { items: [{ skuId: tea.skuId, quantity: 4 }] });
      expect(await sold(tea.productId)).toBe(1);
      now = new Date(now.getTime() + 16 * MINUTE);
      test.setNow(now);
      expect(await expireUnpaidOrders(test.server, now)).toMatchObject({ expired: 1 });
      expect((await call<OrderView>(test, 'GET', `/api/orders/${order.id}`, { headers })).body.status).toBe('expired');
      expect(await sold(tea.productId)).toBe(1);
      await expectRebuildToAgree();
    });

    it('stays exact while several shoppers pay for the same products at once', async () => {
      const tea = await insertSku(db(), { priceFen: 10_000, stock: 500 });
      const cup = await insertSku(db(), { priceFen: 5_000, stock: 500 });
      const shoppers = await Promise.all(Array.from({ length: 8 }, () => memberWithSession(test)));
      // Half the orders list the products one way round, half the other: the counts are locked in product order.
      const orders = await Promise.all(
        shoppers.map(({ headers }, i) => {
          const lines = [
            { skuId: tea.skuId, quantity: 1 + (i % 3) },
            { skuId: cup.skuId, quantity: 1 },
          ];
          return placeOrder(test, headers, { items: i % 2 === 0 ? lines : lines.reverse() });
        }),
      );
      await Promise.all(orders.map((order, i) => payThroughSandbox(test, shoppers[i]?.headers ?? {}, order)));
      const expectedTea = shoppers.reduce((sum, _, i) => sum + 1 + (i % 3), 0);
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([expectedTea, 8]);
      await expectRebuildToAgree();
    });

    it('folds the units sold since the last fold into product_sales without changing a count, also while shoppers pay', async () => {
      const tea = await insertSku(db(), { priceFen: 10_000, stock: 500 });
      const cup = await insertSku(db(), { priceFen: 5_000, stock: 500 });
      await paidOrder([
        { skuId: tea.skuId, quantity: 2 },
        { skuId: cup.skuId, quantity: 1 },
      ]);
      const pending = async () =>
        (await execute<{ n: number }>(db(), sql`select count(*)::int as n from product_sales_changes`))[0]?.n ?? 0;
      expect(await pending()).toBeGreaterThan(0);
      const before = await productSalesTable(db());
      const { folded } = await foldProductSales(db());
      expect(folded).toBeGreaterThan(0);
      expect(await pending()).toBe(0);
      expect(await productSalesTable(db())).toEqual(before);
      expect((await foldProductSales(db())).folded).toBe(0);

      // Folds racing payments of the same products: every unit is counted once.
      const shoppers = await Promise.all(Array.from({ length: 6 }, () => memberWithSession(test)));
      const orders = await Promise.all(
        shoppers.map(({ headers }) => placeOrder(test, headers, { items: [{ skuId: tea.skuId, quantity: 1 }] })),
      );
      await Promise.all([
        ...orders.map((order, i) => payThroughSandbox(test, shoppers[i]?.headers ?? {}, order)),
        foldProductSales(db()),
        foldProductSales(db()),
      ]);
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([8, 1]);
      await foldProductSales(db());
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([8, 1]);
      await expectRebuildToAgree();
      expect(await pending()).toBe(0);
    });

    if (kind === 'postgres') {
      it('lets two payments of the same product commit in either order: neither waits for the other', async () => {
        const tea = await insertSku(db(), { priceFen: 10_000, stock: 50 });
        const placed = [];
        for (let i = 0; i < 2; i += 1) {
          const { headers } = await memberWithSession(test);
          placed.push(await placeOrder(test, headers, { items: [{ skuId: tea.skuId, quantity: 1 }] }));
        }
        const [first, second] = [
          new pg.Client({ connectionString: test.testDatabase.url }),
          new pg.Client({ connectionString: test.testDatabase.url }),
        ];
        await first.connect();
        await second.connect();
        try {
          await first.query('begin');
          await first.query(`update orders set status = 'paid', paid_at = now() where id = $1`, [placed[0]?.id]);
          // The first payment is still open. Were the product's count a row both update, the second would wait for
          // it here until its lock timeout.
          await second.query('begin');
          await second.query(`set local lock_timeout = '2s'`);
          await second.query(`update orders set status = 'paid', paid_at = now() where id = $1`, [placed[1]?.id]);
          await second.query('commit');
          await first.query('commit');
        } finally {
          await first.end();
          await second.end();
        }
        expect(await sold(tea.productId)).toBe(2);
        await expectRebuildToAgree();
      });
    }

    /** One statement inserting orders in every status with their lines, as an import or a manual correction might. */
    async function bulkInsertOrders(memberId: number, productSkus: { productId: number; skuId: number }[], count: number) {
      const statuses = `array[${ORDER_STATUSES.map((status) => `'${status}'`).join(', ')}]`;
      const tag = randomUUID().slice(0, 8);
      await db().execute(
        sql`with numbered as (
              select n, (${sql.raw(statuses)})[1 + n % ${ORDER_STATUSES.length}] as status from generate_series(1, ${count}) n
            ), new_orders as (
              insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, created_at, paid_at)
              select ${`bulk-${tag}-`} || n, ${memberId}, 'pos', status, 300, 300, 0, ${now}, ${now} from numbered
              returning id, order_no
            )
            insert into order_items (order_id, member_id, sku_id, product_id, title, category, unit_price_fen, quantity,
                                     line_total_fen, refunded_quantity)
            select o.id, ${memberId}, s.sku_id, s.product_id, 'bulk', 'bulk', 100, 3, 300,
                   (substring(o.order_no from '[0-9]+$')::int + s.k) % 4
            from new_orders o
            cross join lateral (select k, (${sql.param(productSkus.map((p) => p.skuId))}::int8[])[k] as sku_id,
                                       (${sql.param(productSkus.map((p) => p.productId))}::int8[])[k] as product_id
                                from generate_subscripts(${sql.param(productSkus.map((p) => p.skuId))}::int8[], 1) k) s
            where (substring(o.order_no from '[0-9]+$')::int + s.k) % ${productSkus.length + 1} <> 0`,
      );
    }

    it('counts a bulk insert of orders and lines in one statement, then every later change of them', async () => {
      const memberId = await insertMember(db());
      const items = await Promise.all([1, 2, 3].map(() => insertSku(db(), { priceFen: 100 })));
      await bulkInsertOrders(memberId, items, 60);
      const [expected] = await execute<{ units: number }>(
        db(),
        sql`select coalesce(sum(i.quantity - i.refunded_quantity), 0)::int8 as units
            from order_items i join orders o on o.id = i.order_id
            where i.product_id = ${items[0]?.productId ?? 0} and o.status in ('paid', 'refunding', 'refunded', 'partially_refunded')`,
      );
      expect(expected?.units).toBeGreaterThan(0);
      expect(await sold(items[0]?.productId ?? 0)).toBe(expected?.units);
      await expectRebuildToAgree();

      const ofMember = sql`(select id from orders where member_id = ${memberId})`;
      const steps: [string, ReturnType<typeof sql>][] = [];
      for (const from of ORDER_STATUSES) {
        const to: OrderStatus = PAID.has(from) ? 'expired' : 'paid';
        steps.push([`${from} → ${to}`, sql`update orders set status = ${to} where member_id = ${memberId} and status = ${from}`]);
      }
      steps.push(
        ['lines returned', sql`update order_items set refunded_quantity = quantity where order_id in ${ofMember} and id % 3 = 0`],
        [
          'lines grown',
          sql`update order_items set quantity = quantity + 2, line_total_fen = unit_price_fen * (quantity + 2)
                            where order_id in ${ofMember} and id % 2 = 0`,
        ],
        [
          'lines moved to another product',
          sql`update order_items set product_id = ${items[2]?.productId ?? 0},
                                                 sku_id = ${items[2]?.skuId ?? 0}
                                               where order_id in ${ofMember} and product_id = ${items[1]?.productId ?? 0}`,
        ],
        ['lines deleted', sql`delete from order_items where order_id in ${ofMember} and id % 5 = 0`],
        ['every order paid', sql`update orders set status = 'partially_refunded' where member_id = ${memberId}`],
        [
          'orders deleted after their lines',
          sql`with gone as (delete from order_items where order_id in
            (select id from orders where member_id = ${memberId} order by id limit 10) returning order_id)
            select count(*) from gone`,
        ],
      );
      for (const [step, statement] of steps) {
        await db().execute(statement);
        const { kept, rebuilt } = await keptAndRebuiltSales(db());
        expect(kept, step).toEqual(rebuilt);
      }
      await db().execute(sql`delete from orders where member_id = ${memberId} and not exists
        (select 1 from order_items i where i.order_id = orders.id)`);
      await expectRebuildToAgree();
    });

    it('counts in the triggers exactly the order statuses the rebuild counts', async () => {
      const functions = await execute<{ name: string; source: string }>(
        db(),
        sql`select proname as name, prosrc as source from pg_proc
            where proname in ('product_sales_apply_lines', 'product_sales_apply_orders') order by proname`,
      );
      expect(functions.map((f) => f.name)).toEqual(['product_sales_apply_lines', 'product_sales_apply_orders']);
      for (const { name, source } of functions) {
        const lists = [...source.matchAll(/IN \(('[a-z_]+'(?:, '[a-z_]+')*)\)/g)].map((match) =>
          [...(match[1] ?? '').matchAll(/'([a-z_]+)'/g)].map((status) => status[1]).sort(),
        );
        expect(lists.length, name).toBeGreaterThan(0);
        for (const list of lists) expect(list, name).toEqual([...PAID_ORDER_STATUSES].sort());
      }
    });

    it('is rebuilt from scratch: a wrong or missing count is put right, and a second rebuild changes nothing', async () => {
      const tea = await insertSku(db(), { priceFen: 10_000, stock: 50 });
      const cup = await insertSku(db(), { priceFen: 5_000, stock: 50 });
      await paidOrder([
        { skuId: tea.skuId, quantity: 2 },
        { skuId: cup.skuId, quantity: 1 },
      ]);
      const { kept } = await keptAndRebuiltSales(db());
      await db().execute(sql`update product_sales set sold_units = 999 where product_id = ${tea.productId}`);
      await db().execute(sql`delete from product_sales where product_id = ${cup.productId}`);
      const repaired = await keptAndRebuiltSales(db());
      expect(repaired.rebuilt).toEqual(kept);
      expect([await sold(tea.productId), await sold(cup.productId)]).toEqual([2, 1]);
      expect((await keptAndRebuiltSales(db())).kept).toEqual(kept);
    });

    it('plans the list, count, summaries and detail on the catalogue, product_sales and its changes only', async () => {
      const memberId = await insertMember(db());
      const items = await Promise.all([1, 2].map(() => insertSku(db(), { priceFen: 100 })));
      await bulkInsertOrders(memberId, items, 3_000);
      await db().execute(sql`analyze`);
      const catalogue = new Set(['products', 'skus', 'categories', 'brands', 'product_sales', 'product_sales_changes']);
      const filters = [
        {},
        { category: 'tea' },
        { brand: 'hills' },
        { keyword: '龙井' },
        { category: 'tea', brand: 'x', keyword: 'y' },
      ];
      const statements = [
        ...filters.map((filter) => catalogueSql.count(filter)),
        ...filters.flatMap((filter) =>
          (['default', 'price_asc', 'price_desc', 'sales'] as const).map((sort) =>
            catalogueSql.page(filter, { sort, page: 2, pageSize: 20 }),
          ),
        ),
        catalogueSql.summaries(items.map((item) => item.productId)),
        catalogueSql.detail(items[0]?.productId ?? 0),
        catalogueSql.detailSkus(items[0]?.productId ?? 0),
      ];
      for (const statement of statements) {
        const relations = await relationsRead(db(), statement);
        expect(relations.filter((relation) => !catalogue.has(relation))).toEqual([]);
        expect(relations).not.toContain('orders');
      }
      expect(await relationsRead(db(), catalogueSql.page({}, { sort: 'sales', page: 1, pageSize: 20 }))).toContain(
        'product_sales',
      );
    });

    if (kind === 'postgres') {
      it('answers the product list and detail over HTTP while orders and order lines are locked against reading', async () => {
        const tea = await insertSku(db(), { priceFen: 10_000, stock: 50 });
        const locker = new pg.Client({ connectionString: test.testDatabase.url });
        await locker.connect();
        try {
          await locker.query('begin');
          await locker.query('lock table orders, order_items in access exclusive mode');
          // A request that planned or read either table would wait for the lock: it shows up in pg_locks as not granted.
          const waitingForOrders = async (answered: { done: boolean }) => {
            while (!answered.done) {
              const { rows } = await locker.query(
                `select count(*)::int as waiting from pg_locks
                 where not granted and relation in ('orders'::regclass, 'order_items'::regclass)`,
              );
              if ((rows[0] as { waiting: number }).waiting > 0) return 'blocked by the orders lock';
            }
            return 'answered';
          };
          for (const path of [
            '/api/products?sort=sales',
            '/api/products?sort=sales&page=2&keyword=Product',
            `/api/products/${tea.productId}`,
          ]) {
            const answered = { done: false };
            const request = call(test, 'GET', path).then((response) => {
              answered.done = true;
              return response;
            });
            expect(await Promise.race([waitingForOrders(answered), request.then(() => 'answered')]), path).toBe('answered');
            expect((await request).status, path).toBe(200);
          }
        } finally {
          await locker.query('rollback');
          await locker.end();
        }
      });
    }

    it('sets every count to zero when the order lines are truncated', async () => {
      await db().execute(sql`truncate order_items cascade`);
      const { kept, rebuilt } = await keptAndRebuiltSales(db());
      expect(kept).toEqual(rebuilt);
      expect(kept.every((row) => row.sold_units === 0)).toBe(true);
    });
  });
}
