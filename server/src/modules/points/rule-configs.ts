import { sql } from 'drizzle-orm';
import {
  DEFAULT_POINTS_CONFIG,
  DEFAULT_TIER_CONFIG,
  pointsConfigSchema,
  tierConfigSchema,
  type PointsConfig,
  type TierConfig,
} from '@member-ops/shared';
import type { Executor } from '../../db';
import { execute } from '../../db';

export interface VersionedConfig<T> {
  config: T;
  /** The rule_configs version in force; null while the operator has saved none (built-in defaults). */
  version: number | null;
}

async function configInForce(
  executor: Executor,
  kind: 'points' | 'tier',
  at: Date,
): Promise<{ config: unknown; version: number } | null> {
  const [row] = await execute<{ config: unknown; version: number }>(
    executor,
    sql`select config, version from rule_configs where kind = ${kind} and effective_from <= ${at}
        order by version desc limit 1`,
  );
  return row ?? null;
}

/** The points rules in force at `at` (a saved version was validated when saved; it is parsed again here). */
export async function pointsConfigAt(executor: Executor, at: Date): Promise<VersionedConfig<PointsConfig>> {
  const row = await configInForce(executor, 'points', at);
  if (!row) return { config: DEFAULT_POINTS_CONFIG, version: null };
  return { config: pointsConfigSchema.parse(row.config), version: row.version };
}

/** The tier rules in force at `at`. */
export async function tierConfigAt(executor: Executor, at: Date): Promise<VersionedConfig<TierConfig>> {
  const row = await configInForce(executor, 'tier', at);
  if (!row) return { config: DEFAULT_TIER_CONFIG, version: null };
  return { config: tierConfigSchema.parse(row.config) as TierConfig, version: row.version };
}
