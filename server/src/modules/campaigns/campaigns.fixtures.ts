import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { CampaignInput, CampaignView } from '@member-ops/shared';
import { expect } from 'vitest';
import { execute, type DatabaseKind, type Executor } from '../../db';
import { memberMetrics, staffAccounts, subscribeTemplates, subscriptionCredits } from '../../db/schema';
import { createStaffSession } from '../../http/auth';
import { call } from '../auth/auth.testing';
import { insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { planCampaigns } from './index';

export const COUPON_TEMPLATE = 'tpl-coupon-arrived';

/** A bearer header for a new staff account of the role. */
export async function staffToken(test: TestServer, role: 'admin' | 'operator' | 'sales_rep' | 'store_staff'): Promise<string> {
  const db = test.testDatabase.database.db;
  const [staff] = await db
    .insert(staffAccounts)
    .values({ username: `${role}-${randomUUID()}`, displayName: role, passwordHash: 'x', role })
    .returning({ id: staffAccounts.id });
  const { token } = await createStaffSession(db, staff?.id ?? 0, test.server.clock());
  return token;
}

export async function api<T>(test: TestServer, method: string, path: string, token: string | undefined, body?: unknown) {
  const { status, body: answer } = await call<T>(test.url, method, `/api${path}`, token, body);
  return { status, body: answer };
}

/** The coupon-arrived template (thing1, amount2, date3, thing4). */
export async function insertCouponMessageTemplate(db: Executor): Promise<void> {
  await db
    .insert(subscribeTemplates)
    .values({
      templateId: COUPON_TEMPLATE,
      title: '优惠券到账提醒',
      purpose: 'coupon_arrived',
      fields: [
        { key: 'thing1', type: 'thing', label: '优惠券名称' },
        { key: 'amount2', type: 'amount', label: '优惠金额' },
        { key: 'date3', type: 'date', label: '有效期至' },
        { key: 'thing4', type: 'thing', label: '温馨提示' },
      ],
    })
    .onConflictDoNothing();
}

export const couponMessage = {
  type: 'subscribe_message' as const,
  templateId: COUPON_TEMPLATE,
  data: { thing1: '{{coupon.name}}', amount2: '{{coupon.amount}}', date3: '{{coupon.validTo}}', thing4: '专属优惠已到账' },
  page: 'pages/coupons/index',
};

export const plainMessage = {
  type: 'subscribe_message' as const,
  templateId: COUPON_TEMPLATE,
  data: { thing1: '春季会员日', amount2: '¥20', date3: '{{today}}', thing4: '{{member.nickname}}，会员日全场满100减20' },
};

/** A member visible to audiences (with a metrics row) and `credits` grants of the coupon message. */
export async function campaignMember(
  db: Executor,
  options: {
    credits?: number;
    openid?: string;
    lifecycle?: 'active' | 'silent' | 'sleeping';
    doNotContact?: boolean;
    tags?: string[];
  } = {},
): Promise<number> {
  const id = await insertMember(db, {
    openid: options.openid ?? `openid-${randomUUID()}`,
    doNotContact: options.doNotContact ?? false,
    tags: options.tags ?? [],
  });
  await db
    .insert(memberMetrics)
    .values({ memberId: id, lifecycle: options.lifecycle ?? 'active' })
    .onConflictDoUpdate({ target: memberMetrics.memberId, set: { lifecycle: options.lifecycle ?? 'active' } });
  if ((options.credits ?? 0) > 0) {
    await db.insert(subscriptionCredits).values({ memberId: id, templateId: COUPON_TEMPLATE, credits: options.credits ?? 0 });
  }
  return id;
}

/** A test server at `now` with the coupon message template and an operator's bearer token. */
export async function startCampaignServer(kind: DatabaseKind, now: Date): Promise<{ test: TestServer; token: string }> {
  const test = await startTestServer(kind, { now });
  await insertCouponMessageTemplate(test.testDatabase.database.db);
  return { test, token: await staffToken(test, 'operator') };
}

/** Back at `now` with no messages in the sandbox, as each test starts. */
export async function resetCampaignServer(test: TestServer, now: Date): Promise<void> {
  test.setNow(now);
  await clearSandboxMessages(test);
}

/** Each member's coupon message credits left, in member order. */
export async function couponMessageCredits(db: Executor, members: number[]): Promise<number[]> {
  const rows = await execute<{ credits: number }>(
    db,
    sql`select credits from subscription_credits where member_id = any(${`{${members.join(',')}}`}::int8[])
        and template_id = ${COUPON_TEMPLATE} order by member_id`,
  );
  return rows.map((row) => row.credits);
}

export async function createAndStart(
  test: TestServer,
  token: string,
  input: Partial<CampaignInput> & Pick<CampaignInput, 'steps'>,
) {
  const created = await api<CampaignView>(test, 'POST', '/admin/campaigns', token, {
    name: '测试活动',
    kind: 'broadcast',
    ...input,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = await api<CampaignView>(test, 'POST', `/admin/campaigns/${created.body.id}/transition`, token, {
    action: 'start',
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return started.body;
}

/** `count` new members with 2 coupon message credits each, and a started, planned broadcast of one message to them. */
export async function plannedBroadcast(test: TestServer, token: string, count: number, otherTags: string[] = []) {
  const tag = `b-${randomUUID().slice(0, 8)}`;
  const openids = Array.from({ length: count }, () => `openid-${randomUUID()}`);
  const members: number[] = [];
  for (const openid of openids) {
    members.push(await campaignMember(test.testDatabase.database.db, { credits: 2, openid, tags: [tag, ...otherTags] }));
  }
  const campaign = await createAndStart(test, token, {
    rule: { field: 'tags', op: 'containsAny', value: [tag] } as never,
    holdoutRatioBp: 0,
    steps: [{ waitDays: 0, condition: 'always', action: plainMessage }],
  });
  expect((await planCampaigns(test.server)).deliveries).toBe(count);
  return { campaign, openids, members };
}

export interface SandboxMessage {
  touser: string;
  template_id: string;
  data: Record<string, { value: string }>;
}

export async function sandboxMessages(test: TestServer): Promise<SandboxMessage[]> {
  const response = await fetch(`${test.url}/sandbox/_inspect/messages`);
  return ((await response.json()) as { messages: SandboxMessage[] }).messages;
}

export async function clearSandboxMessages(test: TestServer): Promise<void> {
  await fetch(`${test.url}/sandbox/_inspect/messages`, { method: 'DELETE' });
}

export async function deliveryRows(db: Executor, campaignId: number) {
  return execute<{
    member_id: number;
    channel: string;
    status: string;
    skip_reason: string | null;
    holdout: boolean;
    not_before: Date;
  }>(
    db,
    sql`select member_id, channel, status, skip_reason, holdout, not_before from deliveries where campaign_id = ${campaignId}
        order by member_id, step_id`,
  );
}

/** Records a paid POS order for the member at `at`. */
export async function paidOrder(db: Executor, memberId: number, at: Date, fen = 12_000): Promise<void> {
  await db.execute(
    sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, paid_at, created_at, updated_at)
        values (${`T${randomUUID().slice(0, 12)}`}, ${memberId}, 'pos', 'paid', ${fen}, ${fen}, ${fen}, ${at}, ${at}, ${at})`,
  );
}
