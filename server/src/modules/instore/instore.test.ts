import { sql } from 'drizzle-orm';
import type { StaffRole } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, withTransaction } from '../../db';
import { type members, staffAccounts, stores } from '../../db/schema';
import { createMemberSession, createStaffSession } from '../../http/auth';
import { encryptPhone, phoneHash, phoneTail } from '../../security/phone-crypto';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { call } from '../auth/auth.testing';
import { issueCoupon } from '../coupons';

const NOW = new Date('2026-11-20T04:00:00Z');

interface ErrorBody {
  error?: { code: string; message: string; fields?: { field: string; message: string }[] };
}

for (const kind of DATABASE_KINDS) {
  describe(`in-store counter over HTTP [${kind}]`, () => {
    let server: TestServer;
    const ids = { storeA: 0, storeB: 0, shopperA: 0, shopperA2: 0, shopperB: 0, repMember: 0 };
    const tokens: Record<'clerk' | 'clerkB' | 'rep' | 'admin' | 'shopper', string> = {
      clerk: '',
      clerkB: '',
      rep: '',
      admin: '',
      shopper: '',
    };
    let repId = 0;
    const db = () => server.testDatabase.database.db;
    const get = <T>(path: string, token: string) => call<T & ErrorBody>(server.url, 'GET', path, token);
    const post = <T>(path: string, token: string, body: unknown) => call<T & ErrorBody>(server.url, 'POST', path, token, body);
    const orderCount = async (memberId: number) =>
      Number(
        (await execute<{ n: number }>(db(), sql`select count(*)::int as n from orders where member_id = ${memberId}`))[0]?.n,
      );
    const balance = async (memberId: number) =>
      Number(
        (
          await execute<{ b: number }>(
            db(),
            sql`select coalesce(sum(points), 0)::int as b from points_ledger where member_id = ${memberId}`,
          )
        )[0]?.b,
      );

    async function memberWithPhone(phone: string, storeId: number | null, extra: Partial<typeof members.$inferInsert> = {}) {
      const keys = server.server.wechat.phoneKeys;
      return insertMember(db(), {
        storeId,
        nickname: `会员${phone.slice(-4)}`,
        phoneCipher: encryptPhone(phone, keys),
        phoneHash: phoneHash(phone, keys),
        phoneTail: phoneTail(phone),
        ...extra,
      });
    }

    beforeAll(async () => {
      server = await startTestServer(kind, { now: NOW });
      const [a, b] = await db()
        .insert(stores)
        .values([
          { code: 'sh-01', name: '上海静安店' },
          { code: 'bj-01', name: '北京三里屯店' },
        ])
        .returning({ id: stores.id });
      ids.storeA = a?.id ?? 0;
      ids.storeB = b?.id ?? 0;
      const accounts: [keyof typeof tokens, StaffRole, number | null][] = [
        ['clerk', 'store_staff', ids.storeA],
        ['clerkB', 'store_staff', ids.storeB],
        ['rep', 'sales_rep', ids.storeA],
        ['admin', 'admin', null],
      ];
      for (const [name, role, storeId] of accounts) {
        const [row] = await db()
          .insert(staffAccounts)
          .values({ username: name, displayName: name, passwordHash: 'not-used', role, storeId })
          .returning({ id: staffAccounts.id });
        if (!row) throw new Error('staff insert returned nothing');
        if (name === 'rep') repId = row.id;
        tokens[name] = (await createStaffSession(db(), row.id, NOW)).token;
      }
      ids.shopperA = await memberWithPhone('13800138000', ids.storeA);
      ids.shopperA2 = await memberWithPhone('13900008000', ids.storeA);
      ids.shopperB = await memberWithPhone('13700008000', ids.storeB);
      ids.repMember = await memberWithPhone('13600006666', ids.storeB, { ownerRepId: repId });
      tokens.shopper = (await createMemberSession(db(), ids.shopperA, NOW)).token;
      const templateId = await insertCouponTemplate(db(), { validDays: 7 });
      await withTransaction(server.testDatabase.database, (tx) =>
        issueCoupon(tx, { templateId, memberId: ids.shopperA, source: 'manual', sourceKey: 'card', now: NOW }),
      );
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('issues opaque member codes that a clerk of the member’s store can scan, and that expire', async () => {
      const first = await get<{ code: string; expiresAt: string; refreshInSeconds: number }>(
        '/api/me/member-code',
        tokens.shopper,
      );
      const second = await get<{ code: string }>('/api/me/member-code', tokens.shopper);
      expect(first.status).toBe(200);
      expect(first.body.refreshInSeconds).toBe(60);
      expect(first.body.expiresAt).toBe(new Date(NOW.getTime() + 120_000).toISOString());
      expect(first.body.code).toMatch(/^MC1\.[A-Za-z0-9_-]+$/);
      expect(first.body.code).not.toBe(second.body.code);
      const idBytes = Buffer.alloc(8);
      idBytes.writeBigUInt64BE(BigInt(ids.shopperA));
      expect(Buffer.from(first.body.code.slice(4), 'base64url').includes(idBytes), 'member id in clear').toBe(false);

      const scanned = await get<{ items: { id: number; maskedPhone: string }[] }>(
        `/api/staff/members/lookup?code=${encodeURIComponent(first.body.code)}`,
        tokens.clerk,
      );
      expect(scanned.status).toBe(200);
      expect(scanned.body.items).toEqual([
        expect.objectContaining({ id: ids.shopperA, maskedPhone: '138****8000', tier: 'normal' }),
      ]);

      const otherStore = await get(`/api/staff/members/lookup?code=${encodeURIComponent(first.body.code)}`, tokens.clerkB);
      expect(otherStore.status).toBe(403);

      const last = first.body.code.at(-2) === 'A' ? 'B' : 'A';
      const tampered = `${first.body.code.slice(0, -2)}${last}${first.body.code.at(-1)}`;
      const bad = await get(`/api/staff/members/lookup?code=${encodeURIComponent(tampered)}`, tokens.clerk);
      expect(bad.status).toBe(400);
      expect(bad.body.error?.fields).toEqual([{ field: 'query.code', message: 'not a valid member code' }]);

      server.setNow(new Date(NOW.getTime() + 120_000));
      const expired = await get(`/api/staff/members/lookup?code=${encodeURIComponent(first.body.code)}`, tokens.clerk);
      server.setNow(NOW);
      expect(expired.status).toBe(400);
      expect(expired.body.error?.fields?.[0]).toEqual({ field: 'query.code', message: 'the member code has expired' });
    });

    it('serves a member who signed up online: their code attaches them to the clerk’s store, once', async () => {
      const online = await memberWithPhone('13500005555', null);
      const onlineToken = (await createMemberSession(db(), online, NOW)).token;
      const code = async () => (await get<{ code: string }>('/api/me/member-code', onlineToken)).body.code;
      // A phone tail alone does not reach a member outside the store.
      const byTail = await get<{ items: unknown[] }>('/api/staff/members/lookup?phoneTail=5555', tokens.clerk);
      expect(byTail.body.items).toEqual([]);

      const scanned = await get<{ items: { id: number }[] }>(
        `/api/staff/members/lookup?code=${encodeURIComponent(await code())}`,
        tokens.clerk,
      );
      expect(scanned.status).toBe(200);
      expect(scanned.body.items.map((m) => m.id)).toEqual([online]);
      const [attached] = await execute<{ store_id: number; audits: number }>(
        db(),
        sql`select m.store_id, (select count(*)::int from audit_log a
              where a.action = 'member.attach_store' and a.target_id = ${String(online)}) as audits
            from members m where m.id = ${online}`,
      );
      expect(attached).toEqual({ store_id: ids.storeA, audits: 1 });
      expect((await get(`/api/staff/members/${online}`, tokens.clerk)).status).toBe(200);

      // Now a member of store A: another store's clerk cannot take them over with the code.
      const elsewhere = await get(`/api/staff/members/lookup?code=${encodeURIComponent(await code())}`, tokens.clerkB);
      expect(elsewhere.status).toBe(403);
      const [after] = await execute<{ store_id: number; audits: number }>(
        db(),
        sql`select m.store_id, (select count(*)::int from audit_log a
              where a.action = 'member.attach_store' and a.target_id = ${String(online)}) as audits
            from members m where m.id = ${online}`,
      );
      expect(after).toEqual({ store_id: ids.storeA, audits: 1 });
    });

    it('finds members by phone tail only within the store or the rep’s own list, phone masked', async () => {
      const clerk = await get<{ items: { id: number; maskedPhone: string }[] }>(
        '/api/staff/members/lookup?phoneTail=8000',
        tokens.clerk,
      );
      expect(clerk.status).toBe(200);
      expect(clerk.body.items.map((item) => item.id).sort((x, y) => x - y)).toEqual(
        [ids.shopperA, ids.shopperA2].sort((x, y) => x - y),
      );
      expect(JSON.stringify(clerk.body)).not.toContain('13800138000');
      const clerkB = await get<{ items: { id: number }[] }>('/api/staff/members/lookup?phoneTail=8000', tokens.clerkB);
      expect(clerkB.body.items.map((item) => item.id)).toEqual([ids.shopperB]);
      const rep = await get<{ items: { id: number }[] }>('/api/staff/members/lookup?phoneTail=6666', tokens.rep);
      expect(rep.body.items.map((item) => item.id)).toEqual([ids.repMember]);
      const repOther = await get<{ items: unknown[] }>('/api/staff/members/lookup?phoneTail=8000', tokens.rep);
      expect(repOther.body.items).toEqual([]);
    });

    it('refuses malformed lookups with 400 naming the field, and callers who are not staff', async () => {
      const letters = await get('/api/staff/members/lookup?phoneTail=80a0', tokens.clerk);
      expect(letters.status).toBe(400);
      expect(letters.body.error?.fields?.map((f) => f.field)).toEqual(['query.phoneTail']);
      const neither = await get('/api/staff/members/lookup', tokens.clerk);
      expect(neither.status).toBe(400);
      expect(neither.body.error?.fields?.map((f) => f.field)).toEqual(['query.code']);
      const asShopper = await get('/api/staff/members/lookup?phoneTail=8000', tokens.shopper);
      expect(asShopper.status).toBe(401);
      const anonymous = await get('/api/me/member-code', '');
      expect(anonymous.status).toBe(401);
    });

    it('shows the counter card with tier, points, coupons and recent orders, only in scope', async () => {
      const card = await get<{
        id: number;
        maskedPhone: string;
        tierLabel: string;
        upgradeHint: string;
        lifecycleLabel: string;
        coupons: { status: string; name: string }[];
        recentOrders: unknown[];
      }>(`/api/staff/members/${ids.shopperA}`, tokens.clerk);
      expect(card.status).toBe(200);
      expect(card.body).toMatchObject({ id: ids.shopperA, maskedPhone: '138****8000', tierLabel: '普通会员' });
      expect(card.body.upgradeHint).toContain('即可升级');
      expect(card.body.coupons).toEqual([expect.objectContaining({ status: 'available', name: '满100减20' })]);
      expect(JSON.stringify(card.body)).not.toContain('13800138000');
      expect((await get(`/api/staff/members/${ids.shopperB}`, tokens.clerk)).status).toBe(404);
      expect((await get(`/api/staff/members/${ids.shopperB}`, tokens.admin)).status).toBe(200);
      expect((await get('/api/staff/members/abc', tokens.clerk)).status).toBe(400);
    });

    it('records a till purchase once, however often it is retried, and credits its points once', async () => {
      const path = `/api/staff/members/${ids.shopperA}/purchases`;
      const before = await balance(ids.shopperA);
      const ordersBefore = await orderCount(ids.shopperA);
      const request = { requestId: 'till-0001-abcdef', amountFen: 12_345, note: '小票 0001' };
      const results = await Promise.all([
        post(path, tokens.clerk, request),
        post(path, tokens.clerk, request),
        post(path, tokens.clerk, request),
      ]);
      const statuses = results.map((result) => result.status);
      expect(
        statuses.every((status) => status === 201 || status === 409),
        JSON.stringify(results.map((r) => r.body)),
      ).toBe(true);
      const created = results.filter((result) => result.status === 201);
      expect(created.filter((result) => (result.body as { duplicate?: boolean }).duplicate === false)).toHaveLength(1);
      expect(created[0]?.body).toMatchObject({
        amountFen: 12_345,
        pointsEarned: 123,
        pointsBalance: before + 123,
        tier: 'normal',
      });

      const retry = await post<{ duplicate: boolean; pointsEarned: number; pointsBalance: number }>(path, tokens.clerk, request);
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ duplicate: true, pointsEarned: 123, pointsBalance: before + 123 });
      expect(await orderCount(ids.shopperA)).toBe(ordersBefore + 1);
      expect(await balance(ids.shopperA)).toBe(before + 123);

      const [order] = await execute<{ channel: string; status: string; store_id: number; paid_fen: number }>(
        db(),
        sql`select channel, status, store_id, paid_fen from orders where member_id = ${ids.shopperA} and client_order_key = 'pos:till-0001-abcdef'`,
      );
      expect(order).toMatchObject({ channel: 'pos', status: 'paid', paid_fen: 12_345 });
      expect(Number(order?.store_id)).toBe(ids.storeA);

      const card = await get<{ pointsBalance: number; recentOrders: { channel: string; paidFen: number }[] }>(
        `/api/staff/members/${ids.shopperA}`,
        tokens.clerk,
      );
      expect(card.body.pointsBalance).toBe(before + 123);
      expect(card.body.recentOrders[0]).toMatchObject({ channel: 'pos', paidFen: 12_345 });

      const changed = await post(path, tokens.clerk, { ...request, amountFen: 99 });
      expect(changed.status).toBe(409);
      expect(await balance(ids.shopperA)).toBe(before + 123);
    });

    it('refuses purchases outside the clerk’s store, from reps, and with bad amounts, writing nothing', async () => {
      const path = `/api/staff/members/${ids.shopperA}/purchases`;
      const ordersBefore = await orderCount(ids.shopperA);
      const otherStore = await post(path, tokens.clerk, { requestId: 'till-0002-abcdef', amountFen: 100, storeId: ids.storeB });
      expect(otherStore.status).toBe(403);
      const fromRep = await post(path, tokens.rep, { requestId: 'till-0003-abcdef', amountFen: 100 });
      expect(fromRep.status).toBe(403);
      const wrongMember = await post(`/api/staff/members/${ids.shopperB}/purchases`, tokens.clerk, {
        requestId: 'till-0004-abcdef',
        amountFen: 100,
      });
      expect(wrongMember.status).toBe(404);
      const zero = await post(path, tokens.clerk, { requestId: 'x', amountFen: 0 });
      expect(zero.status).toBe(400);
      expect(zero.body.error?.fields?.map((f) => f.field).sort()).toEqual(['body.amountFen', 'body.requestId']);
      expect(await orderCount(ids.shopperA)).toBe(ordersBefore);
      expect(await orderCount(ids.shopperB)).toBe(0);
    });
  });
}
