import { sql, type SQL } from 'drizzle-orm';
import {
  TIER_CODES,
  pointsConfigSchema,
  tierConfigSchema,
  type EditableRuleKind,
  type PointsConfig,
  type RuleConfigResponse,
  type RulePreviewResponse,
  type SaveRuleRequest,
  type TierCode,
  type TierConfig,
} from '@member-ops/shared';
import { execute, withTransaction, type Database, type Executor } from '../../db';
import { AppError, validationError } from '../../errors';
import { recordAudit } from '../payments';
import { pointsConfigAt, tierConfigAt } from '../points';

export interface RulesDeps {
  database: Database;
  now: Date;
  actor: { staffId: number; ip?: string; requestId?: string };
}

/** The paid-order window the points preview replays. */
const POINTS_PREVIEW_DAYS = 30;

function parseConfig(kind: EditableRuleKind, input: unknown): TierConfig | PointsConfig {
  const result = kind === 'tier' ? tierConfigSchema.safeParse(input) : pointsConfigSchema.safeParse(input);
  if (!result.success) throw validationError(result.error, 'body.config');
  return result.data as TierConfig | PointsConfig;
}

async function configInForce(executor: Executor, kind: EditableRuleKind, at: Date) {
  return kind === 'tier' ? tierConfigAt(executor, at) : pointsConfigAt(executor, at);
}

export async function loadRules(database: Database, kind: EditableRuleKind, now: Date): Promise<RuleConfigResponse> {
  const current = await configInForce(database.db, kind, now);
  const versions = await execute<{
    version: number;
    effective_from: Date;
    note: string | null;
    created_by: string | null;
    created_at: Date;
  }>(
    database.db,
    sql`select r.version, r.effective_from, r.note, s.display_name as created_by, r.created_at
          from rule_configs r left join staff_accounts s on s.id = r.created_by
         where r.kind = ${kind} order by r.version desc limit 50`,
  );
  return {
    kind,
    version: current.version,
    config: current.config as unknown as Record<string, unknown>,
    versions: versions.map((v) => ({
      version: v.version,
      effectiveFrom: v.effective_from.toISOString(),
      note: v.note,
      createdBy: v.created_by,
      createdAt: v.created_at.toISOString(),
    })),
  };
}

/** Every leaf that differs between two configs, as dotted paths. */
function diff(before: unknown, after: unknown, path = ''): { path: string; from: unknown; to: unknown }[] {
  if (typeof before === 'object' && before !== null && typeof after === 'object' && after !== null) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) =>
      diff((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
    );
  }
  return before === after ? [] : [{ path, from: before ?? null, to: after ?? null }];
}

/** The tier a growth value reaches under a config, as SQL over `g`. */
function tierByGrowth(config: TierConfig): SQL {
  const branches = [...TIER_CODES]
    .reverse()
    .map((tier) => sql`when g >= ${config.tiers[tier].entryFen}::int8 then ${tier}::text`);
  return sql`(case ${sql.join(branches, sql` `)} else 'normal' end)`;
}

const rank = (column: SQL): SQL =>
  sql`array_position(array[${sql.join(
    TIER_CODES.map((t) => sql`${t}`),
    sql`, `,
  )}]::text[], ${column})`;

function keepOf(config: TierConfig): SQL {
  return sql`(case tier ${sql.join(
    TIER_CODES.map((tier) => sql`when ${tier}::text then ${config.tiers[tier].keepFen}::int8`),
    sql` `,
  )} end)`;
}

async function tierImpact(executor: Executor, current: TierConfig, proposed: TierConfig) {
  const base = sql`select m.tier, coalesce(mm.growth_value_fen, 0) as g
                     from members m left join member_metrics mm on mm.member_id = m.id where m.deleted_at is null`;
  const [counts] = await execute<{ cur_up: number; cur_keep: number; new_up: number; new_keep: number }>(
    executor,
    sql`select count(*) filter (where ${rank(tierByGrowth(current))} > ${rank(sql`tier`)})::int as cur_up,
               count(*) filter (where tier <> 'normal' and g < ${keepOf(current)})::int as cur_keep,
               count(*) filter (where ${rank(tierByGrowth(proposed))} > ${rank(sql`tier`)})::int as new_up,
               count(*) filter (where tier <> 'normal' and g < ${keepOf(proposed)})::int as new_keep
          from (${base}) b`,
  );
  const moves = await execute<{ from_tier: TierCode; to_tier: TierCode; n: number }>(
    executor,
    sql`select tier as from_tier, ${tierByGrowth(proposed)} as to_tier, count(*)::int as n
          from (${base}) b
         where ${rank(tierByGrowth(proposed))} > ${rank(sql`tier`)}
         group by 1, 2 order by 1, 2`,
  );
  return {
    current: { upgrades: counts?.cur_up ?? 0, belowKeep: counts?.cur_keep ?? 0 },
    proposed: { upgrades: counts?.new_up ?? 0, belowKeep: counts?.new_keep ?? 0 },
    moves: moves.map((m) => ({ from: m.from_tier, to: m.to_tier, members: m.n })),
  };
}

async function pointsImpact(executor: Executor, current: PointsConfig, proposed: PointsConfig, now: Date) {
  const since = new Date(now.getTime() - POINTS_PREVIEW_DAYS * 86_400_000);
  const [row] = await execute<{ orders: number; cur: number; proposed: number }>(
    executor,
    sql`select count(*)::int as orders,
               coalesce(sum(floor(paid_fen * ${current.earn.pointsPerYuan}::numeric / 100)), 0)::int8 as cur,
               coalesce(sum(floor(paid_fen * ${proposed.earn.pointsPerYuan}::numeric / 100)), 0)::int8 as proposed
          from orders where paid_at >= ${since} and paid_at < ${now}`,
  );
  return {
    windowDays: POINTS_PREVIEW_DAYS,
    orders: row?.orders ?? 0,
    currentPoints: row?.cur ?? 0,
    proposedPoints: row?.proposed ?? 0,
  };
}

/** What saving `input` would change, computed over the whole base in the database; nothing is written. */
export async function previewRules(deps: RulesDeps, kind: EditableRuleKind, input: unknown): Promise<RulePreviewResponse> {
  const proposed = parseConfig(kind, input);
  const db = deps.database.db;
  const current = (await configInForce(db, kind, deps.now)).config;
  return {
    kind,
    changes: diff(current, proposed),
    tier: kind === 'tier' ? await tierImpact(db, current as TierConfig, proposed as TierConfig) : null,
    points: kind === 'points' ? await pointsImpact(db, current as PointsConfig, proposed as PointsConfig, deps.now) : null,
  };
}

/** Saves the config as the next version (versions are never edited); audited with the changed fields. */
export async function saveRules(deps: RulesDeps, kind: EditableRuleKind, body: SaveRuleRequest): Promise<RuleConfigResponse> {
  const config = parseConfig(kind, body.config);
  const effectiveFrom = body.effectiveFrom ? new Date(body.effectiveFrom) : deps.now;
  await withTransaction(deps.database, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`rule_configs:${kind}`}))`);
    const before = (await configInForce(tx, kind, deps.now)).config;
    const changes = diff(before, config);
    if (changes.length === 0) throw new AppError('CONFLICT', 'Nothing changed: the rules are the same as the version in force');
    const [saved] = await execute<{ version: number }>(
      tx,
      sql`insert into rule_configs (kind, version, config, effective_from, note, created_by, created_at)
          select ${kind}, coalesce(max(version), 0) + 1, ${JSON.stringify(config)}::jsonb, ${effectiveFrom}, ${body.note ?? null},
                 ${deps.actor.staffId}, ${deps.now}
            from rule_configs where kind = ${kind}
          returning version`,
    );
    await recordAudit(
      tx,
      deps.now,
      'rules.change',
      'rule_config',
      `${kind}:${saved?.version}`,
      { changes, note: body.note ?? null },
      deps.actor,
    );
  });
  return loadRules(deps.database, kind, deps.now);
}
