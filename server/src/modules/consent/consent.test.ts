import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriptionsResponse } from '@member-ops/shared';
import { DATABASE_KINDS, execute } from '../../db';
import { subscribeTemplates } from '../../db/schema';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerAuthRoutes } from '../auth';
import { call, signIn } from '../auth/auth.testing';
import { registerConsentRoutes } from './consent.routes';

type Answer = SubscriptionsResponse & { error?: { message: string; fields?: { field: string }[] } };

for (const kind of DATABASE_KINDS) {
  describe(`consent [${kind}]`, () => {
    let server: TestServer;
    const db = () => server.testDatabase.database.db;
    let requests = 0;
    // Each call is a new tap unless the test passes the requestId of an earlier one.
    const answer = (token: string, body: Record<string, unknown>) =>
      call<Answer>(server.url, 'POST', '/api/me/subscriptions', token, { requestId: `tap-${++requests}-test`, ...body });
    const creditsOf = (body: SubscriptionsResponse) =>
      Object.fromEntries(body.templates.map((t) => [t.templateId, [t.credits, t.lastResult]]));

    beforeAll(async () => {
      server = await startTestServer(kind, {
        registerRoutes: (api, context) => {
          registerAuthRoutes(api, context);
          registerConsentRoutes(api, context);
        },
      });
      await db()
        .insert(subscribeTemplates)
        .values([
          { templateId: 'tpl-coupon', title: '优惠券到账提醒', purpose: 'coupon_arrived' },
          { templateId: 'tpl-points', title: '积分即将过期提醒', purpose: 'points_expiring' },
          { templateId: 'tpl-order', title: '订单支付成功通知', purpose: 'order_paid' },
          { templateId: 'tpl-retired', title: '旧模板', active: false },
        ]);
    }, 60_000);
    afterAll(async () => {
      await server.stop();
    });

    it('records a retried answer once: the same requestId sent again (also concurrently) grants one send', async () => {
      const { token } = await signIn(server.url, 'sandbox-retrier');
      const tap = { requestId: 'tap-retried-0001', results: [{ templateId: 'tpl-order', result: 'accept' }] };
      const replies = await Promise.all([answer(token, tap), answer(token, tap), answer(token, tap)]);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
      await answer(token, tap);
      const now = await call<Answer>(server.url, 'GET', '/api/me/subscriptions', token);
      expect(creditsOf(now.body)['tpl-order']).toEqual([1, 'accept']);
      const missing = await call<{ error: { fields: { field: string }[] } }>(server.url, 'POST', '/api/me/subscriptions', token, {
        results: [{ templateId: 'tpl-order', result: 'accept' }],
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.fields.map((f) => f.field)).toEqual(['body.requestId']);
    });

    it('adds a credit per accept, records reject, zeroes on ban, and keeps the history', async () => {
      const { token, member } = await signIn(server.url, 'sandbox-subscriber');
      const initial = await call<Answer>(server.url, 'GET', '/api/me/subscriptions', token);
      expect(creditsOf(initial.body)).toEqual({
        'tpl-coupon': [0, null],
        'tpl-order': [0, null],
        'tpl-points': [0, null],
      });
      await answer(token, {
        results: [
          { templateId: 'tpl-coupon', result: 'accept' },
          { templateId: 'tpl-points', result: 'accept' },
        ],
        context: 'pay_result',
      });
      await answer(token, { results: [{ templateId: 'tpl-coupon', result: 'accept' }] });
      await answer(token, { results: [{ templateId: 'tpl-points', result: 'accept' }] });
      const afterReject = await answer(token, {
        results: [
          { templateId: 'tpl-coupon', result: 'reject' },
          { templateId: 'tpl-order', result: 'reject' },
        ],
      });
      expect(creditsOf(afterReject.body)).toEqual({
        'tpl-coupon': [2, 'reject'],
        'tpl-order': [0, 'reject'],
        'tpl-points': [2, 'accept'],
      });
      const afterBan = await answer(token, { results: [{ templateId: 'tpl-points', result: 'ban' }] });
      expect(afterBan.status).toBe(200);
      expect(creditsOf(afterBan.body)['tpl-points']).toEqual([0, 'ban']);
      expect(afterBan.body.templates.find((t) => t.templateId === 'tpl-coupon')?.title).toBe('优惠券到账提醒');

      const history = await execute<{ template_id: string; result: string; n: number }>(
        db(),
        sql`select template_id, result, count(*)::int as n from subscription_events where member_id = ${member.id}
            group by template_id, result order by template_id, result`,
      );
      expect(history).toEqual([
        { template_id: 'tpl-coupon', result: 'accept', n: 2 },
        { template_id: 'tpl-coupon', result: 'reject', n: 1 },
        { template_id: 'tpl-order', result: 'reject', n: 1 },
        { template_id: 'tpl-points', result: 'accept', n: 2 },
        { template_id: 'tpl-points', result: 'ban', n: 1 },
      ]);
    });

    it('refuses unknown or inactive templates, naming them, and bad shapes, recording nothing', async () => {
      const { token, member } = await signIn(server.url, 'sandbox-picky');
      const unknown = await answer(token, {
        results: [
          { templateId: 'tpl-coupon', result: 'accept' },
          { templateId: 'tpl-nope', result: 'accept' },
          { templateId: 'tpl-retired', result: 'accept' },
        ],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error?.message).toContain('tpl-nope, tpl-retired');
      expect(unknown.body.error?.fields?.map((f) => f.field)).toEqual(['body.results.1.templateId', 'body.results.2.templateId']);

      const four = ['a', 'b', 'c', 'd'].map((id) => ({ templateId: id, result: 'accept' }));
      expect((await answer(token, { results: four })).body.error?.fields?.[0]?.field).toBe('body.results');
      expect((await answer(token, { results: [] })).status).toBe(400);
      const badResult = await answer(token, { results: [{ templateId: 'tpl-coupon', result: 'filter' }] });
      expect(badResult.body.error?.fields?.[0]?.field).toBe('body.results.0.result');
      const twice = await answer(token, {
        results: [
          { templateId: 'tpl-coupon', result: 'accept' },
          { templateId: 'tpl-coupon', result: 'accept' },
        ],
      });
      expect(twice.status).toBe(400);

      const [counts] = await execute<{ events: number; credits: number }>(
        db(),
        sql`select (select count(*)::int from subscription_events where member_id = ${member.id}) as events,
                   (select count(*)::int from subscription_credits where member_id = ${member.id}) as credits`,
      );
      expect(counts).toEqual({ events: 0, credits: 0 });
      expect((await call(server.url, 'GET', '/api/me/subscriptions', undefined)).status).toBe(401);
    });
  });
}
