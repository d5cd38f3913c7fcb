/**
 * Checkout benchmark: the real server over real HTTP on a fresh database. `concurrency` shoppers each place
 * orders back to back (2 lines from a shared catalogue of 20 SKUs, so stock rows are contended) and pay them:
 * prepay through the API, then the sandbox's "user paid", which delivers the signed, encrypted notification to
 * /api/pay/notify and waits for its answer. Afterwards SQL checks that every order is paid once and that stock
 * went down by exactly what was sold.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { execute, type DatabaseKind } from '../../../server/src/db';
import { ADDRESS, memberWithSession, registerMoneyRoutes } from '../../../server/src/modules/payments/checkout.fixtures';
import { insertSku } from '../../../server/src/testing/fixtures';
import { startTestServer } from '../../../server/src/testing/server';

export interface CheckoutBenchOptions {
  kind: DatabaseKind;
  /** Orders in total. */
  orders: number;
  /** Shoppers ordering at the same time. */
  concurrency: number;
}

export interface CheckoutBenchResult {
  database: DatabaseKind;
  orders: number;
  concurrency: number;
  seconds: number;
  ordersPerSecond: number;
  /** Create + prepay + paid notification, per order. */
  p50Ms: number;
  p99Ms: number;
  createP50Ms: number;
  createP99Ms: number;
  prepayP50Ms: number;
  prepayP99Ms: number;
  /** The sandbox's "user paid" until /api/pay/notify has answered (the paid-order transaction). */
  notifyP50Ms: number;
  notifyP99Ms: number;
  /** Orders paid in the database (must equal `orders`). */
  paid: number;
  /** Stock taken equals the quantities sold. */
  stockConsistent: boolean;
}

const SKUS = 20;
const INITIAL_STOCK = 1_000_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

async function post(url: string, headers: Record<string, string>, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

export async function runCheckoutBench(options: CheckoutBenchOptions): Promise<CheckoutBenchResult> {
  const { kind, orders, concurrency } = options;
  const test = await startTestServer(kind, { registerRoutes: registerMoneyRoutes });
  try {
    const db = test.testDatabase.database.db;
    const skuIds: number[] = [];
    for (let i = 0; i < SKUS; i++) skuIds.push((await insertSku(db, { priceFen: 3_900 + i * 500, stock: INITIAL_STOCK })).skuId);
    const shoppers = await Promise.all(Array.from({ length: concurrency }, () => memberWithSession(test)));

    const total: number[] = [];
    const create: number[] = [];
    const prepay: number[] = [];
    const notify: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      shoppers.map(async ({ headers }) => {
        for (let n = next++; n < orders; n = next++) {
          const first = skuIds[n % SKUS] as number;
          const second = skuIds[(n * 7 + 3) % SKUS] as number;
          const items =
            first === second
              ? [{ skuId: first, quantity: 2 }]
              : [
                  { skuId: first, quantity: 1 },
                  { skuId: second, quantity: 1 },
                ];
          const t0 = performance.now();
          const order = await post(`${test.url}/api/orders`, headers, { items, address: ADDRESS });
          const t1 = performance.now();
          await post(`${test.url}/api/orders/${String(order.id)}/pay`, headers);
          const t2 = performance.now();
          const paid = await post(`${test.url}/sandbox/pay/${String(order.orderNo)}/complete`, {});
          const t3 = performance.now();
          if (!(paid.notification as { delivered?: boolean }).delivered)
            throw new Error(`order ${String(order.id)}: notify failed`);
          create.push(t1 - t0);
          prepay.push(t2 - t1);
          notify.push(t3 - t2);
          total.push(t3 - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const [check] = await execute<{ paid: number; sold: number; taken: number }>(
      db,
      sql`select (select count(*) from orders where status = 'paid')::int8 as paid,
                 (select coalesce(sum(quantity), 0) from order_items)::int8 as sold,
                 (select ${SKUS * INITIAL_STOCK} - sum(stock) from skus)::int8 as taken`,
    );
    return {
      database: kind,
      orders,
      concurrency,
      seconds: Math.round(seconds * 100) / 100,
      ordersPerSecond: Math.round((orders / seconds) * 10) / 10,
      p50Ms: percentile(total, 50),
      p99Ms: percentile(total, 99),
      createP50Ms: percentile(create, 50),
      createP99Ms: percentile(create, 99),
      prepayP50Ms: percentile(prepay, 50),
      prepayP99Ms: percentile(prepay, 99),
      notifyP50Ms: percentile(notify, 50),
      notifyP99Ms: percentile(notify, 99),
      paid: check?.paid ?? 0,
      stockConsistent: check !== undefined && check.sold === check.taken,
    };
  } finally {
    await test.stop();
  }
}
