import { CampaignInput, type TierCode } from '@member-ops/shared';
import type { Tx } from '../../db';
import { campaignSteps, campaigns } from '../../db/schema';
import { campaignColumns, stepColumns } from './campaigns.repo';

/** Coupon templates and message templates the built-in campaigns use; any missing one leaves its step out. */
export interface BuiltinResources {
  wakeUpCoupon?: number;
  wakeUpStrongerCoupon?: number;
  welcomeCoupon?: number;
  birthdayCoupon?: number;
  tierGiftCoupons?: Partial<Record<TierCode, number>>;
  couponMessageTemplate?: string;
  pointsMessageTemplate?: string;
  tierMessageTemplate?: string;
  activityMessageTemplate?: string;
}

export interface BuiltinCampaign {
  code: string;
  /** Enabled (running) when installed; the others wait as drafts for the operator. */
  enabled: boolean;
  input: CampaignInput;
}

const couponMessage = (templateId: string | undefined, tip: string) =>
  templateId
    ? [
        {
          waitDays: 0,
          condition: 'always' as const,
          action: {
            type: 'subscribe_message' as const,
            templateId,
            data: { thing1: '{{coupon.name}}', amount2: '{{coupon.amount}}', date3: '{{coupon.validTo}}', thing4: tip },
            page: 'pages/coupons/index',
          },
        },
      ]
    : [];

const coupon = (id: number | undefined, waitDays = 0, condition: 'always' | 'not_bought' = 'always') =>
  id ? [{ waitDays, condition, action: { type: 'coupon' as const, couponTemplateId: id } }] : [];

const base = { holdoutRatioBp: 1000, attributionDays: 7, excludeContactedDays: 0 };

/**
 * The built-in campaigns: the 沉睡唤醒 wake-up journey (daily 10:00: silent or sleeping members, or P(alive)
 * below 0.3, not contacted in 30 days; a coupon and its message; 7 days later without an order a stronger
 * coupon; 7 more days a call task for their rep with the tier's talk-track), and welcome, first-purchase thanks,
 * tier-up congratulations with the upgrade gift, birthday coupon and points-expiring reminder.
 */
export function builtinCampaigns(r: BuiltinResources): BuiltinCampaign[] {
  const list: BuiltinCampaign[] = [
    {
      code: 'wake_up',
      enabled: true,
      input: {
        ...base,
        name: '沉睡唤醒',
        description: '沉默/沉睡会员或存活概率低于 0.3 且 30 天内未被联系：发券+消息，7 天未下单加码，再 7 天由专属销售电话回访',
        kind: 'journey',
        cron: '0 10 * * *',
        excludeContactedDays: 30,
        rule: {
          any: [
            { field: 'lifecycle', op: 'in', value: ['silent', 'sleeping'] },
            { field: 'pAlive', op: 'lt', value: 0.3 },
          ],
        },
        steps: [
          ...coupon(r.wakeUpCoupon),
          ...couponMessage(r.couponMessageTemplate, '好久不见，专属回归礼已到账'),
          ...coupon(r.wakeUpStrongerCoupon, 7, 'not_bought'),
          {
            waitDays: 7,
            condition: 'not_bought',
            action: { type: 'followup_task', title: '沉睡会员回访', dueInDays: 2 },
          },
        ],
      },
    },
    {
      code: 'welcome',
      enabled: false,
      input: {
        ...base,
        name: '新会员欢迎礼',
        kind: 'triggered',
        trigger: { kind: 'registered' },
        steps: [...coupon(r.welcomeCoupon), ...couponMessage(r.couponMessageTemplate, '欢迎加入会员，新人礼券已到账')],
      },
    },
    {
      code: 'first_purchase_thanks',
      enabled: false,
      input: {
        ...base,
        name: '首单感谢',
        kind: 'triggered',
        trigger: { kind: 'first_purchase' },
        steps: [
          { waitDays: 0, condition: 'always', action: { type: 'points', points: 50, note: '首单感谢' } },
          ...(r.activityMessageTemplate
            ? [
                {
                  waitDays: 0,
                  condition: 'always' as const,
                  action: {
                    type: 'subscribe_message' as const,
                    templateId: r.activityMessageTemplate,
                    data: { thing1: '感谢您的首次购买', date2: '{{order.paidAt}}', thing3: '已赠送50积分，欢迎再次光临' },
                  },
                },
              ]
            : []),
        ],
      },
    },
    ...(['silver', 'gold', 'diamond'] as const).map((tier) => ({
      code: `tier_up_${tier}`,
      enabled: false,
      input: {
        ...base,
        name: `升级祝贺（${{ silver: '银卡', gold: '金卡', diamond: '钻石' }[tier]}）`,
        kind: 'triggered' as const,
        trigger: { kind: 'tier_up' as const },
        rule: { field: 'tier', op: 'eq' as const, value: tier },
        steps: [
          ...coupon(r.tierGiftCoupons?.[tier]),
          ...(r.tierMessageTemplate
            ? [
                {
                  waitDays: 0,
                  condition: 'always' as const,
                  action: {
                    type: 'subscribe_message' as const,
                    templateId: r.tierMessageTemplate,
                    data: { phrase1: '{{member.tier}}', date2: '{{today}}', thing3: '升级礼券已到账' },
                  },
                },
              ]
            : []),
        ],
      },
    })),
    {
      code: 'birthday',
      enabled: false,
      input: {
        ...base,
        name: '生日礼券',
        kind: 'triggered',
        // The coupon is a tier benefit: members whose tier does not grant it are not enrolled.
        trigger: { kind: 'birthday', tierBenefitOnly: true },
        steps: [...coupon(r.birthdayCoupon), ...couponMessage(r.couponMessageTemplate, '生日快乐！生日礼券已到账')],
      },
    },
    {
      code: 'points_expiring',
      enabled: false,
      input: {
        ...base,
        name: '积分到期提醒',
        kind: 'triggered',
        trigger: { kind: 'points_expiring', days: 30 },
        steps: r.pointsMessageTemplate
          ? [
              {
                waitDays: 0,
                condition: 'always',
                action: {
                  type: 'subscribe_message',
                  templateId: r.pointsMessageTemplate,
                  data: {
                    number1: '{{points.expiring}}',
                    date2: '{{points.expiresAt}}',
                    number3: '{{member.points}}',
                    thing4: '积分即将过期，快去兑换好礼',
                  },
                  page: 'pages/points/index',
                },
              },
            ]
          : [],
      },
    },
  ];
  return list.filter((campaign) => campaign.input.steps.length > 0).map((c) => ({ ...c, input: CampaignInput.parse(c.input) }));
}

/** Installs the built-in campaigns that are not there yet (by code); returns how many were added. */
export async function installBuiltinCampaigns(tx: Tx, resources: BuiltinResources, now: Date): Promise<number> {
  let added = 0;
  for (const builtin of builtinCampaigns(resources)) {
    const [row] = await tx
      .insert(campaigns)
      .values({
        ...campaignColumns(builtin.input, now),
        builtinCode: builtin.code,
        status: builtin.enabled ? 'running' : 'draft',
        startsAt: builtin.enabled ? now : null,
        createdAt: now,
      })
      .onConflictDoNothing({ target: campaigns.builtinCode })
      .returning({ id: campaigns.id });
    if (!row) continue;
    await tx
      .insert(campaignSteps)
      .values(builtin.input.steps.map((step, position) => ({ campaignId: row.id, position, ...stepColumns(step) })));
    added++;
  }
  return added;
}

export const BUILTIN_CAMPAIGNS = [
  'wake_up',
  'welcome',
  'first_purchase_thanks',
  'tier_up_silver',
  'tier_up_gold',
  'tier_up_diamond',
  'birthday',
  'points_expiring',
] as const;
