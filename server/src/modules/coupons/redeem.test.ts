import { eq, sql } from 'drizzle-orm';
import type { StaffRole } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, withTransaction } from '../../db';
import { auditLog, coupons, staffAccounts, stores } from '../../db/schema';
import { createStaffSession } from '../../http/auth';
import { hashPassword } from '../../security/password';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerCouponRoutes } from './coupons.routes';
import { issueCoupon } from './issue';
import { redeemCouponInStore } from './redeem';
import { loadConfig } from '../../config';

const NOW = new Date('2026-11-20T04:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`in-store coupon redemption over HTTP [${kind}]`, () => {
    let server: TestServer;
    let storeA = 0;
    let storeB = 0;
    let memberId = 0;
    /** A member of the other store, and one who signed up online and never visited a store. */
    let otherStoreMember = 0;
    let onlineMember = 0;
    let templateId = 0;
    const staff: Record<'clerk' | 'admin' | 'rep', { id: number; token: string }> = {
      clerk: { id: 0, token: '' },
      admin: { id: 0, token: '' },
      rep: { id: 0, token: '' },
    };

    const issue = async (sourceKey: string, template = templateId, owner = memberId) => {
      const decision = await withTransaction(server.testDatabase.database, (tx) =>
        issueCoupon(tx, { templateId: template, memberId: owner, source: 'manual', sourceKey, now: NOW }),
      );
      if (decision.kind !== 'issued') throw new Error('could not issue');
      return decision.coupon;
    };
    const redeem = async (token: string, code: string, body: unknown = {}) => {
      const response = await fetch(`${server.url}/api/staff/coupons/${code}/redeem`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown> & {
          error?: { code: string; message: string; fields?: { field: string }[] };
        },
      };
    };
    const couponState = async (id: number) => {
      const [row] = await server.testDatabase.database.db.select().from(coupons).where(eq(coupons.id, id));
      return row;
    };
    const auditRows = (id: number) =>
      server.testDatabase.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.targetId, String(id)));

    beforeAll(async () => {
      server = await startTestServer(kind, { registerRoutes: registerCouponRoutes, now: NOW });
      const { db } = server.testDatabase.database;
      const storeRows = await db
        .insert(stores)
        .values([
          { code: 'sh-01', name: '上海一店' },
          { code: 'sh-02', name: '上海二店' },
        ])
        .returning({ id: stores.id });
      storeA = storeRows[0]?.id ?? 0;
      storeB = storeRows[1]?.id ?? 0;
      const passwordHash = await hashPassword('correct horse battery staple');
      const accounts: [keyof typeof staff, StaffRole, number | null][] = [
        ['clerk', 'store_staff', storeA],
        ['admin', 'admin', null],
        ['rep', 'sales_rep', null],
      ];
      for (const [name, role, storeId] of accounts) {
        const [row] = await db
          .insert(staffAccounts)
          .values({ username: name, displayName: name, passwordHash, role, storeId })
          .returning({ id: staffAccounts.id });
        if (!row) throw new Error('staff insert returned nothing');
        staff[name] = { id: row.id, token: (await createStaffSession(db, row.id, NOW)).token };
      }
      memberId = await insertMember(db, { storeId: storeA });
      otherStoreMember = await insertMember(db, { storeId: storeB });
      onlineMember = await insertMember(db);
      templateId = await insertCouponTemplate(db, { validDays: 7 });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('redeems a coupon exactly once when two clerks scan it at the same moment', async () => {
      const coupon = await issue('twice');
      const results = await Promise.all([redeem(staff.clerk.token, coupon.code), redeem(staff.clerk.token, coupon.code)]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
      const winner = results.find((result) => result.status === 200);
      expect(winner?.body).toMatchObject({
        coupon: { id: coupon.id, status: 'used', usedAt: NOW.toISOString() },
        memberId,
        storeId: storeA,
        redeemedByStaffId: staff.clerk.id,
      });
      const loser = results.find((result) => result.status === 409);
      expect(loser?.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already been used') });
      expect(await couponState(coupon.id)).toMatchObject({ status: 'used', usedAt: NOW, redeemedByStaff: staff.clerk.id });
      const audit = await auditRows(coupon.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actorStaffId: staff.clerk.id,
        action: 'coupon.redeem',
        targetType: 'coupon',
        detail: { storeId: storeA, memberId, templateId },
      });
    });

    it('accepts a typed code in lower case', async () => {
      const coupon = await issue('lower');
      const { status } = await redeem(staff.clerk.token, coupon.code.toLowerCase());
      expect(status).toBe(200);
    });

    it('lets an admin name any store but keeps store staff to their own', async () => {
      const coupon = await issue('stores');
      const foreign = await redeem(staff.clerk.token, coupon.code, { storeId: storeB });
      expect(foreign.status).toBe(403);
      expect((await couponState(coupon.id))?.status).toBe('available');
      const byAdmin = await redeem(staff.admin.token, coupon.code, { storeId: storeB });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body).toMatchObject({ storeId: storeB, redeemedByStaffId: staff.admin.id });
      expect((await auditRows(coupon.id))[0]?.detail).toMatchObject({ storeId: storeB });
    });

    it('refuses sales reps (403), unknown codes (404) and expired or unknown stores, changing nothing', async () => {
      const coupon = await issue('refused');
      expect((await redeem(staff.rep.token, coupon.code)).status).toBe(403);
      const unknownCode = await redeem(staff.clerk.token, 'ZZZZZZZZZZZZ');
      expect(unknownCode.status).toBe(404);
      expect(unknownCode.body.error).toMatchObject({ code: 'NOT_FOUND' });
      expect((await redeem(staff.admin.token, coupon.code, { storeId: 987_654 })).status).toBe(404);
      const anonymous = await fetch(`${server.url}/api/staff/coupons/${coupon.code}/redeem`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      expect(await couponState(coupon.id)).toMatchObject({ status: 'available', usedAt: null, redeemedByStaff: null });
      expect(await auditRows(coupon.id)).toEqual([]);
    });

    it("refuses a clerk another store's member's coupon in Chinese, changing nothing, unless cross-store redemption is on", async () => {
      for (const [key, owner] of [
        ['other-store', otherStoreMember],
        ['online-only', onlineMember],
      ] as const) {
        const coupon = await issue(key, templateId, owner);
        const refused = await redeem(staff.clerk.token, coupon.code);
        expect(refused.status).toBe(403);
        expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: '该优惠券属于其他门店的会员，本店不能核销' });
        expect(await couponState(coupon.id)).toMatchObject({ status: 'available', usedAt: null, redeemedByStaff: null });
        expect(await auditRows(coupon.id)).toEqual([]);
        // An operator serves every member, so redeems it.
        expect((await redeem(staff.admin.token, coupon.code, { storeId: storeA })).status).toBe(200);
      }

      const coupon = await issue('cross-store-setting', templateId, otherStoreMember);
      const input = {
        code: coupon.code,
        staff: { id: staff.clerk.id, username: 'clerk', role: 'store_staff' as const, storeId: storeA, sessionId: 0 },
        storeId: undefined,
        now: NOW,
        requestId: 'test',
        ip: '127.0.0.1',
      };
      await expect(redeemCouponInStore(server.testDatabase.database, { ...input, crossStore: false })).rejects.toMatchObject({
        status: 403,
      });
      const redeemed = await redeemCouponInStore(server.testDatabase.database, { ...input, crossStore: true });
      expect(redeemed).toMatchObject({ memberId: otherStoreMember, storeId: storeA, redeemedByStaffId: staff.clerk.id });
      expect(loadConfig({ DATA_DIR: '/tmp' }).allowCrossStoreRedemption).toBe(false);
      expect(loadConfig({ DATA_DIR: '/tmp', ALLOW_CROSS_STORE_REDEMPTION: 'true' }).allowCrossStoreRedemption).toBe(true);
    });

    it('refuses an expired coupon with a clear message', async () => {
      // Staff sessions last a working day, so the coupon's window closes within the hour.
      const shortLived = await insertCouponTemplate(server.testDatabase.database.db, {
        validityKind: 'fixed',
        validFrom: new Date(NOW.getTime() - 86_400_000),
        validTo: new Date(NOW.getTime() + 3_600_000),
        validDays: null,
      });
      const coupon = await issue('expired', shortLived);
      server.setNow(new Date(coupon.validTo.getTime() + 1));
      try {
        const { status, body } = await redeem(staff.clerk.token, coupon.code);
        expect(status).toBe(409);
        expect(body.error?.message).toContain('expired');
      } finally {
        server.setNow(NOW);
      }
      expect((await couponState(coupon.id))?.status).toBe('available');
    });

    it('answers 400 naming the field for a malformed code or store, with nothing changed', async () => {
      const coupon = await issue('malformed');
      const before = await execute(server.testDatabase.database.db, sql`select id, status, updated_at from coupons order by id`);
      const badCode = await redeem(staff.clerk.token, 'AB-!');
      expect(badCode.status).toBe(400);
      expect(badCode.body.error?.fields?.[0]?.field).toBe('params.code');
      const badStore = await redeem(staff.admin.token, coupon.code, { storeId: 'first' });
      expect(badStore.status).toBe(400);
      expect(badStore.body.error?.fields?.[0]?.field).toBe('body.storeId');
      expect(await execute(server.testDatabase.database.db, sql`select id, status, updated_at from coupons order by id`)).toEqual(
        before,
      );
    });
  });
}
