import { sql } from 'drizzle-orm';
import type { TierCode } from '@member-ops/shared';
import { execute, type Tx } from '../../../server/src/db';
import { installBuiltinCampaigns } from '../../../server/src/modules/campaigns';
import { COUPON_TEMPLATE_SPECS, SUBSCRIBE_TEMPLATE_SPECS } from './data/marketing-data';

const TIER_GIFT_PREFIX: Record<Exclude<TierCode, 'normal'>, string> = { silver: '银卡', gold: '金卡', diamond: '钻石' };

/**
 * Installs the built-in campaigns against the demo catalogue's coupons and message templates: the 沉睡唤醒
 * wake-up journey running, the others as drafts the operator can edit and start.
 */
export async function seedBuiltinCampaigns(tx: Tx, now: Date): Promise<number> {
  const rows = await execute<{ id: number; name: string }>(tx, sql`select id, name from coupon_templates`);
  const idOf = (name: string | undefined) => rows.find((row) => row.name === name)?.id;
  const named = (use: string) => COUPON_TEMPLATE_SPECS.filter((spec) => spec.use === use).map((spec) => spec.name);
  const [wakeUpStronger, wakeUp] = named('campaign');
  const tierGift = (tier: Exclude<TierCode, 'normal'>) =>
    idOf(named('tier_gift').find((name) => name.startsWith(TIER_GIFT_PREFIX[tier])));
  const template = (purpose: string) => SUBSCRIBE_TEMPLATE_SPECS.find((spec) => spec.purpose === purpose)?.templateId;
  return installBuiltinCampaigns(
    tx,
    {
      wakeUpCoupon: idOf(wakeUp),
      wakeUpStrongerCoupon: idOf(wakeUpStronger),
      welcomeCoupon: idOf(named('welcome')[0]),
      birthdayCoupon: idOf(named('birthday')[0]),
      tierGiftCoupons: { silver: tierGift('silver'), gold: tierGift('gold'), diamond: tierGift('diamond') },
      couponMessageTemplate: template('coupon_arrived'),
      pointsMessageTemplate: template('points_expiring'),
      tierMessageTemplate: template('tier_upgraded'),
      activityMessageTemplate: template('activity_reminder'),
    },
    now,
  );
}
