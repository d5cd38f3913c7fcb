/** The shop's fixed data: stores, staff, catalogue, coupon and message templates, talk-tracks, rule versions. */
import { DEFAULT_POINTS_CONFIG } from '@member-ops/shared/points/index';
import { DEFAULT_TIER_CONFIG, type TierConfig } from '@member-ops/shared/tiers/index';
import type { TierCode } from '@member-ops/shared/vocabulary';
import type { Executor } from '../../../server/src/db';
import {
  brands,
  categories,
  couponTemplates,
  products,
  ruleConfigs,
  skus,
  staffAccounts,
  stores,
  subscribeTemplates,
  talkTracks,
} from '../../../server/src/db/schema';
import { DEMO_ACCOUNTS } from './accounts';
import { insertRows } from './bulk-insert';
import type { Catalog } from './catalog';
import type { SeededStore } from './context';
import { DEMO_STORES } from './data/catalog-data';
import { COUPON_TEMPLATE_SPECS, type CouponUse, SUBSCRIBE_TEMPLATE_SPECS, TALK_TRACK_SPECS } from './data/marketing-data';
import type { SeededTemplate } from './wallet';

/** The rule versions the history was computed with. */
export const SEEDED_RULE_VERSION = 1;
export const SEEDED_TIER_CONFIG: TierConfig = DEFAULT_TIER_CONFIG;
export const SEEDED_POINTS_CONFIG = DEFAULT_POINTS_CONFIG;

const ADMIN_ID = 1;
const OPERATOR_ID = 2;

export interface ReferenceData {
  stores: SeededStore[];
  templatesByUse: Map<CouponUse, SeededTemplate[]>;
  tierGiftTemplates: Map<TierCode, SeededTemplate>;
  marketingTemplateIds: string[];
}

/** Staff ids follow DEMO_ACCOUNTS (admin = 1); store ids follow DEMO_STORES. */
export async function writeReferenceData(
  executor: Executor,
  input: { catalog: Catalog; passwordHashes: readonly string[]; since: Date },
): Promise<ReferenceData> {
  const { catalog, passwordHashes, since } = input;
  const storeIds = new Map(DEMO_STORES.map((store, i) => [store.name, i + 1]));
  await insertRows(
    executor,
    stores,
    DEMO_STORES.map((store, i) => ({
      id: i + 1,
      code: store.code,
      name: store.name,
      address: store.address,
      phone: store.phone,
      createdAt: since,
      updatedAt: since,
    })),
  );
  await insertRows(
    executor,
    staffAccounts,
    DEMO_ACCOUNTS.map((account, i) => {
      const passwordHash = passwordHashes[i];
      if (!passwordHash) throw new Error(`no password hash for ${account.username}`);
      return {
        id: i + 1,
        username: account.username,
        displayName: account.displayName,
        passwordHash,
        role: account.role,
        storeId: account.store ? (storeIds.get(account.store) ?? null) : null,
        phone: account.phone,
        passwordChangedAt: since,
        createdAt: since,
        updatedAt: since,
      };
    }),
  );
  const staffId = (role: string, store: string) => 1 + DEMO_ACCOUNTS.findIndex((a) => a.role === role && a.store === store);
  const seededStores: SeededStore[] = DEMO_STORES.map((spec, i) => ({
    id: i + 1,
    spec,
    clerkId: staffId('store_staff', spec.name),
    repId: staffId('sales_rep', spec.name),
  }));

  await insertRows(executor, categories, catalog.rows.categories);
  await insertRows(executor, brands, catalog.rows.brands);
  await insertRows(executor, products, catalog.rows.products);
  await insertRows(executor, skus, catalog.rows.skus);

  const templatesByUse = new Map<CouponUse, SeededTemplate[]>();
  const tierGiftTemplates = new Map<TierCode, SeededTemplate>();
  COUPON_TEMPLATE_SPECS.forEach((spec, i) => {
    const template = { id: i + 1, spec };
    templatesByUse.set(spec.use, [...(templatesByUse.get(spec.use) ?? []), template]);
    if (spec.tier) tierGiftTemplates.set(spec.tier, template);
  });
  await insertRows(
    executor,
    couponTemplates,
    COUPON_TEMPLATE_SPECS.map((spec, i) => ({
      id: i + 1,
      name: spec.name,
      description: spec.description,
      type: spec.type,
      thresholdFen: spec.thresholdFen,
      amountOffFen: spec.amountOffFen ?? null,
      percentOffBp: spec.percentOffBp ?? null,
      capFen: spec.capFen ?? null,
      validityKind: 'days_after_issue' as const,
      validDays: spec.validDays,
      perMemberLimit: spec.perMemberLimit,
      applicableCategories: [...spec.applicableCategories],
      claimable: spec.claimable,
      pointsPrice: spec.pointsPrice ?? null,
      status: 'active' as const,
      createdBy: OPERATOR_ID,
      createdAt: since,
      updatedAt: since,
    })),
  );

  await insertRows(
    executor,
    subscribeTemplates,
    SUBSCRIBE_TEMPLATE_SPECS.map((spec) => ({ ...spec, createdAt: since, updatedAt: since })),
    { onConflictDoNothing: true },
  );
  await insertRows(
    executor,
    talkTracks,
    TALK_TRACK_SPECS.map((spec, i) => ({
      id: i + 1,
      ...spec,
      position: TALK_TRACK_SPECS.slice(0, i).filter((other) => other.tier === spec.tier).length,
      updatedBy: OPERATOR_ID,
      createdAt: since,
      updatedAt: since,
    })),
  );
  await insertRows(
    executor,
    ruleConfigs,
    [
      { kind: 'tier' as const, config: SEEDED_TIER_CONFIG },
      { kind: 'points' as const, config: SEEDED_POINTS_CONFIG },
    ].map(({ kind, config }) => ({
      kind,
      version: SEEDED_RULE_VERSION,
      // The config interfaces are plain JSON objects; the column is typed as a generic JSON object.
      config: config as unknown as Record<string, unknown>,
      effectiveFrom: since,
      note: '默认规则（演示数据）',
      createdBy: ADMIN_ID,
      createdAt: since,
    })),
    { onConflictDoNothing: true },
  );
  return {
    stores: seededStores,
    templatesByUse,
    tierGiftTemplates,
    marketingTemplateIds: SUBSCRIBE_TEMPLATE_SPECS.filter((s) => s.purpose !== 'order_shipped').map((s) => s.templateId),
  };
}
