import { asc, eq, inArray } from 'drizzle-orm';
import {
  CampaignAction,
  CampaignTrigger,
  STEP_CONDITIONS,
  type CampaignInput,
  type CampaignStepView,
  type CampaignView,
  type StepCondition,
} from '@member-ops/shared';
import type { Executor } from '../../db';
import { campaignSteps, campaigns } from '../../db/schema';

export type CampaignRow = typeof campaigns.$inferSelect;
export type CampaignStepRow = typeof campaignSteps.$inferSelect;

export interface LoadedCampaign {
  campaign: CampaignRow;
  steps: CampaignStepRow[];
}

export function stepCondition(step: CampaignStepRow): StepCondition {
  const condition = step.branch?.condition;
  return STEP_CONDITIONS.find((known) => known === condition) ?? 'always';
}

export function stepAction(step: CampaignStepRow): CampaignAction {
  return CampaignAction.parse(step.action);
}

export function stepView(step: CampaignStepRow): CampaignStepView {
  return {
    id: step.id,
    position: step.position,
    waitDays: step.waitDays,
    condition: stepCondition(step),
    action: stepAction(step),
  };
}

export function campaignView({ campaign, steps }: LoadedCampaign): CampaignView {
  const trigger = campaign.trigger ? CampaignTrigger.safeParse(campaign.trigger) : null;
  return {
    id: campaign.id,
    builtinCode: campaign.builtinCode,
    name: campaign.name,
    description: campaign.description,
    kind: campaign.kind,
    status: campaign.status,
    segmentId: campaign.segmentId,
    rule: campaign.audience ?? null,
    trigger: trigger?.success ? trigger.data : null,
    cron: campaign.cron,
    holdoutRatioBp: campaign.holdoutRatioBp,
    attributionDays: campaign.attributionDays,
    budgetFen: campaign.budgetFen,
    committedFen: campaign.committedFen,
    excludeContactedDays: campaign.excludeContactedDays,
    startsAt: campaign.startsAt?.toISOString() ?? null,
    endsAt: campaign.endsAt?.toISOString() ?? null,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
    steps: steps.map(stepView),
  };
}

/** The campaign row's columns for a validated input. */
export function campaignColumns(input: CampaignInput, now: Date) {
  return {
    name: input.name,
    description: input.description ?? null,
    kind: input.kind,
    segmentId: input.segmentId ?? null,
    audience: (input.rule as Record<string, unknown> | null | undefined) ?? null,
    trigger: (input.trigger as Record<string, unknown> | null | undefined) ?? null,
    cron: input.cron ?? null,
    holdoutRatioBp: input.holdoutRatioBp,
    attributionDays: input.attributionDays,
    budgetFen: input.budgetFen ?? null,
    excludeContactedDays: input.excludeContactedDays,
    startsAt: input.startsAt ? new Date(input.startsAt) : null,
    endsAt: input.endsAt ? new Date(input.endsAt) : null,
    updatedAt: now,
  };
}

export function stepColumns(step: CampaignInput['steps'][number]) {
  return {
    action: step.action as unknown as Record<string, unknown>,
    waitDays: step.waitDays,
    branch: step.condition === 'always' ? null : { condition: step.condition },
  };
}

export async function loadCampaign(executor: Executor, id: number): Promise<LoadedCampaign | undefined> {
  const [campaign] = await executor.select().from(campaigns).where(eq(campaigns.id, id));
  if (!campaign) return undefined;
  const steps = await executor
    .select()
    .from(campaignSteps)
    .where(eq(campaignSteps.campaignId, id))
    .orderBy(asc(campaignSteps.position));
  return { campaign, steps };
}

/** Campaigns with their steps, for the scheduler: one query for the rows, one for the steps. */
export async function loadCampaigns(executor: Executor, rows: CampaignRow[]): Promise<LoadedCampaign[]> {
  if (rows.length === 0) return [];
  const steps = await executor
    .select()
    .from(campaignSteps)
    .where(
      inArray(
        campaignSteps.campaignId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(campaignSteps.campaignId), asc(campaignSteps.position));
  return rows.map((campaign) => ({ campaign, steps: steps.filter((step) => step.campaignId === campaign.id) }));
}
