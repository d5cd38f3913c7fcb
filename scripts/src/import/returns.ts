/**
 * Cancellations and returns become refunds of the same customer's earlier order lines of the same SKU: each
 * returned unit is matched to the most recent earlier purchase with units left to refund (a line at the same
 * unit price first), and refunded at the price that purchase was paid. One refund per (return document, order).
 * Returned units that match no earlier purchase (bought before the history starts) are not imported: the
 * refunds table needs an order, so they are listed in the report instead.
 * A return document that already has refunds was imported by an earlier run and is skipped whole.
 */
import { sql } from 'drizzle-orm';
import type { RefundLine } from '../../../server/src/db/schema';
import { execute, type Executor } from '../../../server/src/db';
import { importedOpenidPrefix } from './load';
import type { Rejection } from './rejections';
import { STAGING_TABLE } from './staging';

export interface ReturnLine {
  line: number;
  returnNo: string;
  customer: string;
  sku: string;
  /** Units returned (positive). */
  quantity: number;
  unitPriceFen: number;
  at: Date;
}

export interface PurchasedLine {
  orderItemId: number;
  orderId: number;
  memberId: number;
  customer: string;
  sku: string;
  paidAt: Date;
  unitPriceFen: number;
  /** Units not yet refunded, and the money still refundable for them. */
  quantityLeft: number;
  fenLeft: number;
}

export interface PlannedRefund {
  returnNo: string;
  orderId: number;
  memberId: number;
  at: Date;
  amountFen: number;
  lines: RefundLine[];
}

/** A return line whose units (all, or `partly` some) match no earlier purchase. */
export interface UnmatchedReturn extends Rejection {
  partly: boolean;
}

export interface ReturnPlan {
  refunds: PlannedRefund[];
  matchedLines: number;
  unmatched: UnmatchedReturn[];
}

const key = (customer: string, sku: string) => `${customer}\u0000${sku}`;

/** Matches returns (in time order) to purchases; pure, so the matching rule is tested without a database. */
export function planReturns(returns: readonly ReturnLine[], purchases: readonly PurchasedLine[]): ReturnPlan {
  const candidates = new Map<string, PurchasedLine[]>();
  for (const purchase of purchases) {
    const list = candidates.get(key(purchase.customer, purchase.sku)) ?? [];
    list.push({ ...purchase });
    candidates.set(key(purchase.customer, purchase.sku), list);
  }
  const refunds = new Map<string, PlannedRefund>();
  const unmatched: UnmatchedReturn[] = [];
  let matchedLines = 0;
  const ordered = [...returns].sort((a, b) => a.at.getTime() - b.at.getTime() || a.line - b.line);
  for (const ret of ordered) {
    const pool = (candidates.get(key(ret.customer, ret.sku)) ?? [])
      .filter((p) => p.quantityLeft > 0 && p.paidAt.getTime() <= ret.at.getTime())
      .sort(
        (a, b) =>
          Number(b.unitPriceFen === ret.unitPriceFen) - Number(a.unitPriceFen === ret.unitPriceFen) ||
          b.paidAt.getTime() - a.paidAt.getTime() ||
          b.orderItemId - a.orderItemId,
      );
    let need = ret.quantity;
    for (const purchase of pool) {
      if (need === 0) break;
      const units = Math.min(need, purchase.quantityLeft);
      const amountFen =
        units === purchase.quantityLeft ? purchase.fenLeft : Math.min(purchase.fenLeft, units * purchase.unitPriceFen);
      need -= units;
      purchase.quantityLeft -= units;
      purchase.fenLeft -= amountFen;
      const refundKey = `${ret.returnNo}\u0000${purchase.orderId}`;
      const refund = refunds.get(refundKey) ?? {
        returnNo: ret.returnNo,
        orderId: purchase.orderId,
        memberId: purchase.memberId,
        at: ret.at,
        amountFen: 0,
        lines: [],
      };
      refund.amountFen += amountFen;
      refund.lines.push({ orderItemId: purchase.orderItemId, quantity: units, amountFen });
      refunds.set(refundKey, refund);
    }
    if (need === ret.quantity)
      unmatched.push({
        line: ret.line,
        reason: `return of ${ret.sku} matches no earlier purchase by customer ${ret.customer}`,
        partly: false,
      });
    else {
      matchedLines++;
      if (need > 0)
        unmatched.push({
          line: ret.line,
          reason: `${need} of ${ret.quantity} returned units match no earlier purchase`,
          partly: true,
        });
    }
  }
  // A refund of nothing (the purchase cost 0 fen) cannot be recorded; its units stay unrefunded.
  return { refunds: [...refunds.values()].filter((r) => r.amountFen > 0), matchedLines, unmatched };
}

export interface ReturnCounts {
  returnLines: number;
  matchedLines: number;
  refunds: number;
  /** Return lines of documents an earlier run already imported. */
  alreadyImportedLines: number;
  /** Return lines with units (all or some) that match no earlier purchase; listed in the report. */
  unmatchedLines: number;
}

/** `<source>:<return no>:<order id>`; the order id is last so the return number may contain colons. */
function refundNo(source: string, refund: PlannedRefund): string {
  return `${source}:${refund.returnNo}:${refund.orderId}`;
}

export async function importReturns(
  executor: Executor,
  source: string,
): Promise<{ counts: ReturnCounts; unmatched: UnmatchedReturn[] }> {
  const openid = sql.param(importedOpenidPrefix(source));
  const staged = await execute<{
    line: number;
    order_no: string;
    customer: string;
    sku: string;
    quantity: number;
    unit_price_fen: number;
    at: Date;
  }>(
    executor,
    sql.raw(
      `select line, order_no, customer, sku, -quantity as quantity, unit_price_fen, at from ${STAGING_TABLE} where is_return order by at, line`,
    ),
  );
  const prefix = `${source}:`;
  const done = await execute<{ out_refund_no: string }>(
    executor,
    sql`select out_refund_no from refunds where starts_with(out_refund_no, ${prefix})`,
  );
  const doneReturns = new Set(done.map((r) => r.out_refund_no.slice(prefix.length, r.out_refund_no.lastIndexOf(':'))));
  const returns: ReturnLine[] = staged
    .filter((r) => !doneReturns.has(r.order_no))
    .map((r) => ({
      line: r.line,
      returnNo: r.order_no,
      customer: r.customer,
      sku: r.sku,
      quantity: r.quantity,
      unitPriceFen: r.unit_price_fen,
      at: r.at,
    }));
  const purchases = await execute<{
    order_item_id: number;
    order_id: number;
    member_id: number;
    customer: string;
    sku: string;
    paid_at: Date;
    unit_price_fen: number;
    quantity_left: number;
    fen_left: number;
  }>(
    executor,
    sql`select i.id as order_item_id, i.order_id, i.member_id, substr(m.openid, length(${openid}) + 1) as customer,
        s.sku_code as sku, o.paid_at, i.unit_price_fen, i.quantity - i.refunded_quantity as quantity_left,
        i.line_total_fen - i.discount_alloc_fen - i.refunded_fen as fen_left
      from (select distinct ${openid} || customer as openid, sku from ${sql.raw(STAGING_TABLE)} where is_return) r
      join members m on m.openid = r.openid
      join skus s on s.sku_code = r.sku
      join order_items i on i.member_id = m.id and i.sku_id = s.id
      join orders o on o.id = i.order_id
      where o.status in ('paid', 'partially_refunded') and i.refunded_quantity < i.quantity`,
  );
  const plan = planReturns(
    returns,
    purchases.map((p) => ({
      orderItemId: p.order_item_id,
      orderId: p.order_id,
      memberId: p.member_id,
      customer: p.customer,
      sku: p.sku,
      paidAt: p.paid_at,
      unitPriceFen: p.unit_price_fen,
      quantityLeft: p.quantity_left,
      fenLeft: p.fen_left,
    })),
  );
  const refunds = await writeRefunds(executor, source, plan.refunds);
  return {
    counts: {
      returnLines: staged.length,
      matchedLines: plan.matchedLines,
      refunds,
      alreadyImportedLines: staged.length - returns.length,
      unmatchedLines: plan.unmatched.length,
    },
    unmatched: plan.unmatched,
  };
}

/** Inserts the refunds, then adds exactly the inserted ones to their order lines and orders. */
async function writeRefunds(executor: Executor, source: string, refunds: readonly PlannedRefund[]): Promise<number> {
  if (refunds.length === 0) return 0;
  const inserted = await execute<{ out_refund_no: string }>(
    executor,
    sql`insert into refunds (out_refund_no, order_id, member_id, amount_fen, status, reason, lines, succeeded_at, created_at, updated_at)
      select u.no, u.order_id, u.member_id, u.amount, 'succeeded', 'imported ' || u.return_no, u.lines::jsonb, u.at, u.at, u.at
      from unnest(${sql.param(refunds.map((r) => refundNo(source, r)))}::text[],
        ${sql.param(refunds.map((r) => r.returnNo))}::text[],
        ${sql.param(refunds.map((r) => r.orderId))}::int8[], ${sql.param(refunds.map((r) => r.memberId))}::int8[],
        ${sql.param(refunds.map((r) => r.amountFen))}::int8[], ${sql.param(refunds.map((r) => JSON.stringify(r.lines)))}::text[],
        ${sql.param(refunds.map((r) => r.at.toISOString()))}::timestamptz[]) as u(no, return_no, order_id, member_id, amount, lines, at)
      order by u.at, u.no
      on conflict (out_refund_no) do nothing
      returning out_refund_no`,
  );
  const applied = new Set(inserted.map((r) => r.out_refund_no));
  const kept = refunds.filter((r) => applied.has(refundNo(source, r)));
  const itemLines = kept.flatMap((r) => r.lines);
  await executor.execute(sql`update order_items i set refunded_quantity = i.refunded_quantity + u.quantity,
      refunded_fen = i.refunded_fen + u.amount
    from (select id, sum(quantity)::int as quantity, sum(amount)::int8 as amount
          from unnest(${sql.param(itemLines.map((l) => l.orderItemId))}::int8[], ${sql.param(itemLines.map((l) => l.quantity))}::int4[],
            ${sql.param(itemLines.map((l) => l.amountFen))}::int8[]) as x(id, quantity, amount) group by id) u
    where i.id = u.id`);
  await executor.execute(sql`update orders o set refunded_fen = o.refunded_fen + u.amount,
      status = case when o.refunded_fen + u.amount >= o.paid_fen then 'refunded' else 'partially_refunded' end,
      updated_at = greatest(o.updated_at, u.at)
    from (select order_id, sum(amount)::int8 as amount, max(at) as at
          from unnest(${sql.param(kept.map((r) => r.orderId))}::int8[], ${sql.param(kept.map((r) => r.amountFen))}::int8[],
            ${sql.param(kept.map((r) => r.at.toISOString()))}::timestamptz[]) as x(order_id, amount, at) group by order_id) u
    where o.id = u.order_id`);
  return kept.length;
}
