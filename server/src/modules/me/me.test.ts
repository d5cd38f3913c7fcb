import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeResponse } from '@member-ops/shared';
import { DATABASE_KINDS, execute } from '../../db';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerAuthRoutes } from '../auth';
import { call, signIn } from '../auth/auth.testing';
import { registerMeRoutes } from './me.routes';

/** 12:00 in Shanghai. */
const NOW = new Date('2026-05-10T04:00:00.000Z');

type Answer = MeResponse & { error?: { code: string; fields?: { field: string }[] } };

for (const kind of DATABASE_KINDS) {
  describe(`me [${kind}]`, () => {
    let server: TestServer;
    const db = () => server.testDatabase.database.db;
    const me = (token: string) => call<Answer>(server.url, 'GET', '/api/me', token);
    const patch = (token: string, body: unknown) => call<Answer>(server.url, 'PATCH', '/api/me', token, body);
    let orderNo = 0;
    const insertOrder = (memberId: number, status: string, paidFen: number, refundedFen: number, paidAt: string | null) =>
      db()
        .execute(sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, refunded_fen, paid_at)
        values (${`T${kind}${++orderNo}`}, ${memberId}, 'mini_program', ${status}, ${paidFen}, ${paidFen},
                ${status === 'pending' ? 0 : paidFen}, ${refundedFen}, ${paidAt}::timestamptz)`);

    beforeAll(async () => {
      server = await startTestServer(kind, {
        now: NOW,
        registerRoutes: (api, context) => {
          registerAuthRoutes(api, context);
          registerMeRoutes(api, context);
        },
      });
    }, 60_000);
    afterAll(async () => {
      await server.stop();
    });

    it('shows a new member with safe defaults', async () => {
      const { token, member } = await signIn(server.url, 'sandbox-newbie');
      const response = await me(token);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: member.id,
        nickname: null,
        gender: 'unknown',
        birthday: null,
        hasPhone: false,
        maskedPhone: null,
        tier: 'normal',
        tierLabel: '普通会员',
        pointsBalance: 0,
        lifecycle: 'prospect',
        lifecycleLabel: '潜在',
        preferences: { topCategories: [], topBrands: [], priceBand: null },
        privacyConsentAt: null,
      });
      expect(response.body.tierProgress).toMatchObject({
        tier: 'normal',
        growthFen: 0,
        next: { tier: 'silver', amountFen: 100_000, by: null },
        keep: null,
        upgradeHint: '再消费¥1,000.00即可升级银卡会员',
        keepHint: null,
      });
      expect((await call(server.url, 'GET', '/api/me', undefined)).status).toBe(401);
    });

    it('computes tier progress from the paid orders in the window, net of refunds', async () => {
      const { token, member } = await signIn(server.url, 'sandbox-silver');
      const other = await signIn(server.url, 'sandbox-other');
      await db().execute(
        sql`update members set tier = 'silver', tier_keep_until = '2026-12-01T00:00:00Z' where id = ${member.id}`,
      );
      await db().execute(
        sql`update member_metrics set lifecycle = 'active', top_categories = '{skincare,makeup}', top_brands = '{lancome}',
              price_band = 'high' where member_id = ${member.id}`,
      );
      await insertOrder(member.id, 'partially_refunded', 80_000, 10_000, '2026-01-15T02:00:00Z');
      await insertOrder(member.id, 'paid', 50_000, 0, '2026-04-01T02:00:00Z');
      // Outside the 365-day window (it starts 2025-05-11 00:00 Shanghai), unpaid, or someone else's: not counted.
      await insertOrder(member.id, 'paid', 300_000, 0, '2025-05-10T15:59:59Z');
      await insertOrder(member.id, 'pending', 90_000, 0, null);
      await insertOrder(other.member.id, 'paid', 400_000, 0, '2026-04-02T02:00:00Z');

      const { body } = await me(token);
      expect(body).toMatchObject({
        tier: 'silver',
        tierLabel: '银卡会员',
        lifecycle: 'active',
        lifecycleLabel: '活跃',
        preferences: { topCategories: ['skincare', 'makeup'], topBrands: ['lancome'], priceBand: 'high' },
      });
      expect(body.tierProgress).toEqual({
        tier: 'silver',
        keepUntil: '2026-12-01T00:00:00.000Z',
        growthFen: 120_000,
        // The January order leaves the window at 2027-01-15 00:00 Shanghai.
        next: { tier: 'gold', amountFen: 380_000, by: '2027-01-14T15:59:59.999Z' },
        keep: { tier: 'silver', amountFen: 0, by: '2026-12-01T00:00:00.000Z', countsFrom: NOW.toISOString() },
        ratio: 0.24,
        upgradeHint: '再消费¥3,800.00（2027-01-14前）即可升级金卡会员',
        keepHint: '已满足银卡会员保级条件（2026-12-01复核）',
      });
    });

    it('updates the profile, validates each field and sets the birthday only once', async () => {
      const { token, member } = await signIn(server.url, 'sandbox-patcher');
      const ok = await patch(token, { nickname: ' 小美 ', gender: 'female', region: '上海市 静安区', birthday: '1990-02-28' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ nickname: '小美', gender: 'female', region: '上海市 静安区', birthday: '1990-02-28' });

      const bad = await patch(token, {
        nickname: 'x'.repeat(33),
        avatarUrl: 'javascript:alert(1)',
        gender: 'other',
        birthday: '1990-02-30',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error?.fields?.map((f) => f.field).sort()).toEqual([
        'body.avatarUrl',
        'body.birthday',
        'body.gender',
        'body.nickname',
      ]);
      const future = await patch(token, { birthday: '2026-05-10' });
      expect(future.status).toBe(400);
      expect(future.body.error?.fields?.[0]?.field).toBe('body.birthday');
      expect((await patch(token, {})).status).toBe(400);
      expect((await patch(token, { phone: '13800138000' })).status).toBe(400);

      const changed = await patch(token, { birthday: '1991-03-01', nickname: '改名' });
      expect(changed.status).toBe(409);
      expect(changed.body.error?.code).toBe('CONFLICT');
      expect((await patch(token, { birthday: '1990-02-28', nickname: '再改' })).status).toBe(200);

      const [row] = await execute<{ nickname: string; birthday: string }>(
        db(),
        sql`select nickname, birthday::text as birthday from members where id = ${member.id}`,
      );
      expect(row).toEqual({ nickname: '再改', birthday: '1990-02-28' });
    });

    it('binds a phone encrypted, shows it masked, and refuses a number bound to someone else', async () => {
      const alice = await signIn(server.url, 'sandbox-phone-a');
      const bob = await signIn(server.url, 'sandbox-phone-b');
      const bound = await call(server.url, 'POST', '/api/me/phone', alice.token, { code: 'phone-13800138000' });
      expect(bound).toMatchObject({ status: 200, body: { hasPhone: true, maskedPhone: '138****8000' } });
      expect(JSON.stringify(bound.body)).not.toContain('13800138000');
      expect((await me(alice.token)).body).toMatchObject({ hasPhone: true, maskedPhone: '138****8000' });
      // Binding the same number again is harmless.
      expect((await call(server.url, 'POST', '/api/me/phone', alice.token, { code: 'phone-13800138000' })).status).toBe(200);

      const taken = await call(server.url, 'POST', '/api/me/phone', bob.token, { code: 'phone-13800138000' });
      expect(taken.status).toBe(409);
      const invalid = await call<Answer>(server.url, 'POST', '/api/me/phone', bob.token, { code: 'nope' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error?.fields?.[0]?.field).toBe('body.code');
      expect((await call(server.url, 'POST', '/api/me/phone', bob.token, {})).status).toBe(400);

      await call(server.url, 'POST', '/sandbox/_control/faults', undefined, {
        path: '/wxa/business/getuserphonenumber',
        errcode: -1,
      });
      const busy = await call(server.url, 'POST', '/api/me/phone', bob.token, { code: 'phone-13900139000' });
      expect(busy.status).toBe(503);

      const rows = await execute<{ id: number; phone_cipher: string | null; phone_tail: string | null }>(
        db(),
        sql`select id, phone_cipher, phone_tail from members where id in (${alice.member.id}, ${bob.member.id}) order by id`,
      );
      expect(rows[0]?.phone_tail).toBe('8000');
      expect(rows[0]?.phone_cipher).not.toContain('13800138000');
      expect(rows[1]).toMatchObject({ phone_cipher: null, phone_tail: null });
    });

    it('records privacy consent at the server time', async () => {
      const { token } = await signIn(server.url, 'sandbox-consent');
      const consent = await call(server.url, 'POST', '/api/me/privacy-consent', token);
      expect(consent).toMatchObject({ status: 200, body: { privacyConsentAt: NOW.toISOString() } });
      expect((await me(token)).body.privacyConsentAt).toBe(NOW.toISOString());
    });
  });
}
