import { sql } from 'drizzle-orm';
import { addDays, addMonths, fromShanghai } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, withTransaction } from '../../db';
import { createMemberSession } from '../../http/auth';
import { insertCouponTemplate } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { call, memberWithSession, registerMoneyRoutes } from '../payments/checkout.fixtures';
import { creditPoints, lockMember } from './points.repo';

interface SignIn {
  alreadySignedIn: boolean;
  day: string;
  streak: number;
  pointsEarned: number;
  balance: number;
}

for (const kind of DATABASE_KINDS) {
  describe(`points: ledger, sign-in and the points shop [${kind}]`, () => {
    let test: TestServer;
    beforeAll(async () => {
      test = await startTestServer(kind, { registerRoutes: registerMoneyRoutes, now: fromShanghai(2026, 11, 2, 23, 50) });
    }, 60_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('signs in once per Shanghai day, with the streak bonus on the seventh day and a restart after a gap', async () => {
      const { memberId, headers } = await memberWithSession(test);
      const day1 = fromShanghai(2026, 11, 2, 23, 50);
      test.setNow(day1);
      const taps = await Promise.all([1, 2, 3].map(() => call<SignIn>(test, 'POST', '/api/me/sign-in', { headers })));
      expect(taps.map((tap) => tap.status)).toEqual([200, 200, 200]);
      expect(taps.filter((tap) => !tap.body.alreadySignedIn)).toHaveLength(1);
      expect(taps.map((tap) => tap.body.balance)).toEqual([5, 5, 5]);

      const streak: SignIn[] = [];
      for (let day = 1; day <= 6; day++) {
        test.setNow(addDays(fromShanghai(2026, 11, 2, 0, 30), day));
        streak.push((await call<SignIn>(test, 'POST', '/api/me/sign-in', { headers })).body);
      }
      expect(streak.map((s) => s.streak)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(streak.at(-1)).toMatchObject({ day: '2026-11-08', pointsEarned: 25, balance: 5 * 7 + 20 });

      test.setNow(fromShanghai(2026, 11, 10, 9));
      expect((await call<SignIn>(test, 'POST', '/api/me/sign-in', { headers })).body).toMatchObject({
        streak: 1,
        pointsEarned: 5,
      });
      const [rows] = await execute(
        test.testDatabase.database.db,
        sql`select count(*)::int8 as days, (select points_balance from member_metrics where member_id = ${memberId}) as balance
            from sign_ins where member_id = ${memberId}`,
      );
      expect(rows).toEqual({ days: 8, balance: 60 });
    });

    it('shows the balance, what expires next and the ledger newest first', async () => {
      test.setNow(fromShanghai(2026, 11, 20, 12));
      const { memberId, headers } = await memberWithSession(test, { points: 800 });
      await call(test, 'POST', '/api/me/sign-in', { headers });
      const { status, body } = await call<{
        balance: number;
        available: number;
        expiringSoon: { points: number };
        entries: { kind: string; points: number }[];
        total: number;
      }>(test, 'GET', '/api/me/points?page=1&pageSize=1', { headers });
      expect(status).toBe(200);
      expect(body).toMatchObject({ balance: 805, available: 805, total: 2, expiringSoon: { points: 0 } });
      expect(body.entries).toEqual([expect.objectContaining({ kind: 'sign_in', points: 5 })]);

      // A year on, both batches end within the 30-day reminder window; the older one first.
      const later = fromShanghai(2027, 11, 10, 12);
      test.setNow(later);
      const { token } = await createMemberSession(test.testDatabase.database.db, memberId, later);
      const soon = await call<{ expiringSoon: { points: number; earliestExpiresAt: string } }>(test, 'GET', '/api/me/points', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(soon.body.expiringSoon).toEqual({
        points: 805,
        earliestExpiresAt: addMonths(fromShanghai(2026, 11, 20, 12), 12).toISOString(),
      });
    });

    it('pages the ledger by cursor, newest first, the same as by page number, ending with a null cursor', async () => {
      const now = fromShanghai(2026, 11, 20, 12);
      test.setNow(now);
      const { memberId, headers } = await memberWithSession(test);
      // Eleven credits, two to an instant, so entries made at the same time are ordered by id.
      await withTransaction(test.testDatabase.database, async (tx) => {
        await lockMember(tx, memberId);
        for (let i = 0; i < 11; i++) {
          const earnedAt = addDays(now, -10 + Math.floor(i / 2));
          await creditPoints(tx, {
            memberId,
            kind: 'bonus',
            points: i + 1,
            idempotencyKey: `test:page:${i}`,
            earnedAt,
            expiresAt: addMonths(earnedAt, 12),
          });
        }
      });
      type Page = { entries: { id: number; points: number }[]; total: number; nextCursor: string | null };
      const byCursor: number[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/api/me/points?pageSize=4${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body }: { status: number; body: Page } = await call<Page>(test, 'GET', path, { headers });
        expect(status).toBe(200);
        expect(body.total).toBe(11);
        byCursor.push(...body.entries.map((entry) => entry.points));
        sizes.push(body.entries.length);
        cursor = body.nextCursor;
      } while (cursor !== null && sizes.length < 10);
      expect(sizes).toEqual([4, 4, 3]);
      expect(byCursor).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const byNumber: number[] = [];
      for (const page of [1, 2, 3]) {
        const { body } = await call<Page>(test, 'GET', `/api/me/points?pageSize=4&page=${page}`, { headers });
        byNumber.push(...body.entries.map((entry) => entry.points));
        expect(body.nextCursor === null).toBe(page === 3);
      }
      expect(byNumber).toEqual(byCursor);
      const bad = await call<{ error: { fields: { field: string }[] } }>(test, 'GET', '/api/me/points?cursor=x1', { headers });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((field) => field.field)).toContain('query.cursor');
    });

    it('buys a coupon with points once per request id', async () => {
      test.setNow(fromShanghai(2026, 11, 21, 12));
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test, { points: 1_200 });
      const templateId = await insertCouponTemplate(db, { pointsPrice: 500, totalStock: 10 });
      const body = { templateId, requestId: 'redeem-0001' };
      const [a, b] = await Promise.all([
        call<{ couponId: number; balance: number }>(test, 'POST', '/api/me/points/redeem', { headers, body }),
        call<{ couponId: number; balance: number }>(test, 'POST', '/api/me/points/redeem', { headers, body }),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.couponId).toBe(b.body.couponId);
      const broke = await call(test, 'POST', '/api/me/points/redeem', {
        headers,
        body: { templateId, requestId: 'redeem-0002' },
      });
      expect(broke.status).toBe(201);
      const refused = await call(test, 'POST', '/api/me/points/redeem', {
        headers,
        body: { templateId, requestId: 'redeem-0003' },
      });
      expect(refused.status).toBe(409);
      const [row] = await execute(
        db,
        sql`select (select count(*) from coupons where member_id = ${memberId})::int8 as coupons,
                   (select issued_count from coupon_templates where id = ${templateId}) as issued,
                   (select points_balance from member_metrics where member_id = ${memberId}) as balance`,
      );
      expect(row).toEqual({ coupons: 2, issued: 2, balance: 200 });
    });

    it("holds the template's per-member limit in the points shop, still answering a retry of an earlier purchase", async () => {
      const db = test.testDatabase.database.db;
      const { memberId, headers } = await memberWithSession(test, { points: 5_000 });
      const templateId = await insertCouponTemplate(db, { pointsPrice: 100, totalStock: 50, perMemberLimit: 2 });
      const buy = (requestId: string) =>
        call<{ couponId: number }>(test, 'POST', '/api/me/points/redeem', { headers, body: { templateId, requestId } });
      const first = await buy('limit-0001');
      expect(first.status).toBe(201);
      expect((await buy('limit-0002')).status).toBe(201);
      const third = await buy('limit-0003');
      expect(third.status).toBe(409);
      const retry = await buy('limit-0001');
      expect(retry.status).toBe(201);
      expect(retry.body.couponId).toBe(first.body.couponId);
      const [row] = await execute(
        db,
        sql`select (select count(*) from coupons where member_id = ${memberId})::int8 as coupons,
                   (select points_balance from member_metrics where member_id = ${memberId}) as balance`,
      );
      expect(row).toEqual({ coupons: 2, balance: 4_800 });
    });

    it('answers 400 naming the field, writing nothing', async () => {
      const { memberId, headers } = await memberWithSession(test);
      const cases: [string, string, unknown, string][] = [
        ['GET', '/api/me/points?page=0', undefined, 'query.page'],
        ['POST', '/api/me/sign-in', { extra: 1 }, 'body'],
        ['POST', '/api/me/points/redeem', { templateId: 'x', requestId: 'ok-request-1' }, 'body.templateId'],
      ];
      for (const [method, path, body, field] of cases) {
        const answer = await call<{ error: { fields: { field: string }[] } }>(test, method as 'GET' | 'POST', path, {
          headers,
          body,
        });
        expect(answer.status, path).toBe(400);
        expect(answer.body.error.fields.map((f) => f.field)).toContain(field);
      }
      const [row] = await execute(
        test.testDatabase.database.db,
        sql`select (select count(*) from sign_ins where member_id = ${memberId})::int8 as sign_ins,
                   (select count(*) from points_ledger where member_id = ${memberId})::int8 as entries`,
      );
      expect(row).toEqual({ sign_ins: 0, entries: 0 });
    });
  });
}
