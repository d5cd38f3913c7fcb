import { sql } from 'drizzle-orm';
import { execute, type Executor } from '../../db';
import { PAID_ORDER_STATUSES } from '../../db/schema';
import { RECOMMENDATION_MODEL } from './recommendation-model';

/**
 * Test helper: the recommendation model computed from scratch in JavaScript from plain rows (every order,
 * line, event and product), independently of the set-based SQL, and the model as stored, in the same shape.
 */
export interface ModelRows {
  neighbours: { productId: number; neighbourId: number; kind: string; coCount: number; score: number; rank: number }[];
  bestSellers: { productId: number; units30: number; units90: number; rank: number }[];
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

function neighboursOf(kind: string, groups: Iterable<Set<number>>): ModelRows['neighbours'] {
  const model = RECOMMENDATION_MODEL;
  const occurrences = new Map<number, number>();
  const co = new Map<string, number>();
  for (const group of groups) {
    for (const a of group) occurrences.set(a, (occurrences.get(a) ?? 0) + 1);
    if (group.size < 2 || group.size > model.maxProductsPerGroup) continue;
    for (const a of group) for (const b of group) if (a !== b) co.set(`${a},${b}`, (co.get(`${a},${b}`) ?? 0) + 1);
  }
  const byProduct = new Map<number, { neighbourId: number; coCount: number; score: number }[]>();
  for (const [key, count] of co) {
    if (count < model.minCoCount) continue;
    const [a, b] = key.split(',').map(Number) as [number, number];
    const score = ((count / Math.sqrt((occurrences.get(a) ?? 0) * (occurrences.get(b) ?? 0))) * count) / (count + model.shrink);
    byProduct.set(a, [...(byProduct.get(a) ?? []), { neighbourId: b, coCount: count, score }]);
  }
  return [...byProduct].flatMap(([productId, list]) =>
    list
      .sort((x, y) => y.score - x.score || y.coCount - x.coCount || x.neighbourId - y.neighbourId)
      .slice(0, model.neighboursPerProduct)
      .map((n, index) => ({ productId, kind, ...n, rank: index + 1 })),
  );
}

/** The model as of `now`, from every row of the shop. */
export async function expectedModel(executor: Executor, now: Date): Promise<ModelRows> {
  const model = RECOMMENDATION_MODEL;
  const orders = await execute<{ id: number; status: string; paid_at: Date | null }>(
    executor,
    sql`select id, status, paid_at from orders`,
  );
  const lines = await execute<{ order_id: number; product_id: number; quantity: number; refunded_quantity: number }>(
    executor,
    sql`select order_id, product_id, quantity, refunded_quantity from order_items`,
  );
  const events = await execute<{ member_id: number; type: string; occurred_at: Date; product_id: number | null }>(
    executor,
    sql`select member_id, type, occurred_at, product_id from events`,
  );
  const products = await execute<{ id: number; position: number }>(executor, sql`select id, position from products`);
  const known = new Set(products.map((p) => p.id));
  const paid = new Set<string>(PAID_ORDER_STATUSES);
  const paidAt = new Map(
    orders.filter((o) => paid.has(o.status) && o.paid_at !== null).map((o) => [o.id, (o.paid_at as Date).getTime()]),
  );
  const ageOf = (at: number) => now.getTime() - at;

  const baskets = new Map<number, Set<number>>();
  const units = new Map<number, { units30: number; units90: number }>();
  for (const line of lines) {
    const at = paidAt.get(line.order_id);
    if (at === undefined || ageOf(at) < 0) continue;
    const net = line.quantity - line.refunded_quantity;
    if (net > 0 && ageOf(at) <= model.coPurchaseDays * DAY_MS) {
      baskets.set(line.order_id, (baskets.get(line.order_id) ?? new Set()).add(line.product_id));
    }
    if (ageOf(at) <= 90 * DAY_MS) {
      const sold = units.get(line.product_id) ?? { units30: 0, units90: 0 };
      sold.units90 += net;
      if (ageOf(at) <= 30 * DAY_MS) sold.units30 += net;
      units.set(line.product_id, sold);
    }
  }

  const sessions = new Map<string, Set<number>>();
  const interest = new Set<string>(model.coViewEventTypes);
  for (const event of events) {
    const at = event.occurred_at.getTime();
    if (!interest.has(event.type) || event.product_id === null || !known.has(event.product_id)) continue;
    if (ageOf(at) < 0 || ageOf(at) > model.coViewDays * DAY_MS) continue;
    const day = new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
    const key = `${event.member_id}/${day}`;
    sessions.set(key, (sessions.get(key) ?? new Set()).add(event.product_id));
  }

  const bestSellers = products
    .map((p) => ({ productId: p.id, position: p.position, ...(units.get(p.id) ?? { units30: 0, units90: 0 }) }))
    .sort((a, b) => b.units30 - a.units30 || b.units90 - a.units90 || a.position - b.position || a.productId - b.productId)
    .map(({ position: _position, ...row }, index) => ({ ...row, rank: index + 1 }));
  return {
    neighbours: sortNeighbours([...neighboursOf('co_purchase', baskets.values()), ...neighboursOf('co_view', sessions.values())]),
    bestSellers,
  };
}

function sortNeighbours(rows: ModelRows['neighbours']): ModelRows['neighbours'] {
  return rows.sort((a, b) => a.productId - b.productId || a.kind.localeCompare(b.kind) || a.rank - b.rank);
}

/** The model as stored by the last rebuild, in the order expectedModel gives. */
export async function storedModel(executor: Executor): Promise<ModelRows> {
  const neighbours = await execute<{
    product_id: number;
    neighbour_id: number;
    kind: string;
    co_count: number;
    score: number;
    rank: number;
  }>(executor, sql`select product_id, neighbour_id, kind, co_count, score, rank from product_neighbours`);
  const bestSellers = await execute<{ product_id: number; units_30: number; units_90: number; rank: number }>(
    executor,
    sql`select product_id, units_30, units_90, rank from product_best_sellers order by rank`,
  );
  return {
    neighbours: sortNeighbours(
      neighbours.map((n) => ({
        productId: n.product_id,
        neighbourId: n.neighbour_id,
        kind: n.kind,
        coCount: n.co_count,
        score: n.score,
        rank: n.rank,
      })),
    ),
    bestSellers: bestSellers.map((b) => ({ productId: b.product_id, units30: b.units_30, units90: b.units_90, rank: b.rank })),
  };
}
