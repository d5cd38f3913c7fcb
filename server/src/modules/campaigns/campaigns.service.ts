import { and, eq, sql } from 'drizzle-orm';
import type { CampaignInput, CampaignListResponse, CampaignTransition, CampaignView } from '@member-ops/shared';
import { execute, withTransaction, type Executor, type Tx } from '../../db';
import { campaignEnrollments, campaignSteps, campaigns, deliveries, type CampaignStatus } from '../../db/schema';
import { AppError } from '../../errors';
import type { ServerContext } from '../../server';
import { assertCampaignWorkable } from './campaign-validation';
import { IN_FLIGHT } from './guard-facts';
import { campaignColumns, campaignView, loadCampaign, stepColumns, type LoadedCampaign } from './campaigns.repo';

async function mustLoad(executor: Executor, id: number): Promise<LoadedCampaign> {
  const loaded = await loadCampaign(executor, id);
  if (!loaded) throw new AppError('NOT_FOUND', `活动 ${id} 不存在`);
  return loaded;
}

async function lockCampaign(tx: Tx, id: number): Promise<void> {
  await tx.execute(sql`select id from campaigns where id = ${id} for update`);
}

export async function getCampaign(context: ServerContext, id: number): Promise<CampaignView> {
  return campaignView(await mustLoad(context.database.db, id));
}

export async function listCampaigns(
  context: ServerContext,
  filter: { status?: CampaignStatus | undefined; kind?: CampaignView['kind'] | undefined },
): Promise<CampaignListResponse> {
  const rows = await context.database.db
    .select()
    .from(campaigns)
    .where(
      and(
        filter.status ? eq(campaigns.status, filter.status) : undefined,
        filter.kind ? eq(campaigns.kind, filter.kind) : undefined,
      ),
    )
    .orderBy(sql`${campaigns.id} desc`);
  const counts = await execute<{ campaign_id: number; steps: number; sent: number }>(
    context.database.db,
    sql`select c.id as campaign_id,
               (select count(*)::int from campaign_steps s where s.campaign_id = c.id) as steps,
               (select count(*)::int from deliveries d where d.campaign_id = c.id and d.status = 'sent') as sent
        from campaigns c`,
  );
  return {
    items: rows.map((campaign) => {
      const { steps: _steps, ...view } = campaignView({ campaign, steps: [] });
      const count = counts.find((row) => row.campaign_id === campaign.id);
      return { ...view, stepCount: count?.steps ?? 0, sent: count?.sent ?? 0 };
    }),
  };
}

/** A new campaign, always a draft; validated against the shop's templates, coupons and segments. */
export async function createCampaign(
  context: ServerContext,
  input: CampaignInput,
  staffId: number | null,
): Promise<CampaignView> {
  const now = context.clock();
  return withTransaction(context.database, async (tx) => {
    await assertCampaignWorkable(tx, input, now);
    const [row] = await tx
      .insert(campaigns)
      .values({ ...campaignColumns(input, now), status: 'draft', createdBy: staffId, createdAt: now })
      .returning({ id: campaigns.id });
    if (!row) throw new Error('campaign insert returned nothing');
    await tx
      .insert(campaignSteps)
      .values(input.steps.map((step, position) => ({ campaignId: row.id, position, ...stepColumns(step) })));
    return campaignView(await mustLoad(tx, row.id));
  });
}

/**
 * Replaces a campaign's definition. A finished campaign is frozen; once deliveries exist the steps keep their
 * identity (the outbox and the report refer to them), so only their content may change, not their number.
 */
export async function updateCampaign(context: ServerContext, id: number, input: CampaignInput): Promise<CampaignView> {
  const now = context.clock();
  return withTransaction(context.database, async (tx) => {
    await lockCampaign(tx, id);
    const { campaign, steps } = await mustLoad(tx, id);
    if (campaign.status === 'finished') throw new AppError('CONFLICT', '已结束的活动不能修改');
    if (campaign.status === 'running') throw new AppError('CONFLICT', '进行中的活动请先暂停再修改');
    if (input.kind !== campaign.kind && campaign.status !== 'draft') throw new AppError('CONFLICT', '已启动过的活动不能更改类型');
    await assertCampaignWorkable(tx, input, now);
    await tx.update(campaigns).set(campaignColumns(input, now)).where(eq(campaigns.id, id));
    const [used] = await execute<{ used: boolean }>(
      tx,
      sql`select exists (select 1 from deliveries where campaign_id = ${id}) as used`,
    );
    if (used?.used) {
      if (input.steps.length !== steps.length) {
        throw new AppError('CONFLICT', '活动已有发送记录，只能修改步骤内容，不能增减步骤', [
          { field: 'body.steps', message: `必须保持 ${steps.length} 个步骤` },
        ]);
      }
      for (const [position, step] of input.steps.entries()) {
        await tx
          .update(campaignSteps)
          .set(stepColumns(step))
          .where(and(eq(campaignSteps.campaignId, id), eq(campaignSteps.position, position)));
      }
    } else {
      await tx.delete(campaignSteps).where(eq(campaignSteps.campaignId, id));
      await tx
        .insert(campaignSteps)
        .values(input.steps.map((step, position) => ({ campaignId: id, position, ...stepColumns(step) })));
    }
    return campaignView(await mustLoad(tx, id));
  });
}

export async function deleteCampaign(context: ServerContext, id: number): Promise<{ deleted: true }> {
  return withTransaction(context.database, async (tx) => {
    await lockCampaign(tx, id);
    const { campaign } = await mustLoad(tx, id);
    if (campaign.status !== 'draft' || campaign.builtinCode) throw new AppError('CONFLICT', '只能删除未启动的自建草稿活动');
    await tx.delete(campaignSteps).where(eq(campaignSteps.campaignId, id));
    await tx.delete(campaigns).where(eq(campaigns.id, id));
    return { deleted: true as const };
  });
}

const MOVES: Record<CampaignTransition, { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  schedule: { from: ['draft'], to: 'scheduled' },
  start: { from: ['draft', 'scheduled'], to: 'running' },
  pause: { from: ['running', 'scheduled'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  finish: { from: ['scheduled', 'running', 'paused'], to: 'finished' },
};

/**
 * Moves a campaign along draft → scheduled → running ⇄ paused → finished. Starting re-checks that it can work
 * (a coupon may have run out since it was saved); finishing ends open journeys and drops unsent deliveries.
 */
export async function transitionCampaign(context: ServerContext, id: number, action: CampaignTransition): Promise<CampaignView> {
  const now = context.clock();
  return withTransaction(context.database, async (tx) => {
    await lockCampaign(tx, id);
    const loaded = await mustLoad(tx, id);
    const { campaign } = loaded;
    const move = MOVES[action];
    if (!move.from.includes(campaign.status)) {
      throw new AppError('CONFLICT', `活动当前状态为 ${campaign.status}，不能执行 ${action}`);
    }
    if (move.to === 'scheduled' && !(campaign.startsAt && campaign.startsAt.getTime() > now.getTime())) {
      throw new AppError('VALIDATION_FAILED', '排期需要一个将来的开始时间', [
        { field: 'body.startsAt', message: '请设置将来的开始时间' },
      ]);
    }
    if (move.to === 'running' || move.to === 'scheduled') {
      const view = campaignView(loaded);
      await assertCampaignWorkable(
        tx,
        { ...view, description: view.description ?? undefined, rule: view.rule as CampaignInput['rule'] },
        now,
      );
    }
    const startsAt =
      action === 'start' && (!campaign.startsAt || campaign.startsAt.getTime() > now.getTime()) ? now : campaign.startsAt;
    await tx.update(campaigns).set({ status: move.to, startsAt, updatedAt: now }).where(eq(campaigns.id, id));
    if (move.to === 'finished') await closeCampaign(tx, id, now);
    return campaignView(await mustLoad(tx, id));
  });
}

/**
 * Ends a campaign's open journeys and skips what it had not yet delivered. A message in flight (handed to WeChat)
 * is left to its worker's answer or to the recovery, so a send that happened is never recorded as skipped.
 */
export async function closeCampaign(tx: Tx, id: number, now: Date): Promise<void> {
  await tx
    .update(campaignEnrollments)
    .set({ exitedAt: now, exitReason: 'campaign_ended', nextStepAt: null })
    .where(and(eq(campaignEnrollments.campaignId, id), sql`${campaignEnrollments.exitedAt} is null`));
  await tx
    .update(deliveries)
    .set({ status: 'skipped', skipReason: 'campaign_stopped', updatedAt: now })
    .where(
      and(
        eq(deliveries.campaignId, id),
        sql`${deliveries.status} in ('pending', 'deferred') and ${deliveries.lastError} is distinct from ${IN_FLIGHT}`,
      ),
    );
}
