import { z } from 'zod';
import { JsonInput, text } from './common';
import { segmentRuleSchema } from '../rules';
import { LIFECYCLE_STAGES } from '../vocabulary';

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const isoTime = z.iso.datetime();

export const CAMPAIGN_KIND_CODES = ['broadcast', 'recurring', 'triggered', 'journey'] as const;
export type CampaignKindCode = (typeof CAMPAIGN_KIND_CODES)[number];
export const CAMPAIGN_KIND_LABELS: Record<CampaignKindCode, string> = {
  broadcast: '单次群发',
  recurring: '周期发送',
  triggered: '事件触发',
  journey: '多步旅程',
};

export const CAMPAIGN_STATUS_CODES = ['draft', 'scheduled', 'running', 'paused', 'finished'] as const;
export type CampaignStatusCode = (typeof CAMPAIGN_STATUS_CODES)[number];
export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatusCode, string> = {
  draft: '草稿',
  scheduled: '已排期',
  running: '进行中',
  paused: '已暂停',
  finished: '已结束',
};

export const CAMPAIGN_TRIGGER_KINDS = [
  'registered',
  'first_purchase',
  'tier_up',
  'tier_down',
  'birthday',
  'points_expiring',
  'entered_lifecycle',
  'entered_segment',
  'cart_abandoned',
  'p_alive_below',
] as const;
export type CampaignTriggerKind = (typeof CAMPAIGN_TRIGGER_KINDS)[number];
export const CAMPAIGN_TRIGGER_LABELS: Record<CampaignTriggerKind, string> = {
  registered: '注册成为会员',
  first_purchase: '首次购买',
  tier_up: '会员升级',
  tier_down: '会员降级',
  birthday: '会员生日',
  points_expiring: '积分即将过期',
  entered_lifecycle: '进入生命周期阶段',
  entered_segment: '进入人群',
  cart_abandoned: '加购未下单',
  p_alive_below: '活跃概率低于阈值',
};

/** What starts a triggered campaign; the extra field each kind needs is checked by refinement. */
export const CampaignTrigger = z
  .object({
    kind: z.enum(CAMPAIGN_TRIGGER_KINDS),
    /** points_expiring: days before expiry. */
    days: z.number().int().min(1).max(90).optional(),
    /** cart_abandoned: hours since the last add-to-cart without an order. */
    hours: z.number().int().min(1).max(720).optional(),
    /** entered_lifecycle. */
    stage: z.enum(LIFECYCLE_STAGES).optional(),
    /** entered_segment. */
    segmentId: positiveId.optional(),
    /** p_alive_below: 0 < bound < 1. */
    below: z.number().gt(0).lt(1).optional(),
    /**
     * birthday: only members whose tier grants the birthday coupon (`benefits.birthdayCoupon` in the tier rules in
     * force on the day), as the built-in 生日礼券 campaign does.
     */
    tierBenefitOnly: z.boolean().optional(),
  })
  .superRefine((trigger, ctx) => {
    const need = (field: 'days' | 'hours' | 'stage' | 'segmentId' | 'below', kind: CampaignTriggerKind) => {
      if (trigger.kind === kind && trigger[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${kind} 触发需要填写 ${field}` });
      }
    };
    need('days', 'points_expiring');
    need('hours', 'cart_abandoned');
    need('stage', 'entered_lifecycle');
    need('segmentId', 'entered_segment');
    need('below', 'p_alive_below');
    if (trigger.tierBenefitOnly !== undefined && trigger.kind !== 'birthday') {
      ctx.addIssue({ code: 'custom', path: ['tierBenefitOnly'], message: '只有生日触发可以按会员等级权益筛选' });
    }
  });
export type CampaignTrigger = z.infer<typeof CampaignTrigger>;

/**
 * Variables a subscribe-message field may use as `{{name}}`; each resolves per member when the message is sent.
 * coupon.* is the latest coupon this campaign issued to the member, order.* their latest paid order, points.* the
 * points expiring within 30 days and the earliest expiry date.
 */
export const MESSAGE_VARIABLES = [
  'member.nickname',
  'member.tier',
  'member.points',
  'points.expiring',
  'points.expiresAt',
  'coupon.name',
  'coupon.amount',
  'coupon.validTo',
  'order.no',
  'order.amount',
  'order.paidAt',
  'campaign.name',
  'today',
] as const;
export type MessageVariable = (typeof MESSAGE_VARIABLES)[number];

const pagePath = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9_\-/]+(\?[A-Za-z0-9_\-=&%.]*)?$/, 'a mini-program page path such as pages/coupons/index');

export const CampaignAction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe_message'),
    templateId: text(128, { trim: false }),
    /** Template field key → text with `{{variable}}` placeholders, e.g. `{ thing1: '{{coupon.name}}已到账' }`. */
    data: z.record(text(64, { trim: false }), text(200, { min: 0, trim: false })),
    page: pagePath.optional(),
  }),
  z.object({ type: z.literal('coupon'), couponTemplateId: positiveId }),
  z.object({
    type: z.literal('points'),
    points: z.number().int().min(1).max(100_000),
    note: text(60, { min: 0, trim: false }).optional(),
  }),
  z.object({ type: z.literal('tag'), tag: text(20) }),
  z.object({
    type: z.literal('followup_task'),
    title: text(60),
    dueInDays: z.number().int().min(0).max(30).default(2),
  }),
]);
export type CampaignAction = z.infer<typeof CampaignAction>;
export type CampaignActionType = CampaignAction['type'];

/** When a journey step runs after the previous one: `not_bought` exits members who bought since entering. */
export const STEP_CONDITIONS = ['always', 'not_bought', 'opened', 'not_opened'] as const;
export type StepCondition = (typeof STEP_CONDITIONS)[number];

export const CampaignStepInput = z.object({
  /** Days after the previous step (the entry for the first); 0 = together with it. */
  waitDays: z.number().int().min(0).max(180).default(0),
  condition: z.enum(STEP_CONDITIONS).default('always'),
  action: CampaignAction,
});
export type CampaignStepInput = z.infer<typeof CampaignStepInput>;

const cronExpression = text(100).regex(/^(\S+\s+){4}\S+$/, 'five cron fields: minute hour day month weekday (Asia/Shanghai)');

export const CampaignInput = z
  .object({
    name: text(60),
    kind: z.enum(CAMPAIGN_KIND_CODES),
    description: text(500, { min: 0, trim: false }).optional(),
    /** Audience: a saved segment, or an inline rule (segment rule language); neither = every member. */
    segmentId: positiveId.nullable().optional(),
    rule: segmentRuleSchema.nullable().optional(),
    trigger: CampaignTrigger.nullable().optional(),
    /** recurring and journey: when the audience is (re)selected, cron in Asia/Shanghai. */
    cron: cronExpression.nullable().optional(),
    /** Share held out for measurement in basis points; 1000 = 10 %. */
    holdoutRatioBp: z.number().int().min(0).max(5000).default(1000),
    attributionDays: z.number().int().min(1).max(60).default(7),
    /** Face value of coupons this campaign may issue in total, in fen; null = no budget. */
    budgetFen: z.number().int().min(0).max(100_000_000_000).nullable().optional(),
    /** Members contacted by any campaign within this many days are left out of the audience (0 = no rule). */
    excludeContactedDays: z.number().int().min(0).max(365).default(0),
    startsAt: isoTime.nullable().optional(),
    endsAt: isoTime.nullable().optional(),
    steps: z.array(CampaignStepInput).min(1).max(20),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'triggered' && !input.trigger) {
      ctx.addIssue({ code: 'custom', path: ['trigger'], message: '事件触发活动必须选择触发条件' });
    }
    if (input.kind !== 'triggered' && input.trigger) {
      ctx.addIssue({ code: 'custom', path: ['trigger'], message: '只有事件触发活动可以设置触发条件' });
    }
    if ((input.kind === 'recurring' || input.kind === 'journey') && !input.cron) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: '周期活动和旅程必须设置执行时间 (cron)' });
    }
    if (input.segmentId && input.rule) {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: '人群只能选择已保存人群或自定义规则之一' });
    }
    if (input.startsAt && input.endsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt)) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: '结束时间必须晚于开始时间' });
    }
    if (input.kind !== 'journey') {
      input.steps.forEach((step, index) => {
        if (step.waitDays > 0 || step.condition !== 'always') {
          ctx.addIssue({ code: 'custom', path: ['steps', index, 'waitDays'], message: '只有多步旅程的步骤可以等待或分支' });
        }
      });
    }
  });
export type CampaignInput = z.infer<typeof CampaignInput>;

export const CampaignStepView = z.object({
  id: z.number().int(),
  position: z.number().int(),
  waitDays: z.number().int(),
  condition: z.enum(STEP_CONDITIONS),
  action: CampaignAction,
});
export type CampaignStepView = z.infer<typeof CampaignStepView>;

export const CampaignView = z
  .object({
    id: z.number().int(),
    builtinCode: z.string().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    kind: z.enum(CAMPAIGN_KIND_CODES),
    status: z.enum(CAMPAIGN_STATUS_CODES),
    segmentId: z.number().int().nullable(),
    rule: JsonInput.nullable(),
    trigger: CampaignTrigger.nullable(),
    cron: z.string().nullable(),
    holdoutRatioBp: z.number().int(),
    attributionDays: z.number().int(),
    budgetFen: z.number().int().nullable(),
    committedFen: z.number().int(),
    excludeContactedDays: z.number().int(),
    startsAt: isoTime.nullable(),
    endsAt: isoTime.nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    steps: z.array(CampaignStepView),
  })
  .meta({ id: 'CampaignView' });
export type CampaignView = z.infer<typeof CampaignView>;

export const CampaignListQuery = z.object({
  status: z.enum(CAMPAIGN_STATUS_CODES).optional(),
  kind: z.enum(CAMPAIGN_KIND_CODES).optional(),
});
export const CampaignListResponse = z
  .object({
    items: z.array(
      CampaignView.omit({ steps: true }).extend({
        stepCount: z.number().int(),
        sent: z.number().int().meta({ description: 'Deliveries sent so far' }),
      }),
    ),
  })
  .meta({ id: 'CampaignListResponse' });
export type CampaignListResponse = z.infer<typeof CampaignListResponse>;

export const CampaignIdParams = z.object({ id: z.coerce.number().pipe(positiveId) });

/** Lifecycle moves: draft → scheduled/running; running ↔ paused; anything but draft → finished. */
export const CAMPAIGN_TRANSITIONS = ['schedule', 'start', 'pause', 'resume', 'finish'] as const;
export type CampaignTransition = (typeof CAMPAIGN_TRANSITIONS)[number];
export const CampaignTransitionRequest = z.object({ action: z.enum(CAMPAIGN_TRANSITIONS) });

export const GUARD_OUTCOMES = [
  'holdout',
  'do_not_contact',
  'no_consent',
  'frequency_cap',
  'quiet_hours',
  'past_deadline',
  'out_of_stock',
  'budget_exhausted',
  'no_rep',
  'invalid_data',
  'user_refused',
  'interrupted',
  'no_answer',
  'campaign_stopped',
] as const;
export type GuardOutcome = (typeof GUARD_OUTCOMES)[number];
/** Why a delivery was not sent, as operators read it. */
export const GUARD_OUTCOME_LABELS: Record<GuardOutcome, string> = {
  holdout: '对照组',
  do_not_contact: '勿扰',
  no_consent: '未授权订阅',
  frequency_cap: '频次限制',
  quiet_hours: '免打扰时段',
  past_deadline: '已过时效',
  out_of_stock: '券库存不足',
  budget_exhausted: '预算用尽',
  no_rep: '无跟进销售',
  invalid_data: '消息内容不合规',
  user_refused: '用户拒收',
  interrupted: '发送中断',
  no_answer: '微信未应答',
  campaign_stopped: '活动已结束',
};

export const CampaignPreviewResponse = z
  .object({
    audience: z.number().int(),
    holdout: z.number().int(),
    treated: z.number().int(),
    sample: z.array(
      z.object({ memberId: z.number().int(), nickname: z.string().nullable(), tier: z.string(), holdout: z.boolean() }),
    ),
    /** For the first step's message: treated members each guard would stop (or hold, for quiet_hours/frequency_cap). */
    blocked: z.object({
      do_not_contact: z.number().int(),
      no_consent: z.number().int(),
      frequency_cap: z.number().int(),
      quiet_hours: z.number().int(),
    }),
    couponStockShort: z.boolean().meta({ description: 'True when a coupon step cannot cover the treated audience' }),
  })
  .meta({ id: 'CampaignPreviewResponse' });
export type CampaignPreviewResponse = z.infer<typeof CampaignPreviewResponse>;

const DeliveryCounts = z.object({
  total: z.number().int(),
  sent: z.number().int(),
  pending: z.number().int(),
  deferred: z.number().int(),
  failed: z.number().int(),
  unknown: z.number().int().meta({
    description:
      'Messages handed to WeChat whose answer was never recorded (the worker died mid-send): maybe delivered, never re-sent, consent credit used',
  }),
  skipped: z.record(z.string(), z.number().int()).meta({ description: 'Skipped deliveries by reason' }),
});

const GroupOutcome = z.object({
  members: z.number().int(),
  converted: z.number().int(),
  conversionRate: z.number(),
  orders: z.number().int(),
  revenueFen: z.number().int(),
});

export const CampaignReportResponse = z
  .object({
    campaignId: z.number().int(),
    asOf: isoTime,
    attributionDays: z.number().int(),
    audience: z.number().int(),
    holdout: z.number().int(),
    deliveries: DeliveryCounts,
    steps: z.array(DeliveryCounts.extend({ stepId: z.number().int(), position: z.number().int(), channel: z.string() })),
    coupons: z.object({ issued: z.number().int(), redeemed: z.number().int(), costFen: z.number().int() }),
    treated: GroupOutcome,
    control: GroupOutcome,
    uplift: z.object({
      absolute: z.number().nullable().meta({ description: 'Treated minus holdout conversion rate' }),
      low: z.number().nullable(),
      high: z.number().nullable(),
      significant: z.boolean(),
    }),
    incrementalRevenueFen: z.number().int().nullable(),
  })
  .meta({ id: 'CampaignReportResponse' });
export type CampaignReportResponse = z.infer<typeof CampaignReportResponse>;

export const CampaignDeleteResponse = z.object({ deleted: z.literal(true) });
