import { randomUUID } from 'node:crypto';
import type { Executor } from '../../db';
import { orders } from '../../db/schema';

/** Inserts an order paid at `paidAt` for `paidFen` (with `refundedFen` refunded) and returns its id. */
export async function insertPaidOrder(
  executor: Executor,
  memberId: number,
  paidAt: Date,
  paidFen: number,
  refundedFen = 0,
): Promise<number> {
  const status = refundedFen === 0 ? 'paid' : refundedFen === paidFen ? 'refunded' : 'partially_refunded';
  const [row] = await executor
    .insert(orders)
    .values({
      orderNo: `T${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      memberId,
      channel: 'mini_program',
      status,
      itemsTotalFen: paidFen,
      payableFen: paidFen,
      paidFen,
      refundedFen,
      createdAt: paidAt,
      paidAt,
    })
    .returning({ id: orders.id });
  if (!row) throw new Error('order insert returned nothing');
  return row.id;
}
