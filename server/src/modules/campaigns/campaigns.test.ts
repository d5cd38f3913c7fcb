import { sql } from 'drizzle-orm';
import { fromShanghai, type CampaignListResponse, type CampaignView } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { insertCouponTemplate } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { api, COUPON_TEMPLATE, couponMessage, insertCouponMessageTemplate, staffToken } from './campaigns.fixtures';

type ErrorBody = { error: { code: string; fields?: { field: string; message: string }[] } };

for (const kind of DATABASE_KINDS) {
  describe(`campaigns API [${kind}]`, () => {
    let test: TestServer;
    let operator: string;
    let couponTemplateId: number;
    let soldOutTemplateId: number;
    const db = () => test.testDatabase.database.db;
    const campaignCount = async () =>
      (await execute<{ n: number }>(db(), sql`select count(*)::int as n from campaigns`))[0]?.n ?? -1;
    const valid = () => ({
      name: '会员日',
      kind: 'broadcast',
      steps: [{ action: { type: 'coupon', couponTemplateId } }, { action: couponMessage }],
    });

    beforeAll(async () => {
      test = await startTestServer(kind, { now: fromShanghai(2026, 3, 18, 12) });
      await insertCouponMessageTemplate(db());
      couponTemplateId = await insertCouponTemplate(db());
      soldOutTemplateId = await insertCouponTemplate(db(), { name: '已抢光', totalStock: 1, issuedCount: 1 });
      operator = await staffToken(test, 'operator');
    }, 120_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('lets only admins and operators in', async () => {
      expect((await api(test, 'GET', '/admin/campaigns', undefined)).status).toBe(401);
      {
        const token = await staffToken(test, 'sales_rep');
        expect((await api(test, 'GET', '/admin/campaigns', token)).status).toBe(403);
        expect((await api(test, 'POST', '/admin/campaigns', token, valid())).status).toBe(403);
      }
      expect((await api(test, 'GET', '/admin/campaigns', await staffToken(test, 'admin'))).status).toBe(200);
    });

    it.each([
      [
        'an unknown template',
        { steps: [{ action: { ...couponMessage, templateId: 'no-such-template' } }] },
        'body.steps.0.action.templateId',
      ],
      ['an empty data mapping', { steps: [{ action: { ...couponMessage, data: {} } }] }, 'body.steps.0.action.data'],
      [
        'a value breaking WeChat’s field rules',
        { steps: [{ action: { ...couponMessage, data: { ...couponMessage.data, amount2: 'twenty' } } }] },
        'body.steps.0.action.data.amount2',
      ],
      ['a coupon variable without a coupon step', { steps: [{ action: couponMessage }] }, 'body.steps.0.action.data.thing1'],
      [
        'a coupon out of stock',
        () => ({ steps: [{ action: { type: 'coupon', couponTemplateId: soldOutTemplateId } }] }),
        'body.steps.0.action.couponTemplateId',
      ],
      ['a triggered campaign without a trigger', { kind: 'triggered' }, 'body.trigger'],
      ['a journey without a schedule', { kind: 'journey' }, 'body.cron'],
      ['a wait outside a journey', { steps: [{ waitDays: 3, action: { type: 'tag', tag: 'x' } }] }, 'body.steps.0.waitDays'],
      ['a malformed cron', { kind: 'recurring', cron: '99 10 * * *' }, 'body.cron'],
    ])('refuses %s with 400 naming the field, writing nothing', async (_, change, field) => {
      const before = await campaignCount();
      const body = { ...valid(), ...(typeof change === 'function' ? change() : change) };
      const response = await api<ErrorBody>(test, 'POST', '/admin/campaigns', operator, body);
      expect(response.status).toBe(400);
      expect(response.body.error.fields?.map((f) => f.field)).toContain(field);
      expect(await campaignCount()).toBe(before);
    });

    it('creates a draft, edits it, walks the lifecycle and lists it', async () => {
      const created = await api<CampaignView>(test, 'POST', '/admin/campaigns', operator, valid());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'draft', kind: 'broadcast', holdoutRatioBp: 1000, attributionDays: 7 });
      expect(created.body.steps.map((s) => s.action.type)).toEqual(['coupon', 'subscribe_message']);
      const id = created.body.id;
      const edited = await api<CampaignView>(test, 'PUT', `/admin/campaigns/${id}`, operator, {
        ...valid(),
        name: '会员日（改）',
      });
      expect(edited.body.name).toBe('会员日（改）');
      const move = (action: string) =>
        api<CampaignView & ErrorBody>(test, 'POST', `/admin/campaigns/${id}/transition`, operator, { action });
      expect((await move('resume')).status).toBe(409);
      expect((await move('schedule')).status).toBe(400);
      expect((await move('start')).body.status).toBe('running');
      expect((await api(test, 'PUT', `/admin/campaigns/${id}`, operator, valid())).status).toBe(409);
      expect((await move('pause')).body.status).toBe('paused');
      expect((await move('resume')).body.status).toBe('running');
      expect((await move('finish')).body.status).toBe('finished');
      expect((await api(test, 'DELETE', `/admin/campaigns/${id}`, operator)).status).toBe(409);
      const list = await api<CampaignListResponse>(test, 'GET', '/admin/campaigns?status=finished', operator);
      expect(list.body.items.map((item) => item.id)).toContain(id);
      expect(list.body.items.find((item) => item.id === id)?.stepCount).toBe(2);
      const draft = await api<CampaignView>(test, 'POST', '/admin/campaigns', operator, valid());
      expect((await api(test, 'DELETE', `/admin/campaigns/${draft.body.id}`, operator)).status).toBe(200);
      expect((await api(test, 'GET', `/admin/campaigns/${draft.body.id}`, operator)).status).toBe(404);
    });

    it('refuses to start a campaign whose coupon ran out after it was saved', async () => {
      const templateId = await insertCouponTemplate(db(), { name: '限量券', totalStock: 5 });
      const created = await api<CampaignView>(test, 'POST', '/admin/campaigns', operator, {
        ...valid(),
        steps: [{ action: { type: 'coupon', couponTemplateId: templateId } }],
      });
      await db().execute(sql`update coupon_templates set issued_count = 5 where id = ${templateId}`);
      const start = await api<ErrorBody>(test, 'POST', `/admin/campaigns/${created.body.id}/transition`, operator, {
        action: 'start',
      });
      expect(start.status).toBe(400);
      expect(start.body.error.fields?.[0]?.field).toBe('body.steps.0.action.couponTemplateId');
      expect((await api<CampaignView>(test, 'GET', `/admin/campaigns/${created.body.id}`, operator)).body.status).toBe('draft');
    });

    it('accepts every trigger kind with its parameter and refuses a missing one', async () => {
      const base = { ...valid(), kind: 'triggered', steps: [{ action: { type: 'tag', tag: '触发' } }] };
      const bad = await api<ErrorBody>(test, 'POST', '/admin/campaigns', operator, {
        ...base,
        trigger: { kind: 'cart_abandoned' },
      });
      expect(bad.body.error.fields?.map((f) => f.field)).toContain('body.trigger.hours');
      for (const trigger of [
        { kind: 'registered' },
        { kind: 'tier_down' },
        { kind: 'birthday' },
        { kind: 'points_expiring', days: 30 },
        { kind: 'entered_lifecycle', stage: 'sleeping' },
        { kind: 'cart_abandoned', hours: 24 },
        { kind: 'p_alive_below', below: 0.3 },
      ]) {
        const response = await api<CampaignView>(test, 'POST', '/admin/campaigns', operator, { ...base, trigger });
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        expect(response.body.trigger).toEqual(trigger);
      }
      expect(COUPON_TEMPLATE).toBe(couponMessage.templateId);
    });
  });
}
