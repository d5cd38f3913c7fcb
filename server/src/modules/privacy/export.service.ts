import { sql } from 'drizzle-orm';
import type { MemberDataExport } from '@member-ops/shared';
import { execute, withTransaction, type Database, type Tx } from '../../db';
import type { OrderAddress } from '../../db/schema';
import { AppError } from '../../errors';
import { decryptPhone, type PhoneKeys } from '../../security/phone-crypto';

/** The export lists at most this many of the member's most recent events (and says how many there are). */
export const EXPORT_EVENTS_LIMIT = 10_000;

const iso = (at: Date) => at.toISOString();
const isoOrNull = (at: Date | null) => at?.toISOString() ?? null;

interface ProfileRow extends Record<string, unknown> {
  id: number;
  openid: string;
  unionid: string | null;
  phone_cipher: string | null;
  nickname: string | null;
  avatar_url: string | null;
  gender: string;
  birthday: string | null;
  region: string | null;
  store_name: string | null;
  source_channel: string | null;
  registered_at: Date;
  privacy_consent_at: Date | null;
  do_not_contact: boolean;
  tags: string[];
  tier: string;
  tier_since: Date | null;
  tier_keep_until: Date | null;
  points_balance: number;
  growth_value_fen: number;
  lifecycle: string;
  rfm_segment: string | null;
  value_layer: string | null;
  behaviour: string | null;
  top_categories: string[];
  top_brands: string[];
  price_band: string | null;
}

function exportAddress(address: OrderAddress, keys: PhoneKeys): MemberDataExport['addresses'][number] {
  return {
    name: address.name,
    phone: address.phoneCipher ? decryptPhone(address.phoneCipher, keys) : (address.phoneMasked ?? null),
    province: address.province,
    city: address.city,
    district: address.district,
    detail: address.detail,
    postalCode: address.postalCode ?? null,
  };
}

async function loadProfile(tx: Tx, memberId: number): Promise<ProfileRow> {
  const [row] = await execute<ProfileRow>(
    tx,
    sql`select m.id, m.openid, m.unionid, m.phone_cipher, m.nickname, m.avatar_url, m.gender, m.birthday::text as birthday,
               m.region, s.name as store_name, m.source_channel, m.registered_at, m.privacy_consent_at, m.do_not_contact,
               m.tags, m.tier, m.tier_since, m.tier_keep_until, mm.points_balance, mm.growth_value_fen, mm.lifecycle,
               mm.rfm_segment, mm.value_layer, mm.behaviour, mm.top_categories, mm.top_brands, mm.price_band
          from members m
          join member_metrics mm on mm.member_id = m.id
          left join stores s on s.id = m.store_id
         where m.id = ${memberId} and m.deleted_at is null`,
  );
  if (!row) throw new AppError('NOT_FOUND', `No member ${memberId}`);
  return row;
}

async function loadOrders(tx: Tx, memberId: number, keys: PhoneKeys): Promise<MemberDataExport['orders']> {
  const orders = await execute<{
    id: number;
    order_no: string;
    channel: string;
    status: string;
    items_total_fen: number;
    coupon_discount_fen: number;
    points_used: number;
    points_discount_fen: number;
    shipping_fen: number;
    payable_fen: number;
    paid_fen: number;
    refunded_fen: number;
    note: string | null;
    address: OrderAddress | null;
    created_at: Date;
    paid_at: Date | null;
  }>(tx, sql`select * from orders where member_id = ${memberId} order by created_at, id`);
  const items = await execute<{
    order_id: number;
    title: string;
    category: string;
    brand: string | null;
    unit_price_fen: number;
    quantity: number;
    line_total_fen: number;
    refunded_quantity: number;
    refunded_fen: number;
  }>(tx, sql`select * from order_items where member_id = ${memberId} order by order_id, id`);
  return orders.map((order) => ({
    orderNo: order.order_no,
    channel: order.channel,
    status: order.status,
    itemsTotalFen: order.items_total_fen,
    couponDiscountFen: order.coupon_discount_fen,
    pointsUsed: order.points_used,
    pointsDiscountFen: order.points_discount_fen,
    shippingFen: order.shipping_fen,
    payableFen: order.payable_fen,
    paidFen: order.paid_fen,
    refundedFen: order.refunded_fen,
    note: order.note,
    address: order.address ? exportAddress(order.address, keys) : null,
    createdAt: iso(order.created_at),
    paidAt: isoOrNull(order.paid_at),
    items: items
      .filter((item) => item.order_id === order.id)
      .map((item) => ({
        title: item.title,
        category: item.category,
        brand: item.brand,
        unitPriceFen: item.unit_price_fen,
        quantity: item.quantity,
        lineTotalFen: item.line_total_fen,
        refundedQuantity: item.refunded_quantity,
        refundedFen: item.refunded_fen,
      })),
  }));
}

async function loadMoney(tx: Tx, memberId: number) {
  const payments = await execute<{
    order_no: string;
    method: string;
    transaction_id: string | null;
    amount_fen: number;
    status: string;
    created_at: Date;
  }>(
    tx,
    sql`select o.order_no, p.method, p.transaction_id, p.amount_fen, p.status, p.created_at
          from payments p join orders o on o.id = p.order_id where p.member_id = ${memberId} order by p.created_at, p.id`,
  );
  const refunds = await execute<{
    order_no: string;
    out_refund_no: string;
    amount_fen: number;
    status: string;
    reason: string | null;
    created_at: Date;
    succeeded_at: Date | null;
  }>(
    tx,
    sql`select o.order_no, r.out_refund_no, r.amount_fen, r.status, r.reason, r.created_at, r.succeeded_at
          from refunds r join orders o on o.id = r.order_id where r.member_id = ${memberId} order by r.created_at, r.id`,
  );
  const ledger = await execute<{ kind: string; points: number; occurred_at: Date; order_no: string | null; note: string | null }>(
    tx,
    sql`select l.kind, l.points, l.occurred_at, o.order_no, l.note
          from points_ledger l left join orders o on o.id = l.order_id where l.member_id = ${memberId} order by l.occurred_at, l.id`,
  );
  const coupons = await execute<{
    code: string;
    name: string;
    status: string;
    source: string;
    issued_at: Date;
    valid_from: Date;
    valid_to: Date;
    used_at: Date | null;
  }>(
    tx,
    sql`select c.code, t.name, c.status, c.source, c.issued_at, c.valid_from, c.valid_to, c.used_at
          from coupons c join coupon_templates t on t.id = c.template_id where c.member_id = ${memberId} order by c.issued_at, c.id`,
  );
  return {
    payments: payments.map((row) => ({
      orderNo: row.order_no,
      method: row.method,
      transactionId: row.transaction_id,
      amountFen: row.amount_fen,
      status: row.status,
      createdAt: iso(row.created_at),
    })),
    refunds: refunds.map((row) => ({
      orderNo: row.order_no,
      outRefundNo: row.out_refund_no,
      amountFen: row.amount_fen,
      status: row.status,
      reason: row.reason,
      createdAt: iso(row.created_at),
      succeededAt: isoOrNull(row.succeeded_at),
    })),
    pointsLedger: ledger.map((row) => ({
      kind: row.kind,
      points: row.points,
      occurredAt: iso(row.occurred_at),
      orderNo: row.order_no,
      note: row.note,
    })),
    coupons: coupons.map((row) => ({
      code: row.code,
      name: row.name,
      status: row.status,
      source: row.source,
      issuedAt: iso(row.issued_at),
      validFrom: iso(row.valid_from),
      validTo: iso(row.valid_to),
      usedAt: isoOrNull(row.used_at),
    })),
  };
}

async function loadActivity(tx: Tx, memberId: number) {
  const events = await execute<{
    type: string;
    occurred_at: Date;
    page: string | null;
    product_id: number | null;
    category: string | null;
    keyword: string | null;
    dwell_ms: number | null;
  }>(
    tx,
    sql`select type, occurred_at, page, product_id, category, keyword, dwell_ms from events
         where member_id = ${memberId} order by occurred_at desc, id desc limit ${EXPORT_EVENTS_LIMIT}`,
  );
  const [counted] = await execute<{ n: number }>(tx, sql`select count(*)::int as n from events where member_id = ${memberId}`);
  const answers = await execute<{ template: string; result: string; at: Date }>(
    tx,
    sql`select t.title as template, e.result, e.at from subscription_events e
          join subscribe_templates t on t.template_id = e.template_id where e.member_id = ${memberId} order by e.at, e.id`,
  );
  const credits = await execute<{ template: string; credits: number }>(
    tx,
    sql`select t.title as template, c.credits from subscription_credits c
          join subscribe_templates t on t.template_id = c.template_id where c.member_id = ${memberId} order by t.title`,
  );
  const reviews = await execute<{ product_title: string; rating: number; content: string | null; created_at: Date }>(
    tx,
    sql`select p.title as product_title, r.rating, r.content, r.created_at from reviews r
          join products p on p.id = r.product_id where r.member_id = ${memberId} order by r.created_at, r.id`,
  );
  const signIns = await execute<{ day: string; streak: number }>(
    tx,
    sql`select day::text as day, streak from sign_ins where member_id = ${memberId} order by day`,
  );
  const followups = await execute<{
    title: string | null;
    status: string;
    due_at: Date;
    outcome_note: string | null;
    created_at: Date;
    closed_at: Date | null;
  }>(
    tx,
    sql`select title, status, due_at, outcome_note, created_at, closed_at from followup_tasks
         where member_id = ${memberId} order by created_at, id`,
  );
  const segments = await execute<{ name: string }>(
    tx,
    sql`select s.name from segment_memberships sm join segments s on s.id = sm.segment_id
         where sm.member_id = ${memberId} and s.archived_at is null order by s.name`,
  );
  return {
    events: events.map((row) => ({
      type: row.type,
      occurredAt: iso(row.occurred_at),
      page: row.page,
      productId: row.product_id,
      category: row.category,
      keyword: row.keyword,
      dwellMs: row.dwell_ms,
    })),
    eventsTotal: counted?.n ?? 0,
    subscriptionAnswers: answers.map((row) => ({ template: row.template, result: row.result, at: iso(row.at) })),
    subscriptionCredits: credits,
    reviews: reviews.map((row) => ({
      productTitle: row.product_title,
      rating: row.rating,
      content: row.content,
      createdAt: iso(row.created_at),
    })),
    signIns,
    followups: followups.map((row) => ({
      title: row.title,
      status: row.status,
      dueAt: iso(row.due_at),
      outcomeNote: row.outcome_note,
      createdAt: iso(row.created_at),
      closedAt: isoOrNull(row.closed_at),
    })),
    segments: segments.map((row) => row.name),
  };
}

/** Distinct shipping addresses, in the order first used. */
function distinctAddresses(orders: MemberDataExport['orders']): MemberDataExport['addresses'] {
  const seen = new Map<string, MemberDataExport['addresses'][number]>();
  for (const order of orders) {
    if (!order.address) continue;
    const key = JSON.stringify(order.address);
    if (!seen.has(key)) seen.set(key, order.address);
  }
  return [...seen.values()];
}

/**
 * Everything held about one member, read in one repeatable-read snapshot so the sections agree with each other
 * (e.g. the points balance equals the ledger listed). The member's own phone numbers are decrypted: the reader is
 * the member, or an admin acting on their request (audited by the caller).
 */
export async function exportMemberData(
  database: Database,
  memberId: number,
  keys: PhoneKeys,
  now: Date,
): Promise<MemberDataExport> {
  return withTransaction(
    database,
    async (tx) => {
      const profile = await loadProfile(tx, memberId);
      const orders = await loadOrders(tx, memberId, keys);
      const money = await loadMoney(tx, memberId);
      const activity = await loadActivity(tx, memberId);
      return {
        exportedAt: iso(now),
        profile: {
          id: profile.id,
          openid: profile.openid,
          unionid: profile.unionid,
          phone: profile.phone_cipher ? decryptPhone(profile.phone_cipher, keys) : null,
          nickname: profile.nickname,
          avatarUrl: profile.avatar_url,
          gender: profile.gender,
          birthday: profile.birthday,
          region: profile.region,
          storeName: profile.store_name,
          sourceChannel: profile.source_channel,
          registeredAt: iso(profile.registered_at),
          privacyConsentAt: isoOrNull(profile.privacy_consent_at),
          doNotContact: profile.do_not_contact,
          tags: profile.tags,
        },
        membership: {
          tier: profile.tier,
          tierSince: isoOrNull(profile.tier_since),
          tierKeepUntil: isoOrNull(profile.tier_keep_until),
          pointsBalance: profile.points_balance,
          growthValueFen: profile.growth_value_fen,
          lifecycle: profile.lifecycle,
          rfmSegment: profile.rfm_segment,
          valueLayer: profile.value_layer,
          behaviour: profile.behaviour,
          topCategories: profile.top_categories,
          topBrands: profile.top_brands,
          priceBand: profile.price_band,
          segments: activity.segments,
        },
        addresses: distinctAddresses(orders),
        orders,
        ...money,
        consents: {
          privacyConsentAt: isoOrNull(profile.privacy_consent_at),
          subscriptionAnswers: activity.subscriptionAnswers,
          subscriptionCredits: activity.subscriptionCredits,
        },
        events: activity.events,
        eventsTotal: activity.eventsTotal,
        reviews: activity.reviews,
        signIns: activity.signIns,
        followups: activity.followups,
      };
    },
    { isolationLevel: 'repeatable read' },
  );
}
