import { sql, type SQL } from 'drizzle-orm';
import {
  compileSegmentRuleToSql,
  describeSegmentRule,
  segmentRuleSchema,
  storedSegmentRuleSchema,
  type LifecycleStage,
  type RfmSegment,
  type SaveSegmentRequest,
  type SegmentPreviewResponse,
  type SegmentRule,
  type SegmentView,
  type TierCode,
} from '@member-ops/shared';
import { execute, withRuleTimeout, withTransaction, type Database, type Executor } from '../../db';
import { AppError, validationError } from '../../errors';
import { recordAudit } from '../payments';

export interface SegmentsDeps {
  database: Database;
  now: Date;
  actor: { staffId: number; ip?: string; requestId?: string };
}

/** Members shown as a sample beside the live count. */
const SAMPLE_SIZE = 10;

export function parseRule(input: unknown): SegmentRule {
  const result = segmentRuleSchema.safeParse(input);
  if (!result.success) throw validationError(result.error, 'body.rule');
  return result.data;
}

/** The rule as a Drizzle predicate over `member_facts f`; the compiler's `$n` placeholders become bound values. */
export function rulePredicate(rule: SegmentRule, now: Date): SQL {
  const compiled = compileSegmentRuleToSql(rule, { now, memberAlias: 'f' });
  const parts = compiled.sql.split(/\$(\d+)/);
  return sql.join(
    parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${sql.param(compiled.params[Number(part) - 1])}`)),
    sql``,
  );
}

/** The live count and a sample for a rule being edited; cut after `timeoutMs` (SEGMENT_PREVIEW_TIMEOUT_MS). */
export async function previewSegment(deps: SegmentsDeps, ruleInput: unknown, timeoutMs: number): Promise<SegmentPreviewResponse> {
  const rule = parseRule(ruleInput);
  const predicate = rulePredicate(rule, deps.now);
  const { count, sample } = await withRuleTimeout(deps.database, timeoutMs, async (tx) => ({
    count: (await execute<{ n: number }>(tx, sql`select count(*)::int as n from member_facts f where ${predicate}`))[0],
    sample: await execute<{
      id: number;
      nickname: string | null;
      tier: TierCode;
      lifecycle: LifecycleStage;
      rfm_segment: RfmSegment | null;
      last_order_at: Date | null;
    }>(
      tx,
      sql`select f.member_id as id, m.nickname, f.tier, f.lifecycle, f.rfm_segment, f.last_order_at
            from member_facts f join members m on m.id = f.member_id
           where ${predicate}
           order by f.member_id desc limit ${SAMPLE_SIZE}`,
    ),
  }));
  return {
    count: count?.n ?? 0,
    ruleText: describeSegmentRule(rule),
    sample: sample.map((row) => ({
      id: row.id,
      nickname: row.nickname,
      tier: row.tier,
      lifecycle: row.lifecycle,
      rfmSegment: row.rfm_segment,
      lastOrderAt: row.last_order_at?.toISOString() ?? null,
    })),
  };
}

interface SegmentRow extends Record<string, unknown> {
  id: number;
  code: string | null;
  name: string;
  description: string | null;
  kind: 'builtin' | 'custom';
  rule: Record<string, unknown>;
  member_count: number | null;
  refreshed_at: Date | null;
  updated_at: Date;
}

function toView(row: SegmentRow): SegmentView {
  const parsed = storedSegmentRuleSchema.safeParse(row.rule);
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    kind: row.kind,
    rule: row.rule,
    ruleText: parsed.success ? describeSegmentRule(parsed.data) : '（规则无法解析）',
    memberCount: row.member_count,
    refreshedAt: row.refreshed_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

const SELECT = sql`select id, code, name, description, kind, rule, member_count, refreshed_at, updated_at from segments`;

export async function listSegments(database: Database): Promise<SegmentView[]> {
  const rows = await execute<SegmentRow>(database.db, sql`${SELECT} where archived_at is null order by kind, id desc`);
  return rows.map(toView);
}

async function loadSegment(executor: Executor, id: number): Promise<SegmentRow> {
  const [row] = await execute<SegmentRow>(executor, sql`${SELECT} where id = ${id} and archived_at is null for update`);
  if (!row) throw new AppError('NOT_FOUND', `No segment ${id}`);
  return row;
}

/** Rewrites the segment's materialised membership from its rule, set-based, and stores the count. */
async function materialise(tx: Executor, id: number, rule: SegmentRule, now: Date): Promise<void> {
  const predicate = rulePredicate(rule, now);
  await tx.execute(sql`delete from segment_memberships where segment_id = ${id}`);
  await tx.execute(
    sql`insert into segment_memberships (member_id, segment_id, since)
        select f.member_id, ${id}, ${now} from member_facts f where ${predicate}`,
  );
  await tx.execute(
    sql`update segments set member_count = (select count(*) from segment_memberships where segment_id = ${id}),
               refreshed_at = ${now}, updated_at = ${now}
         where id = ${id}`,
  );
}

/**
 * Saving first evaluates the rule under the preview limit, so a rule too costly to evaluate is refused (422) before
 * anything is written. Writing the membership then costs in proportion to the members it holds — hundreds of
 * thousands in a large shop, more than a request's statement limit — so it runs on the jobs' pool and limits.
 */
async function checkRuleCost(deps: SegmentsDeps, rule: SegmentRule, timeoutMs: number): Promise<void> {
  const predicate = rulePredicate(rule, deps.now);
  await withRuleTimeout(deps.database, timeoutMs, (tx) =>
    tx.execute(sql`select count(*)::int as n from member_facts f where ${predicate}`),
  );
}

export async function createSegment(deps: SegmentsDeps, body: SaveSegmentRequest, timeoutMs: number): Promise<SegmentView> {
  const rule = parseRule(body.rule);
  await checkRuleCost(deps, rule, timeoutMs);
  return withTransaction(deps.database.forJobs, async (tx) => {
    const [created] = await execute<{ id: number }>(
      tx,
      sql`insert into segments (name, description, kind, rule, created_by, created_at, updated_at)
          values (${body.name}, ${body.description ?? null}, 'custom', ${JSON.stringify(rule)}::jsonb, ${deps.actor.staffId},
                  ${deps.now}, ${deps.now})
          returning id`,
    );
    if (!created) throw new Error('insert into segments returned no row');
    await materialise(tx, created.id, rule, deps.now);
    await recordAudit(tx, deps.now, 'segment.create', 'segment', created.id, { name: body.name, rule }, deps.actor);
    return toView(await loadSegment(tx, created.id));
  });
}

export async function updateSegment(
  deps: SegmentsDeps,
  id: number,
  body: SaveSegmentRequest,
  timeoutMs: number,
): Promise<SegmentView> {
  const rule = parseRule(body.rule);
  await checkRuleCost(deps, rule, timeoutMs);
  return withTransaction(deps.database.forJobs, async (tx) => {
    const before = await loadSegment(tx, id);
    if (before.kind === 'builtin') throw new AppError('CONFLICT', 'Built-in segments cannot be edited');
    await tx.execute(
      sql`update segments set name = ${body.name}, description = ${body.description ?? null}, rule = ${JSON.stringify(rule)}::jsonb
           where id = ${id}`,
    );
    await materialise(tx, id, rule, deps.now);
    await recordAudit(
      tx,
      deps.now,
      'segment.update',
      'segment',
      id,
      { before: before.rule, after: rule, name: body.name },
      deps.actor,
    );
    return toView(await loadSegment(tx, id));
  });
}

export async function archiveSegment(deps: SegmentsDeps, id: number): Promise<SegmentView> {
  return withTransaction(deps.database, async (tx) => {
    const row = await loadSegment(tx, id);
    if (row.kind === 'builtin') throw new AppError('CONFLICT', 'Built-in segments cannot be archived');
    await tx.execute(sql`update segments set archived_at = ${deps.now}, updated_at = ${deps.now} where id = ${id}`);
    await recordAudit(tx, deps.now, 'segment.archive', 'segment', id, { name: row.name }, deps.actor);
    return toView(row);
  });
}
