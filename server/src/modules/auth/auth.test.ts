import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { stores } from '../../db/schema';
import { startTestServer, type TestServer } from '../../testing/server';
import { DEFAULT_SIGN_IN_RATE_LIMIT, registerAuthRoutes } from './auth.routes';
import { call, signIn } from './auth.testing';

const DAY_MS = 86_400_000;

async function membersWithOpenid(server: TestServer, openid: string): Promise<number | undefined> {
  const [row] = await execute<{ n: number }>(
    server.testDatabase.database.db,
    sql`select count(*)::int as n from members where openid = ${openid}`,
  );
  return row?.n;
}

for (const kind of DATABASE_KINDS) {
  describe(`auth [${kind}]`, () => {
    let server: TestServer;
    const countMembers = (openid: string) => membersWithOpenid(server, openid);

    beforeAll(async () => {
      server = await startTestServer(kind, { registerRoutes: registerAuthRoutes });
    }, 60_000);
    afterAll(async () => {
      await server.stop();
    });

    it('creates the member on first login, records the source once, and finds it again later', async () => {
      const [store] = await server.testDatabase.database.db
        .insert(stores)
        .values({ code: 'SH-01', name: '静安店' })
        .returning({ id: stores.id });
      const inviter = await signIn(server.url, 'sandbox-inviter');
      const first = await signIn(server.url, 'sandbox-alice', {
        channel: 'qr_store',
        scene: 1047,
        storeId: store?.id,
        inviterMemberId: inviter.member.id,
      });
      expect(first.member).toMatchObject({ tier: 'normal', hasPhone: false, isNew: true });
      expect(new Date(first.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS);

      const again = await signIn(server.url, 'sandbox-alice.2', { channel: 'share', storeId: store?.id });
      expect(again.member).toMatchObject({ id: first.member.id, isNew: false });
      expect(again.token).not.toBe(first.token);
      const [row] = await execute<{ source_channel: string; source_scene: string; store_id: number; inviter_member_id: number }>(
        server.testDatabase.database.db,
        sql`select source_channel, source_scene, store_id, inviter_member_id from members where id = ${first.member.id}`,
      );
      expect(row).toEqual({
        source_channel: 'qr_store',
        source_scene: '1047',
        store_id: store?.id,
        inviter_member_id: inviter.member.id,
      });
      expect(await countMembers('o_sandbox_alice')).toBe(1);
    });

    it('creates one member when five first logins of the same shopper race', async () => {
      const logins = await Promise.all([1, 2, 3, 4, 5].map((n) => signIn(server.url, `sandbox-racer.${n}`)));
      expect(new Set(logins.map((login) => login.member.id)).size).toBe(1);
      expect(logins.filter((login) => login.member.isNew)).toHaveLength(1);
      expect(await countMembers('o_sandbox_racer')).toBe(1);
    });

    it('answers a bad or used code and an unknown store with 400/401 naming the field, creating nothing', async () => {
      const invalid = await call(server.url, 'POST', '/api/auth/wechat', undefined, { code: 'not-a-sandbox-code' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ error: { fields: [{ field: 'body.code' }] } });

      await signIn(server.url, 'sandbox-bob');
      const used = await call(server.url, 'POST', '/api/auth/wechat', undefined, { code: 'sandbox-bob' });
      expect(used.status).toBe(401);
      expect(used.body).toMatchObject({ error: { code: 'UNAUTHENTICATED', fields: [{ field: 'body.code' }] } });

      const unknownStore = await call(server.url, 'POST', '/api/auth/wechat', undefined, {
        code: 'sandbox-carol',
        source: { storeId: 999_999, inviterMemberId: 888_888 },
      });
      expect(unknownStore.status).toBe(400);
      expect(unknownStore.body).toMatchObject({
        error: { fields: [{ field: 'body.source.storeId' }, { field: 'body.source.inviterMemberId' }] },
      });
      const missing = await call(server.url, 'POST', '/api/auth/wechat', undefined, {});
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ error: { fields: [{ field: 'body.code' }] } });
      expect(await countMembers('o_sandbox_carol')).toBe(0);
      // The code was not spent on the refused request.
      expect((await signIn(server.url, 'sandbox-carol')).member.isNew).toBe(true);
    });

    it('answers 503 while WeChat is unavailable, without spending the code', async () => {
      const fault = await call(server.url, 'POST', '/sandbox/_control/faults', undefined, {
        path: '/sns/jscode2session',
        errcode: -1,
      });
      expect(fault.status).toBe(201);
      const busy = await call(server.url, 'POST', '/api/auth/wechat', undefined, { code: 'sandbox-erin' });
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });
      expect(await countMembers('o_sandbox_erin')).toBe(0);
      expect((await signIn(server.url, 'sandbox-erin')).member.isNew).toBe(true);
    });

    it('revokes the session on logout and refuses expired sessions', async () => {
      const login = await signIn(server.url, 'sandbox-dave');
      expect((await call(server.url, 'POST', '/api/auth/logout', login.token)).status).toBe(200);
      expect((await call(server.url, 'POST', '/api/auth/logout', login.token)).status).toBe(401);

      const fresh = await signIn(server.url, 'sandbox-dave.2');
      expect((await call(server.url, 'POST', '/api/auth/logout', 'x'.repeat(43))).status).toBe(401);
      server.setNow(new Date(Date.now() + 31 * DAY_MS));
      try {
        expect((await call(server.url, 'POST', '/api/auth/logout', fresh.token)).status).toBe(401);
      } finally {
        server.setNow(new Date());
      }
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`shopper sign-in rate limit per client address [${kind}]`, () => {
    const NOW = new Date('2026-05-10T04:00:00.000Z');
    let server: TestServer;
    const countMembers = (openid: string) => membersWithOpenid(server, openid);
    const attempt = (code: string, from: string) =>
      fetch(`${server.url}/api/auth/wechat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ code }),
      }).then(async (r) => ({
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        body: (await r.json()) as { error?: { code: string; message: string } },
      }));

    beforeAll(async () => {
      // A fixed clock: no token comes back while the test runs unless the test moves the clock.
      server = await startTestServer(kind, {
        now: NOW,
        registerRoutes: registerAuthRoutes,
        env: { TRUSTED_PROXIES: '127.0.0.1' },
      });
    }, 60_000);
    afterAll(async () => {
      await server.stop();
    });

    it('answers 429 with Retry-After and a Chinese message past the burst, per address, before the code is spent', async () => {
      const { burst } = DEFAULT_SIGN_IN_RATE_LIMIT;
      const statuses = [];
      // Every kind of answer counts: a good code, then bad ones (400).
      statuses.push((await attempt('sandbox-flood', '203.0.113.5')).status);
      for (let n = 1; n < burst; n++) statuses.push((await attempt(`bad-code-${n}`, '203.0.113.5')).status);
      expect(statuses).toEqual([200, ...Array.from({ length: burst - 1 }, () => 400)]);

      const limited = await attempt('sandbox-patient', '203.0.113.5');
      expect(limited).toEqual({
        status: 429,
        retryAfter: '1',
        body: { error: { code: 'RATE_LIMITED', message: '登录太频繁，请稍后再试' } },
      });
      expect(await countMembers('o_sandbox_patient')).toBe(0);
      // Another address is not affected.
      expect((await attempt('sandbox-neighbour', '198.51.100.5')).status).toBe(200);
      // One second later one more sign-in goes through, with the code the refused request did not spend.
      server.setNow(new Date(NOW.getTime() + 1000));
      expect((await attempt('sandbox-patient', '203.0.113.5')).status).toBe(200);
      expect((await attempt('sandbox-patient.2', '203.0.113.5')).status).toBe(429);
      expect(await countMembers('o_sandbox_patient')).toBe(1);
    });

    it('limits an IPv6 client by its /64, whichever address in it each request comes from', async () => {
      server.setNow(new Date(NOW.getTime() + 30_000));
      const { burst } = DEFAULT_SIGN_IN_RATE_LIMIT;
      const statuses = [];
      for (let n = 0; n <= burst; n++) statuses.push((await attempt(`bad-code-${n}`, `2001:db8:5:6::${n.toString(16)}`)).status);
      expect(statuses).toEqual([...Array.from({ length: burst }, () => 400), 429]);
      expect((await attempt('bad-code', '2001:db8:5:7::1')).status).toBe(400);
    });

    it('answers 30 parallel sign-ins from a fresh address and refuses the rest of a burst of 50', async () => {
      server.setNow(new Date(NOW.getTime() + 60_000));
      const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => attempt(`sandbox-crowd${n}`, '203.0.113.6')));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(DEFAULT_SIGN_IN_RATE_LIMIT.burst);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(50 - DEFAULT_SIGN_IN_RATE_LIMIT.burst);
    });
  });
}
