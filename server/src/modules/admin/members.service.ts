import { tierAbove, type Member360Response, type MemberListQuery, type MemberListResponse } from '@member-ops/shared';
import type { Database } from '../../db';
import { AppError } from '../../errors';
import type { AuthStaff } from '../../http/auth';
import type { Logger } from '../../logger';
import type { PhoneKeys } from '../../security/phone-crypto';
import { loadTierConfig } from '../me';
import { maskedPhone, memberScope } from './member-scope';
import { encodeCursor, selectMember360, selectMembers, selectTimeline } from './members.repo';

export interface MembersDeps {
  database: Database;
  phoneKeys: PhoneKeys;
  logger: Logger;
  now: Date;
}

/** How many entries of each kind the 360 timeline shows. */
const TIMELINE_PER_KIND = 20;

export async function listMembers(deps: MembersDeps, staff: AuthStaff, query: MemberListQuery): Promise<MemberListResponse> {
  const rows = await selectMembers(deps.database.db, query, memberScope(staff));
  const page = rows.slice(0, query.pageSize);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      nickname: row.nickname,
      phoneMasked: maskedPhone(row.phone_cipher, deps.phoneKeys),
      tier: row.tier,
      lifecycle: row.lifecycle,
      rfmSegment: row.rfm_segment,
      valueLayer: row.value_layer,
      storeId: row.store_id,
      ownerRepId: row.owner_rep_id,
      tags: row.tags,
      ordersTotal: row.orders_total,
      spendTotalFen: row.spend_total_fen,
      lastOrderAt: row.last_order_at?.toISOString() ?? null,
      expectedValue365Fen: row.expected_value_365_fen,
      registeredAt: row.registered_at.toISOString(),
    })),
    nextCursor: rows.length > query.pageSize && last ? encodeCursor(query.sort, last) : null,
  };
}

/** Everything the console shows about one member; 404 for a member outside the caller's scope. */
export async function member360(deps: MembersDeps, staff: AuthStaff, memberId: number): Promise<Member360Response> {
  const db = deps.database.db;
  const row = await selectMember360(db, memberId, memberScope(staff));
  if (!row) throw new AppError('NOT_FOUND', `No member ${memberId}`);
  const [config, timeline] = await Promise.all([
    loadTierConfig(db, deps.now, deps.logger),
    selectTimeline(db, memberId, TIMELINE_PER_KIND),
  ]);
  const nextTier = tierAbove(row.tier);
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    profile: {
      id: row.id,
      nickname: row.nickname,
      phoneMasked: maskedPhone(row.phone_cipher, deps.phoneKeys),
      gender: row.gender,
      birthday: row.birthday,
      region: row.region,
      storeId: row.store_id,
      storeName: row.store_name,
      ownerRepId: row.owner_rep_id,
      ownerRepName: row.owner_rep_name,
      registeredAt: row.registered_at.toISOString(),
      tags: row.tags,
      doNotContact: row.do_not_contact,
    },
    tier: {
      code: row.tier,
      since: iso(row.tier_since),
      keepUntil: iso(row.tier_keep_until),
      growthValueFen: row.growth_value_fen,
      nextTier,
      toNextFen: nextTier ? Math.max(config.tiers[nextTier].entryFen - row.growth_value_fen, 0) : null,
    },
    metrics: {
      pointsBalance: row.points_balance,
      ordersTotal: row.orders_total,
      spendTotalFen: row.spend_total_fen,
      frequency365: row.frequency_365,
      monetary365Fen: row.monetary_365_fen,
      recencyDays: row.recency_days,
      rfmR: row.rfm_r,
      rfmF: row.rfm_f,
      rfmM: row.rfm_m,
      rfmSegment: row.rfm_segment,
      valueLayer: row.value_layer,
      lifecycle: row.lifecycle,
      pAlive: row.p_alive,
      expectedPurchases90: row.expected_purchases_90,
      expectedValue365Fen: row.expected_value_365_fen,
      lastOrderAt: iso(row.last_order_at),
      segmentsAsOf: iso(row.segments_as_of),
    },
    preferences: { topCategories: row.top_categories, topBrands: row.top_brands, priceBand: row.price_band },
    timeline: timeline.map((entry) => ({
      at: entry.at.toISOString(),
      kind: entry.kind,
      title: entry.title,
      detail: entry.detail,
    })),
  };
}
