import { sql } from 'drizzle-orm';
import { earnForOrder, evaluateTier, growthWindowStart, type TierCode, type TierConfig } from '@member-ops/shared';
import type { Tx } from '../../db';
import { execute } from '../../db';
import { PAID_ORDER_STATUSES } from '../../db/schema';
import { creditPoints, lockMember } from '../points/points.repo';
import { pointsConfigAt, tierConfigAt } from '../points/rule-configs';
import { markCouponUsed } from '../coupons';
import { updateMemberDerived } from '../segmentation';
import type { LockedOrder } from './orders.repo';

export interface PaidOrderResult {
  pointsEarned: number;
  tier: TierCode;
  tierChanged: boolean;
  firstPurchase: boolean;
}

/**
 * The one "order paid" flow, run inside the caller's transaction with the order row already locked and
 * known to be pending: order paid, coupon used, points earned at the tier multiplier the member had before
 * this order, purchase aggregates, the member's classifications (RFM against the last refresh's cut
 * points, lifecycle, behaviour, preferences), growth value (one SQL sum over the trailing window), tier
 * upgrade with its history, and the campaign triggers (first purchase, tier up) in the outbox. Only upgrades
 * happen here; downgrades wait for the tier review.
 */
export async function applyPaidOrder(tx: Tx, order: LockedOrder, paidAt: Date, now: Date): Promise<PaidOrderResult> {
  const paidFen = order.payableFen;
  await tx.execute(
    sql`update orders set status = 'paid', paid_fen = ${paidFen}, paid_at = ${paidAt}, updated_at = ${now}
        where id = ${order.id}`,
  );
  if (order.couponId !== null) {
    const coupon = await markCouponUsed(tx, {
      couponId: order.couponId,
      memberId: order.memberId,
      orderId: order.id,
      now: paidAt,
    });
    // The money is in and the amount already counted the discount: record the anomaly, keep the payment.
    if (coupon === 'unavailable') {
      await tx.execute(
        sql`insert into audit_log (action, target_type, target_id, detail, at)
            values ('payment.coupon_unavailable', 'order', ${String(order.id)}, ${JSON.stringify({ couponId: order.couponId })}::jsonb, ${now})`,
      );
    }
  }

  const member = await lockMember(tx, order.memberId);
  const [{ config: pointsConfig }, { config: tierConfig, version: tierVersion }] = await Promise.all([
    pointsConfigAt(tx, now),
    tierConfigAt(tx, now),
  ]);
  const tierBefore = member.tier as TierCode;
  const multiplier = tierConfig.tiers[tierBefore].benefits.pointsMultiplier;
  let pointsEarned = 0;
  for (const entry of earnForOrder({ orderId: String(order.id), paidFen, paidAt }, multiplier, pointsConfig)) {
    const credit = await creditPoints(tx, {
      memberId: order.memberId,
      kind: 'earn',
      points: entry.points,
      idempotencyKey: `earn:order:${order.id}`,
      earnedAt: paidAt,
      expiresAt: entry.expiresAt,
      orderId: order.id,
    });
    if (credit) pointsEarned += entry.points;
  }

  const [before] = await execute<{ orders_total: number }>(
    tx,
    sql`insert into member_metrics as m (member_id, orders_total, frequency_365, spend_total_fen, monetary_365_fen,
                                         first_order_at, last_order_at, updated_at)
        values (${order.memberId}, 1, 1, ${paidFen}, ${paidFen}, ${paidAt}, ${paidAt}, ${now})
        on conflict (member_id) do update set
          orders_total = m.orders_total + 1,
          frequency_365 = m.frequency_365 + 1,
          spend_total_fen = m.spend_total_fen + ${paidFen},
          monetary_365_fen = m.monetary_365_fen + ${paidFen},
          first_order_at = least(coalesce(m.first_order_at, ${paidAt}), ${paidAt}),
          last_order_at = greatest(coalesce(m.last_order_at, ${paidAt}), ${paidAt}),
          mean_gap_days = case when m.orders_total >= 1 then
            extract(epoch from (greatest(coalesce(m.last_order_at, ${paidAt}), ${paidAt})
                                - least(coalesce(m.first_order_at, ${paidAt}), ${paidAt}))) / 86400.0 / m.orders_total
            end,
          updated_at = ${now}
        returning orders_total - 1 as orders_total`,
  );
  const firstPurchase = (before?.orders_total ?? 0) === 0;
  await updateMemberDerived(tx, order.memberId, now, { counted: [order.id] });
  const growthFen = await refreshGrowthValue(tx, order.memberId, now, tierConfig);

  const decision = evaluateTier({ tier: tierBefore, keepUntil: member.tierKeepUntil }, growthFen, now, tierConfig);
  const tierChanged = decision.changed === 'up';
  if (tierChanged) {
    await tx.execute(
      sql`update members set tier = ${decision.tier}, tier_since = ${now}, tier_keep_until = ${decision.keepUntil},
                             updated_at = ${now}
          where id = ${order.memberId}`,
    );
    await tx.execute(
      sql`insert into tier_history (member_id, from_tier, to_tier, reason, growth_value_fen, order_id, config_version, at)
          values (${order.memberId}, ${tierBefore}, ${decision.tier}, 'upgrade', ${growthFen}, ${order.id},
                  ${tierVersion}, ${now})`,
    );
    await enqueueTrigger(tx, order.memberId, 'tier_up', `${decision.tier}:order:${order.id}`, now, {
      fromTier: tierBefore,
      toTier: decision.tier,
      orderId: order.id,
    });
  }
  if (firstPurchase) {
    await enqueueTrigger(tx, order.memberId, 'first_purchase', 'first', now, { orderId: order.id, paidFen });
  }
  return { pointsEarned, tier: tierChanged ? decision.tier : tierBefore, tierChanged, firstPurchase };
}

/**
 * Recomputes growth value (paid minus refunded over the trailing window) with one SQL sum and stores it.
 * Exported for the refund flow, which lowers growth but never the tier.
 */
export async function refreshGrowthValue(tx: Tx, memberId: number, now: Date, tierConfig: TierConfig): Promise<number> {
  const statuses = sql.raw(PAID_ORDER_STATUSES.map((status) => `'${status}'`).join(', '));
  const [row] = await execute<{ growth: number }>(
    tx,
    sql`update member_metrics set growth_value_fen = coalesce((
          select sum(paid_fen - refunded_fen) from orders
          where member_id = ${memberId} and status in (${statuses}) and paid_at >= ${growthWindowStart(now, tierConfig)}
        ), 0)::int8, updated_at = ${now}
        where member_id = ${memberId}
        returning growth_value_fen as growth`,
  );
  return row?.growth ?? 0;
}

async function enqueueTrigger(
  tx: Tx,
  memberId: number,
  kind: 'first_purchase' | 'tier_up',
  dedupeKey: string,
  at: Date,
  payload: Record<string, unknown>,
): Promise<void> {
  await tx.execute(
    sql`insert into member_triggers (member_id, kind, dedupe_key, payload, occurred_at)
        values (${memberId}, ${kind}, ${dedupeKey}, ${JSON.stringify(payload)}::jsonb, ${at})
        on conflict on constraint member_triggers_once_key do nothing`,
  );
}
