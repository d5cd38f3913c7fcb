import { eq, sql } from 'drizzle-orm';
import type { ClaimableCouponsResponse, WalletCouponView } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { couponTemplates } from '../../db/schema';
import { createMemberSession } from '../../http/auth';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerCouponRoutes } from './coupons.routes';

const NOW = new Date('2026-11-20T04:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`claiming coupons over HTTP [${kind}]`, () => {
    let server: TestServer;
    const tokens: string[] = [];
    const memberIds: number[] = [];

    const claim = async (templateId: number | string, token: string) => {
      const response = await fetch(`${server.url}/api/coupons/${templateId}/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        status: response.status,
        body: (await response.json()) as { coupon: WalletCouponView; error?: { code: string; message: string } },
      };
    };
    const claimable = async (token: string) => {
      const response = await fetch(`${server.url}/api/coupons/claimable`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as ClaimableCouponsResponse;
    };
    const issuedOf = async (templateId: number) => {
      const { db } = server.testDatabase.database;
      const [template] = await db.select().from(couponTemplates).where(eq(couponTemplates.id, templateId));
      const rows = await execute<{ member_id: number; source_key: string }>(
        db,
        sql`select member_id, source_key from coupons where template_id = ${templateId} order by member_id, source_key`,
      );
      return { issuedCount: template?.issuedCount, rows };
    };

    beforeAll(async () => {
      server = await startTestServer(kind, { registerRoutes: registerCouponRoutes, now: NOW });
      const { db } = server.testDatabase.database;
      for (let i = 0; i < 50; i++) {
        const id = await insertMember(db);
        memberIds.push(id);
        tokens.push((await createMemberSession(db, id, NOW)).token);
      }
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('50 members claiming a coupon with stock 10 at once get exactly 10 coupons', async () => {
      const templateId = await insertCouponTemplate(server.testDatabase.database.db, {
        claimable: true,
        totalStock: 10,
        perMemberLimit: 1,
      });
      const results = await Promise.all(tokens.map((token) => claim(templateId, token)));
      const won = results.filter((result) => result.status === 201);
      const lost = results.filter((result) => result.status !== 201);
      expect(won).toHaveLength(10);
      expect(lost).toHaveLength(40);
      for (const result of lost) {
        expect(result.status).toBe(409);
        expect(result.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('run out') });
      }
      const { issuedCount, rows } = await issuedOf(templateId);
      expect(issuedCount).toBe(10);
      expect(rows).toHaveLength(10);
      expect(new Set(rows.map((row) => row.member_id)).size).toBe(10);
      expect(rows.every((row) => row.source_key === 'claim:1')).toBe(true);
      expect(new Set(won.map((result) => result.body.coupon.code)).size).toBe(10);
    });

    it('one member claiming many times at once gets exactly the per-member limit', async () => {
      const templateId = await insertCouponTemplate(server.testDatabase.database.db, {
        claimable: true,
        totalStock: 10,
        perMemberLimit: 2,
      });
      const token = tokens[0] ?? '';
      const results = await Promise.all(Array.from({ length: 20 }, () => claim(templateId, token)));
      expect(results.filter((result) => result.status === 201)).toHaveLength(2);
      const refused = results.filter((result) => result.status !== 201);
      expect(refused).toHaveLength(18);
      for (const result of refused) {
        expect(result.status).toBe(409);
        expect(result.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('most times allowed') });
      }
      const { issuedCount, rows } = await issuedOf(templateId);
      expect(issuedCount).toBe(2);
      expect(rows).toEqual([
        { member_id: memberIds[0], source_key: 'claim:1' },
        { member_id: memberIds[0], source_key: 'claim:2' },
      ]);
      const offer = (await claimable(token)).items.find((item) => item.templateId === templateId);
      expect(offer).toMatchObject({ claimedCount: 2, perMemberLimit: 2, canClaim: false, remainingStock: 8 });
    });

    it('issues a claimed coupon valid for N days to the end of the Shanghai day, with a readable code', async () => {
      const templateId = await insertCouponTemplate(server.testDatabase.database.db, { claimable: true, validDays: 7 });
      const { status, body } = await claim(templateId, tokens[1] ?? '');
      expect(status).toBe(201);
      expect(body.coupon).toMatchObject({
        templateId,
        name: '满100减20',
        description: '满100减20',
        status: 'available',
        source: 'claim',
        validFrom: NOW.toISOString(),
        validTo: '2026-11-27T15:59:59.999Z',
        usedAt: null,
      });
      expect(body.coupon.code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    });

    it('offers only active, claimable templates open now with stock left', async () => {
      const { db } = server.testDatabase.database;
      const open = await insertCouponTemplate(db, {
        claimable: true,
        name: '限时折扣',
        type: 'percent_off',
        thresholdFen: 0,
        amountOffFen: null,
        percentOffBp: 1_500,
        capFen: 3_000,
        validityKind: 'fixed',
        validFrom: new Date('2026-11-01T00:00:00Z'),
        validTo: new Date('2026-12-01T00:00:00Z'),
        validDays: null,
        totalStock: 100,
      });
      const notYet = await insertCouponTemplate(db, {
        claimable: true,
        validityKind: 'fixed',
        validFrom: new Date('2026-12-01T00:00:00Z'),
        validTo: new Date('2026-12-31T00:00:00Z'),
      });
      const soldOut = await insertCouponTemplate(db, { claimable: true, totalStock: 1, issuedCount: 1 });
      const notClaimable = await insertCouponTemplate(db, { claimable: false });
      const paused = await insertCouponTemplate(db, { claimable: true, status: 'paused' });
      const offered = (await claimable(tokens[2] ?? '')).items;
      const offer = offered.find((item) => item.templateId === open);
      expect(offer).toEqual({
        templateId: open,
        name: '限时折扣',
        description: '8.5折 最高减30',
        terms: {
          type: 'percent_off',
          thresholdFen: 0,
          amountOffFen: null,
          percentOffBp: 1_500,
          capFen: 3_000,
          applicableCategories: [],
        },
        validity: { kind: 'fixed', validFrom: '2026-11-01T00:00:00.000Z', validTo: '2026-12-01T00:00:00.000Z', validDays: null },
        remainingStock: 100,
        perMemberLimit: null,
        claimedCount: 0,
        canClaim: true,
      });
      const offeredIds = offered.map((item) => item.templateId);
      for (const hidden of [notYet, soldOut, notClaimable, paused]) expect(offeredIds).not.toContain(hidden);

      expect((await claim(notYet, tokens[2] ?? '')).body.error).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('outside its claiming period'),
      });
      expect((await claim(soldOut, tokens[2] ?? '')).body.error).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('run out'),
      });
      expect((await claim(notClaimable, tokens[2] ?? '')).status).toBe(404);
      expect((await claim(paused, tokens[2] ?? '')).status).toBe(404);
      expect((await claim(987_654, tokens[2] ?? '')).status).toBe(404);
      const { issuedCount } = await issuedOf(notYet);
      expect(issuedCount).toBe(0);
    });

    it('documents every coupon route in the OpenAPI document', async () => {
      const doc = (await fetch(`${server.url}/api/openapi.json`).then((response) => response.json())) as {
        paths: Record<string, Record<string, unknown>>;
      };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/coupons/claimable',
          '/api/coupons/{templateId}/claim',
          '/api/me/coupons',
          '/api/coupons/best',
          '/api/staff/coupons/{code}/redeem',
        ]),
      );
    });

    it('answers 400 for a bad template id and 401 without a session, issuing nothing', async () => {
      const { db } = server.testDatabase.database;
      const before = await execute<{ n: number }>(db, sql`select count(*)::int8 as n from coupons`);
      for (const bad of ['abc', '0', '-3', '1.5']) {
        const { status, body } = await claim(bad, tokens[3] ?? '');
        expect(status, bad).toBe(400);
        expect(body).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: [{ field: 'params.templateId' }] } });
      }
      const anonymous = await fetch(`${server.url}/api/coupons/1/claim`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      expect(await execute<{ n: number }>(db, sql`select count(*)::int8 as n from coupons`)).toEqual(before);
    });
  });
}
