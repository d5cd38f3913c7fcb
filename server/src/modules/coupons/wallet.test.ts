import { eq, sql } from 'drizzle-orm';
import type { BestCouponResponse, WalletResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, withTransaction } from '../../db';
import { coupons } from '../../db/schema';
import { createMemberSession } from '../../http/auth';
import { insertCouponTemplate, insertMember } from '../../testing/fixtures';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerCatalogRoutes } from '../catalog';
import { seedCatalog, type SeededCatalog } from '../catalog/catalog.fixtures';
import { registerCouponRoutes } from './coupons.routes';
import { issueCoupon } from './issue';

const NOW = new Date('2026-11-20T04:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`coupon wallet and best-coupon suggestion over HTTP [${kind}]`, () => {
    let server: TestServer;
    let catalog: SeededCatalog;
    let token = '';
    const ids: Record<
      'amountOff' | 'percentOff' | 'noThreshold' | 'freeShipping' | 'coffeeOnly' | 'shortLived' | 'used',
      number
    > = {
      amountOff: 0,
      percentOff: 0,
      noThreshold: 0,
      freeShipping: 0,
      coffeeOnly: 0,
      shortLived: 0,
      used: 0,
    };

    const call = async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: response.status,
        body: (await response.json()) as T & { error?: { code: string; fields?: { field: string }[] } },
      };
    };
    const walletIds = async (query: string) => {
      const { status, body } = await call<WalletResponse>('GET', `/me/coupons${query}`);
      expect(status).toBe(200);
      return body.items.map((item) => [item.id, item.status]);
    };

    beforeAll(async () => {
      server = await startTestServer(kind, {
        registerRoutes: (api, context) => {
          registerCatalogRoutes(api, context);
          registerCouponRoutes(api, context);
        },
        now: NOW,
      });
      const { database } = server.testDatabase;
      catalog = await seedCatalog(database.db);
      const memberId = await insertMember(database.db);
      token = (await createMemberSession(database.db, memberId, NOW)).token;
      const templates = {
        amountOff: await insertCouponTemplate(database.db, { validDays: 30 }),
        percentOff: await insertCouponTemplate(database.db, {
          name: '85折',
          type: 'percent_off',
          thresholdFen: 0,
          amountOffFen: null,
          percentOffBp: 1_500,
          capFen: 3_000,
          validDays: 10,
        }),
        noThreshold: await insertCouponTemplate(database.db, {
          name: '5元券',
          type: 'no_threshold',
          thresholdFen: 0,
          amountOffFen: 500,
        }),
        freeShipping: await insertCouponTemplate(database.db, {
          name: '包邮',
          type: 'free_shipping',
          thresholdFen: 0,
          amountOffFen: null,
        }),
        coffeeOnly: await insertCouponTemplate(database.db, {
          name: '咖啡券',
          thresholdFen: 5_000,
          amountOffFen: 1_000,
          applicableCategories: ['coffee'],
        }),
        shortLived: await insertCouponTemplate(database.db, {
          name: '今日券',
          validityKind: 'fixed',
          validFrom: new Date('2026-11-19T00:00:00Z'),
          validTo: new Date('2026-11-21T00:00:00Z'),
          validDays: null,
        }),
        used: await insertCouponTemplate(database.db, { name: '已用券' }),
      };
      await withTransaction(database, async (tx) => {
        for (const name of Object.keys(templates) as (keyof typeof templates)[]) {
          const decision = await issueCoupon(tx, {
            templateId: templates[name],
            memberId,
            source: 'manual',
            sourceKey: 'test',
            now: NOW,
          });
          if (decision.kind !== 'issued') throw new Error(`could not issue ${name}`);
          ids[name] = decision.coupon.id;
        }
      });
      await database.db.update(coupons).set({ status: 'used', usedAt: NOW }).where(eq(coupons.id, ids.used));
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('lists the wallet with statuses and Chinese descriptions, soonest to expire first', async () => {
      const { body } = await call<WalletResponse>('GET', '/me/coupons');
      expect(body.total).toBe(7);
      expect(body.items.map((item) => [item.id, item.status, item.description])).toEqual([
        [ids.shortLived, 'available', '满100减20'],
        [ids.percentOff, 'available', '8.5折 最高减30'],
        [ids.amountOff, 'available', '满100减20'],
        [ids.noThreshold, 'available', '无门槛减5'],
        [ids.freeShipping, 'available', '免运费'],
        [ids.coffeeOnly, 'available', '满50减10 限指定品类'],
        [ids.used, 'used', '满100减20'],
      ]);
      expect(await walletIds('?status=used')).toEqual([[ids.used, 'used']]);
      expect(await walletIds('?status=expired')).toEqual([]);
    });

    it('shows a coupon past its valid_to as expired before any job marks it', async () => {
      server.setNow(new Date('2026-11-21T00:00:00Z'));
      try {
        expect(await walletIds('?status=expired')).toEqual([[ids.shortLived, 'expired']]);
        expect((await walletIds('?status=available')).map(([id]) => id)).not.toContain(ids.shortLived);
        const [row] = await server.testDatabase.database.db.select().from(coupons).where(eq(coupons.id, ids.shortLived));
        expect(row?.status).toBe('available');
      } finally {
        server.setNow(NOW);
      }
    });

    it('suggests the coupon that saves most on catalogue prices and explains the others', async () => {
      // 128.00 of green tea + 39.00 of coffee = 167.00, shipping 10.00.
      const { status, body } = await call<BestCouponResponse>('POST', '/coupons/best', {
        items: [
          { skuId: catalog.skus.longjingSmall, quantity: 1 },
          { skuId: catalog.skus.coldBrew, quantity: 1 },
        ],
        shippingFen: 1_000,
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        itemsTotalFen: 16_700,
        shippingFen: 1_000,
        suggested: { couponId: ids.percentOff, discountFen: 2_505 },
      });
      const byId = new Map(body.coupons.map((entry) => [entry.coupon.id, entry]));
      expect(byId.get(ids.percentOff)).toMatchObject({ applicable: true, discountFen: 2_505, message: '可减¥25.05' });
      expect(byId.get(ids.amountOff)).toMatchObject({ applicable: true, discountFen: 2_000, reason: null });
      expect(byId.get(ids.noThreshold)).toMatchObject({ applicable: true, discountFen: 500 });
      expect(byId.get(ids.freeShipping)).toMatchObject({ applicable: true, discountFen: 1_000 });
      expect(byId.get(ids.coffeeOnly)).toMatchObject({
        applicable: false,
        discountFen: 0,
        reason: 'below_threshold',
        shortFen: 1_100,
        message: '还差¥11可用',
      });
      expect(byId.has(ids.used)).toBe(false);
    });

    it('says when no item is eligible and suggests nothing when nothing applies', async () => {
      const { body } = await call<BestCouponResponse>('POST', '/coupons/best', {
        items: [{ skuId: catalog.skus.puer, quantity: 1 }],
      });
      // 88.00 of tea, no shipping: below every ¥100 threshold; the coffee coupon covers nothing.
      expect(body.suggested).toEqual({ couponId: ids.percentOff, discountFen: 1_320 });
      const coffee = body.coupons.find((entry) => entry.coupon.id === ids.coffeeOnly);
      expect(coffee).toMatchObject({ applicable: false, reason: 'no_eligible_items', message: '所选商品不在适用范围内' });
      const amountOff = body.coupons.find((entry) => entry.coupon.id === ids.amountOff);
      expect(amountOff).toMatchObject({ applicable: false, reason: 'below_threshold', shortFen: 1_200, message: '还差¥12可用' });
    });

    it('answers 400 naming the field for bad input, 422 for a SKU not for sale, and changes nothing', async () => {
      const { db } = server.testDatabase.database;
      const before = await execute(db, sql`select id, status, updated_at from coupons order by id`);
      const cases: [unknown, string][] = [
        [{ items: [{ skuId: catalog.skus.puer, quantity: 0 }] }, 'body.items.0.quantity'],
        [{ items: [] }, 'body.items'],
        [{ items: [{ skuId: 'x', quantity: 1 }] }, 'body.items.0.skuId'],
        [{ items: [{ skuId: catalog.skus.puer, quantity: 1 }], shippingFen: -1 }, 'body.shippingFen'],
      ];
      for (const [body, field] of cases) {
        const response = await call('POST', '/coupons/best', body);
        expect(response.status, field).toBe(400);
        expect(response.body.error?.fields?.map((problem) => problem.field)).toContain(field);
      }
      const unknown = await call('POST', '/coupons/best', {
        items: [
          { skuId: catalog.skus.puer, quantity: 1 },
          { skuId: 987_654, quantity: 1 },
        ],
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error).toMatchObject({ code: 'UNPROCESSABLE', fields: [{ field: 'body.items.1.skuId' }] });
      const badStatus = await call('GET', '/me/coupons?status=lost');
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.error?.fields?.[0]?.field).toBe('query.status');
      expect(await execute(db, sql`select id, status, updated_at from coupons order by id`)).toEqual(before);
    });
  });
}
