import { eq, inArray } from 'drizzle-orm';
import {
  MESSAGE_VARIABLES,
  messageVariablesOf,
  parseCron,
  renderMessageData,
  validateSubscribeData,
  type CampaignInput,
} from '@member-ops/shared';
import type { Executor } from '../../db';
import { couponTemplates, segments, subscribeTemplates } from '../../db/schema';
import { AppError, type FieldProblem } from '../../errors';

/** Values as long as real ones get, to check a mapping against WeChat's field rules before anything is sent. */
const SAMPLE_VALUES: Record<string, string> = {
  'member.nickname': '会员小明',
  'member.tier': '钻石',
  'member.points': '12800',
  'points.expiring': '3200',
  'points.expiresAt': '2026-12-31',
  'coupon.name': '满100减20',
  'coupon.amount': '¥20.00',
  'coupon.validTo': '2026-12-31',
  'order.no': 'MO2026123100001',
  'order.amount': '¥199.00',
  'order.paidAt': '2026-12-31 10:00',
  'campaign.name': '会员活动',
  today: '2026-12-31',
};

async function checkMessageSteps(executor: Executor, input: CampaignInput, problems: FieldProblem[]): Promise<void> {
  const ids = input.steps.flatMap((step) => (step.action.type === 'subscribe_message' ? [step.action.templateId] : []));
  if (ids.length === 0) return;
  const templates = await executor.select().from(subscribeTemplates).where(inArray(subscribeTemplates.templateId, ids));
  input.steps.forEach((step, index) => {
    const action = step.action;
    if (action.type !== 'subscribe_message') return;
    const at = `body.steps.${index}.action`;
    const template = templates.find((row) => row.templateId === action.templateId);
    if (!template || !template.active) {
      problems.push({ field: `${at}.templateId`, message: `未知或已停用的订阅消息模板 ${action.templateId}` });
      return;
    }
    if (Object.keys(action.data).length === 0) {
      problems.push({ field: `${at}.data`, message: '消息内容不能为空：请为模板的每个字段填写内容' });
      return;
    }
    const couponBefore = input.steps.slice(0, index).some((earlier) => earlier.action.type === 'coupon');
    for (const [key, text] of Object.entries(action.data)) {
      for (const name of messageVariablesOf(text)) {
        if (!(MESSAGE_VARIABLES as readonly string[]).includes(name)) {
          problems.push({ field: `${at}.data.${key}`, message: `未知变量 {{${name}}}` });
        } else if (name.startsWith('coupon.') && !couponBefore) {
          problems.push({ field: `${at}.data.${key}`, message: `{{${name}}} 需要在此消息之前有一个发券步骤` });
        }
      }
    }
    const fieldKeys = template.fields.map((field) => field.key);
    const rendered = renderMessageData(action.data, { ...SAMPLE_VALUES, 'campaign.name': input.name });
    for (const problem of validateSubscribeData(fieldKeys, rendered)) {
      problems.push({ field: `${at}.data.${problem.key}`, message: problem.message });
    }
  });
}

async function checkCouponSteps(executor: Executor, input: CampaignInput, problems: FieldProblem[], now: Date): Promise<void> {
  const ids = input.steps.flatMap((step) => (step.action.type === 'coupon' ? [step.action.couponTemplateId] : []));
  if (ids.length === 0) return;
  const templates = await executor.select().from(couponTemplates).where(inArray(couponTemplates.id, ids));
  input.steps.forEach((step, index) => {
    const action = step.action;
    if (action.type !== 'coupon') return;
    const field = `body.steps.${index}.action.couponTemplateId`;
    const template = templates.find((row) => row.id === action.couponTemplateId);
    if (!template) problems.push({ field, message: `优惠券模板 ${action.couponTemplateId} 不存在` });
    else if (template.status !== 'active') problems.push({ field, message: `优惠券「${template.name}」未启用` });
    else if (template.validityKind === 'fixed' && template.validTo && template.validTo.getTime() <= now.getTime()) {
      problems.push({ field, message: `优惠券「${template.name}」已过期` });
    } else if (template.totalStock !== null && template.issuedCount >= template.totalStock) {
      problems.push({ field, message: `优惠券「${template.name}」库存已用完` });
    }
  });
}

async function checkSegment(executor: Executor, id: number | null | undefined, field: string, problems: FieldProblem[]) {
  if (!id) return;
  const [segment] = await executor.select({ archivedAt: segments.archivedAt }).from(segments).where(eq(segments.id, id));
  if (!segment || segment.archivedAt) problems.push({ field, message: `人群 ${id} 不存在或已归档` });
}

/**
 * Refuses (400, naming each field) a campaign that cannot work: unknown or inactive message templates, an empty
 * or invalid data mapping, a coupon that is missing, inactive, expired or out of stock, an unknown segment or a
 * malformed cron expression.
 */
export async function assertCampaignWorkable(executor: Executor, input: CampaignInput, now: Date): Promise<void> {
  const problems: FieldProblem[] = [];
  if (input.cron && !parseCron(input.cron)) problems.push({ field: 'body.cron', message: 'cron 表达式无效' });
  await checkSegment(executor, input.segmentId, 'body.segmentId', problems);
  await checkSegment(executor, input.trigger?.segmentId, 'body.trigger.segmentId', problems);
  await checkMessageSteps(executor, input, problems);
  await checkCouponSteps(executor, input, problems, now);
  const first = problems[0];
  if (first) throw new AppError('VALIDATION_FAILED', `活动无法执行 — ${first.field}: ${first.message}`, problems);
}
