import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { execute, type Executor } from '../db';
import { memberSessions, members } from '../db/schema';
import { MEMBER_SESSION_TTL_MS, newSessionToken } from '../http/auth';

export interface FlashSaleShopper {
  memberId: number;
  token: string;
}

/** `count` new members, each with a live session, inserted in batches (a flash sale needs hundreds at once). */
export async function newShoppersWithSessions(db: Executor, count: number, now: Date): Promise<FlashSaleShopper[]> {
  const shoppers: FlashSaleShopper[] = [];
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const inserted = await db
      .insert(members)
      .values(Array.from({ length: size }, () => ({ openid: `o_flash_${randomUUID().replaceAll('-', '').slice(0, 20)}` })))
      .returning({ id: members.id });
    const sessions = inserted.map((member) => ({ memberId: member.id, ...newSessionToken() }));
    await db.insert(memberSessions).values(
      sessions.map((session) => ({
        memberId: session.memberId,
        tokenHash: session.tokenHash,
        createdAt: now,
        expiresAt: new Date(now.getTime() + MEMBER_SESSION_TTL_MS),
        lastSeenAt: now,
      })),
    );
    shoppers.push(...sessions.map((session) => ({ memberId: session.memberId, token: session.token })));
  }
  return shoppers;
}

export const FLASH_SALE_ADDRESS = {
  name: '李四',
  phone: '13900139000',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '文三路 1 号',
};

/** One shopper's answer to `POST /api/orders`. */
export interface FlashSaleAnswer {
  /** Index of the shopper in the list given. */
  shopper: number;
  status: number;
  /** The error code when the order was refused, e.g. SOLD_OUT. */
  code?: string;
  message?: string;
  orderId?: number;
  /** From sending the request to reading the whole answer. */
  ms: number;
}

export interface FlashSaleOptions {
  baseUrl: string;
  shoppers: readonly { token: string }[];
  skuId: number;
  /** Units each shopper orders (default 1). */
  quantity?: number;
  /** Sent as clientOrderKey, so a shopper's retry would return the same order (default: a fresh key each). */
  clientOrderKey?: (shopper: number) => string;
}

/** Every shopper orders the SKU at the same moment over HTTP; the answers come back in shopper order. */
export async function orderAllAtOnce(options: FlashSaleOptions): Promise<FlashSaleAnswer[]> {
  const quantity = options.quantity ?? 1;
  const bodies = options.shoppers.map((_, shopper) =>
    JSON.stringify({
      items: [{ skuId: options.skuId, quantity }],
      address: FLASH_SALE_ADDRESS,
      clientOrderKey: options.clientOrderKey?.(shopper) ?? `flash-${randomUUID()}`,
    }),
  );
  return Promise.all(
    options.shoppers.map(async ({ token }, shopper): Promise<FlashSaleAnswer> => {
      const started = performance.now();
      const response = await fetch(`${options.baseUrl}/api/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: bodies[shopper],
      });
      const text = await response.text();
      const ms = performance.now() - started;
      const body = (text === '' ? {} : JSON.parse(text)) as { id?: number; error?: { code?: string; message?: string } };
      return {
        shopper,
        status: response.status,
        ms,
        ...(body.id === undefined ? {} : { orderId: body.id }),
        ...(body.error?.code === undefined ? {} : { code: body.error.code }),
        ...(body.error?.message === undefined ? {} : { message: body.error.message }),
      };
    }),
  );
}

/** The p-th percentile (nearest rank) of `values`, rounded to 0.1 ms; 0 for none. */
export function percentileMs(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 10) / 10;
}

export interface FlashSaleResult {
  shoppers: number;
  stockBefore: number;
  stockAfter: number;
  /** 201 answers. */
  accepted: number;
  /** 409 SOLD_OUT answers. */
  soldOut: number;
  /** Any other answer, by `status code`, e.g. { '503 DATABASE_BUSY': 3 }. */
  otherErrors: Record<string, number>;
  /** Units of the SKU in orders placed during the sale (from SQL). */
  unitsOrdered: number;
  /** Units ordered beyond the stock there was, plus any stock below zero (from SQL); must be 0. */
  oversold: number;
  /** Stock went down by exactly the units ordered. */
  stockConsistent: boolean;
  seconds: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Every answer, for callers that check them one by one. */
  answers: FlashSaleAnswer[];
}

async function stockOf(db: Executor, skuId: number): Promise<number> {
  const [row] = await execute<{ stock: number }>(db, sql`select stock from skus where id = ${skuId}`);
  if (!row) throw new Error(`SKU ${skuId} does not exist`);
  return row.stock;
}

/**
 * A flash sale (秒杀) measured end to end: every shopper orders the SKU at once over HTTP, then SQL on `db` (the
 * shop's database) checks what was taken. Unpaid orders of the sale stay pending; the caller decides what next.
 */
export async function runFlashSale(options: FlashSaleOptions & { db: Executor }): Promise<FlashSaleResult> {
  const { db, skuId } = options;
  const stockBefore = await stockOf(db, skuId);
  const [mark] = await execute<{ last: number }>(db, sql`select coalesce(max(id), 0)::int8 as last from orders`);
  const started = performance.now();
  const answers = await orderAllAtOnce(options);
  const seconds = (performance.now() - started) / 1000;
  const [taken] = await execute<{ units: number }>(
    db,
    sql`select coalesce(sum(i.quantity), 0)::int8 as units from order_items i join orders o on o.id = i.order_id
        where i.sku_id = ${skuId} and o.id > ${mark?.last ?? 0} and o.status not in ('cancelled', 'expired')`,
  );
  const stockAfter = await stockOf(db, skuId);
  const unitsOrdered = Number(taken?.units ?? 0);
  const otherErrors: Record<string, number> = {};
  let accepted = 0;
  let soldOut = 0;
  for (const answer of answers) {
    if (answer.status === 201) accepted += 1;
    else if (answer.status === 409 && answer.code === 'SOLD_OUT') soldOut += 1;
    else {
      const key = `${answer.status} ${answer.code ?? ''}`.trim();
      otherErrors[key] = (otherErrors[key] ?? 0) + 1;
    }
  }
  const ms = answers.map((answer) => answer.ms);
  return {
    shoppers: answers.length,
    stockBefore,
    stockAfter,
    accepted,
    soldOut,
    otherErrors,
    unitsOrdered,
    oversold: Math.max(0, unitsOrdered - Math.max(0, stockBefore)) + Math.max(0, -stockAfter),
    stockConsistent: stockBefore - stockAfter === unitsOrdered,
    seconds: Math.round(seconds * 1000) / 1000,
    p50Ms: percentileMs(ms, 50),
    p95Ms: percentileMs(ms, 95),
    p99Ms: percentileMs(ms, 99),
    maxMs: percentileMs(ms, 100),
    answers,
  };
}
