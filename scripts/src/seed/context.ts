/** What every member's simulation shares: the clock, the catalogue, the stores, templates and rules. */
import type { PointsConfig } from '@member-ops/shared/points/index';
import type { TierConfig } from '@member-ops/shared/tiers/index';
import type { TierCode } from '@member-ops/shared';
import type { PhoneKeys } from '../../../server/src/security/phone-crypto';
import type { PromoWindow } from './calendar';
import type { Catalog } from './catalog';
import type { StoreSpec } from './data/catalog-data';
import type { CouponUse } from './data/marketing-data';
import type { IdSequence } from './ids';
import type { SeededTemplate } from './wallet';

export interface SeededStore {
  id: number;
  spec: StoreSpec;
  /** The store clerk who records in-store sales. */
  clerkId: number;
  /** The sales rep whose portfolio holds this store's members. */
  repId: number;
}

export interface ShopContext {
  seed: string;
  now: Date;
  /** First instant of the simulated history. */
  start: Date;
  catalog: Catalog;
  stores: readonly SeededStore[];
  templatesByUse: ReadonlyMap<CouponUse, readonly SeededTemplate[]>;
  tierGiftTemplates: ReadonlyMap<TierCode, SeededTemplate>;
  promos: readonly PromoWindow[];
  /** Subscribe templates shoppers opt in to from the shop's pages (not tied to one order). */
  marketingTemplateIds: readonly string[];
  phoneKeys: PhoneKeys;
  tierConfig: TierConfig;
  tierConfigVersion: number;
  pointsConfig: PointsConfig;
  ids: IdSequence;
  /** Phone numbers handed out so far (they are unique per shop). */
  usedPhones: Set<string>;
}

export function templatesFor(context: ShopContext, use: CouponUse): readonly SeededTemplate[] {
  return context.templatesByUse.get(use) ?? [];
}
