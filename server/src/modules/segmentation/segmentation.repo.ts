import { sql } from 'drizzle-orm';
import {
  behaviourConfigSchema,
  DEFAULT_BEHAVIOUR_CONFIG,
  DEFAULT_LIFECYCLE_CONFIG,
  DEFAULT_PREFERENCES_CONFIG,
  DEFAULT_RFM_CONFIG,
  DEFAULT_TIER_CONFIG,
  lifecycleConfigSchema,
  preferencesConfigSchema,
  rfmConfigSchema,
  tierConfigSchema,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import type { RuleConfigKind } from '../../db/schema';
import type { SegmentationConfig } from './segmentation.sql';

const KINDS: readonly RuleConfigKind[] = ['rfm', 'lifecycle', 'behaviour', 'preference', 'tier'];

/**
 * The classification rules in force at `at`: the operator's latest saved version of each kind (validated when
 * saved, parsed again here), else the shared defaults. One query, as it runs inside every paid-order transaction.
 */
export async function segmentationConfigAt(executor: Executor, at: Date): Promise<SegmentationConfig> {
  const rows = await execute<{ kind: RuleConfigKind; config: unknown }>(
    executor,
    sql`select distinct on (kind) kind, config from rule_configs
        where kind in (${sql.join(
          KINDS.map((kind) => sql`${kind}`),
          sql`, `,
        )}) and effective_from <= ${at}
        order by kind, version desc`,
  );
  const saved = new Map(rows.map((row) => [row.kind, row.config]));
  const parse = <T>(kind: RuleConfigKind, schema: { parse: (value: unknown) => T }, fallback: T): T =>
    saved.has(kind) ? schema.parse(saved.get(kind)) : fallback;
  return {
    rfm: parse('rfm', rfmConfigSchema, DEFAULT_RFM_CONFIG),
    lifecycle: parse('lifecycle', lifecycleConfigSchema, DEFAULT_LIFECYCLE_CONFIG),
    behaviour: parse('behaviour', behaviourConfigSchema, DEFAULT_BEHAVIOUR_CONFIG),
    preferences: parse('preference', preferencesConfigSchema, DEFAULT_PREFERENCES_CONFIG),
    tier: parse('tier', tierConfigSchema, DEFAULT_TIER_CONFIG),
  };
}
