import { randomUUID } from 'node:crypto';
import { addDays, shanghaiDate, type ClvTransaction } from '@member-ops/shared';
import { sampleGamma, seededRandom, type Random } from '@member-ops/shared/clv/testing/simulate';
import type { Executor } from '../../db';
import { members, orders } from '../../db/schema';

export interface SimulatedOrder {
  memberId: number;
  paidAt: Date;
  paidFen: number;
  refundedFen: number;
}

/**
 * A CDNOW-like shop: `count` members whose first purchase falls in the `cohortDays` before `asOf`, then buying
 * by the BG/NBD story in weeks (rate ~ Gamma(0.25, 4), dropout after each repeat ~ Beta(0.8, 2.5)) with a
 * per-member mean spend; some orders land on the same Shanghai day, some are partly or fully refunded, a few are
 * paid after `asOf`. Deterministic for a seed.
 */
export function simulateShopOrders(memberIds: readonly number[], asOf: Date, seed: number, cohortDays = 182): SimulatedOrder[] {
  const random = seededRandom(seed);
  const result: SimulatedOrder[] = [];
  for (const memberId of memberIds) {
    const first = addDays(asOf, -(1 + Math.floor(random() * cohortDays)) - random());
    const rate = sampleGamma(random, 0.25, 4);
    const left = sampleGamma(random, 0.8, 1);
    const dropout = left / (left + sampleGamma(random, 2.5, 1));
    const meanFen = 2_000 + Math.floor(sampleGamma(random, 3, 1 / 5_000));
    const spend = () => Math.max(0, Math.round(meanFen * (0.5 + random())));
    result.push(orderOf(random, memberId, first, spend()));
    let weeks = 0;
    const horizonWeeks = (asOf.getTime() - first.getTime()) / (7 * 86_400_000) + 8;
    for (;;) {
      weeks += -Math.log(1 - random()) / rate;
      if (weeks > horizonWeeks) break;
      const paidAt = new Date(first.getTime() + weeks * 7 * 86_400_000);
      result.push(orderOf(random, memberId, paidAt, spend()));
      if (random() < 0.15) result.push(orderOf(random, memberId, new Date(paidAt.getTime() + 3_600_000), spend()));
      if (random() < dropout) break;
    }
  }
  return result;
}

function orderOf(random: Random, memberId: number, paidAt: Date, paidFen: number): SimulatedOrder {
  const roll = random();
  const refundedFen = roll < 0.05 ? paidFen : roll < 0.1 ? Math.floor(paidFen / 3) : 0;
  return { memberId, paidAt, paidFen, refundedFen };
}

/** The purchase lines the shared summariser takes: fully refunded orders are no purchase; amounts are net. */
export function clvTransactionsOf(simulated: readonly SimulatedOrder[], asOf: Date): ClvTransaction[] {
  return simulated
    .filter((o) => o.paidAt.getTime() <= asOf.getTime() && !(o.refundedFen > 0 && o.refundedFen >= o.paidFen))
    .map((o) => ({ customerId: String(o.memberId), date: shanghaiDate(o.paidAt), amount: o.paidFen - o.refundedFen }));
}

export async function insertMembers(executor: Executor, count: number): Promise<number[]> {
  const rows = await executor
    .insert(members)
    .values(Array.from({ length: count }, () => ({ openid: `openid-${randomUUID()}` })))
    .returning({ id: members.id });
  return rows.map((row) => row.id);
}

export async function insertOrders(executor: Executor, simulated: readonly SimulatedOrder[]): Promise<void> {
  for (let start = 0; start < simulated.length; start += 500) {
    await executor.insert(orders).values(
      simulated.slice(start, start + 500).map((o) => ({
        orderNo: `S${randomUUID().replaceAll('-', '').slice(0, 24)}`,
        memberId: o.memberId,
        channel: 'mini_program' as const,
        status:
          o.refundedFen === 0
            ? ('paid' as const)
            : o.refundedFen === o.paidFen
              ? ('refunded' as const)
              : ('partially_refunded' as const),
        itemsTotalFen: o.paidFen,
        payableFen: o.paidFen,
        paidFen: o.paidFen,
        refundedFen: o.refundedFen,
        createdAt: o.paidAt,
        paidAt: o.paidAt,
      })),
    );
  }
}
