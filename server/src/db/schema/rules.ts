import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { TIER_CODES, type TierCode } from '@member-ops/shared';
import { RULE_CONFIG_KINDS, TIER_CHANGE_REASONS, type RuleConfigKind, type TierChangeReason } from './codes';
import { createdAt, fen, idPrimaryKey, idRef, instant, nullOrOneOf, oneOf } from './columns';
import { members } from './members';
import { orders } from './orders';
import { staffAccounts } from './staff';

/**
 * Every operator-editable rule set (tier thresholds, points rules, RFM and lifecycle settings, campaign
 * guards ...) as immutable versions: an edit inserts version n+1. The version in force for a kind is the
 * highest one whose effective_from has passed; results record the version they were computed with.
 */
export const ruleConfigs = pgTable(
  'rule_configs',
  {
    id: idPrimaryKey(),
    kind: text('kind').$type<RuleConfigKind>().notNull(),
    version: integer('version').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    effectiveFrom: instant('effective_from').notNull().defaultNow(),
    note: text('note'),
    createdBy: idRef('created_by').references(() => staffAccounts.id),
    createdAt: createdAt(),
  },
  (t) => [
    unique('rule_configs_kind_version_key').on(t.kind, t.version),
    index('rule_configs_kind_effective_idx').on(t.kind, t.effectiveFrom),
    check('rule_configs_kind_check', oneOf(t.kind, RULE_CONFIG_KINDS)),
    check('rule_configs_version_check', sql`${t.version} >= 1`),
    check('rule_configs_config_check', sql`jsonb_typeof(${t.config}) = 'object'`),
  ],
);

/** Every tier change of a member; feeds the tier-migration chart and the tier up/down triggers. */
export const tierHistory = pgTable(
  'tier_history',
  {
    id: idPrimaryKey(),
    memberId: idRef('member_id')
      .notNull()
      .references(() => members.id),
    fromTier: text('from_tier').$type<TierCode>(),
    toTier: text('to_tier').$type<TierCode>().notNull(),
    reason: text('reason').$type<TierChangeReason>().notNull(),
    growthValueFen: fen('growth_value_fen'),
    orderId: idRef('order_id').references(() => orders.id),
    configVersion: integer('config_version'),
    staffId: idRef('staff_id').references(() => staffAccounts.id),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [
    index('tier_history_member_at_idx').on(t.memberId, t.at),
    index('tier_history_at_idx').on(t.at),
    check('tier_history_from_tier_check', nullOrOneOf(t.fromTier, TIER_CODES)),
    check('tier_history_to_tier_check', oneOf(t.toTier, TIER_CODES)),
    check('tier_history_reason_check', oneOf(t.reason, TIER_CHANGE_REASONS)),
  ],
);
