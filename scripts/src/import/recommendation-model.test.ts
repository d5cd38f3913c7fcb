import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../../server/src/db';
import { expectedModel, storedModel } from '../../../server/src/modules/catalog/recommendation-model.reference';
import { createTestDatabase, type TestDatabase } from '../../../server/src/testing/database';
import { importOrders } from './index';

const HEADER = 'order_no,customer_id,sku,title,category,brand,quantity,unit_price,paid_at';
// Tea with a cup twice (the third tea-and-cup basket loses its cup to a return); cup with a pot twice; tea with a pot once.
const FIRST = [
  HEADER,
  'P-1,M1,TEA-01,龙井 250g,tea,西湖,2,88.00,2026-01-05 10:00',
  'P-1,M1,CUP-02,玻璃杯,cups,,1,35.5,2026-01-05 10:00',
  'P-2,M2,TEA-01,龙井 250g,tea,西湖,1,88,2026-01-06 10:00',
  'P-2,M2,CUP-02,玻璃杯,cups,,1,35.5,2026-01-06 10:00',
  'P-3,M3,TEA-01,龙井 250g,tea,西湖,1,88,2026-01-07 10:00',
  'P-3,M3,CUP-02,玻璃杯,cups,,2,35.5,2026-01-07 10:00',
  'P-3,M3,POT-03,茶壶,cups,,1,120,2026-01-07 10:00',
  'P-4,M1,POT-03,茶壶,cups,,1,120,2026-01-08 10:00',
  'P-4,M1,CUP-02,玻璃杯,cups,,1,35.5,2026-01-08 10:00',
  'R-1,M2,CUP-02,玻璃杯,cups,,-1,35.5,2026-01-09 10:00',
];
const SECOND = [
  HEADER,
  'P-5,M4,TEA-01,龙井 250g,tea,西湖,1,88,2026-01-20 10:00',
  'P-5,M4,POT-03,茶壶,cups,,3,120,2026-01-20 10:00',
];
const NOW = new Date('2026-02-01T00:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`import:orders rebuilds the recommendation model [${kind}]`, () => {
    let test: TestDatabase | undefined;
    let dir = '';
    beforeAll(async () => {
      test = await createTestDatabase(kind);
      dir = await mkdtemp(path.join(os.tmpdir(), 'import-model-'));
    }, 120_000);
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
      await test?.cleanup();
    }, 120_000);

    const pairs = async () => {
      if (!test) throw new Error('database not ready');
      return execute<{ pair: string; co_count: number }>(
        test.database.db,
        sql`select a.title || ' + ' || b.title as pair, n.co_count
            from product_neighbours n join products a on a.id = n.product_id join products b on b.id = n.neighbour_id
            where n.kind = 'co_purchase' order by (a.title || ' + ' || b.title) collate "C"`,
      );
    };

    it('equals a computation from scratch after each import, returns included', async () => {
      if (!test) throw new Error('database not ready');
      const first = path.join(dir, 'first.csv');
      const second = path.join(dir, 'second.csv');
      await writeFile(first, FIRST.join('\n') + '\n');
      await writeFile(second, SECOND.join('\n') + '\n');
      const options = { format: 'csv', source: 'pos', asMembers: true, now: NOW } as const;

      await importOrders(test.database, first, options);
      expect(await storedModel(test.database.db)).toEqual(await expectedModel(test.database.db, NOW));
      expect(await pairs()).toEqual([
        { pair: '玻璃杯 + 茶壶', co_count: 2 },
        { pair: '玻璃杯 + 龙井 250g', co_count: 2 },
        { pair: '茶壶 + 玻璃杯', co_count: 2 },
        { pair: '龙井 250g + 玻璃杯', co_count: 2 },
      ]);

      await importOrders(test.database, second, options);
      const model = await storedModel(test.database.db);
      expect(model).toEqual(await expectedModel(test.database.db, NOW));
      expect(await pairs()).toEqual([
        { pair: '玻璃杯 + 茶壶', co_count: 2 },
        { pair: '玻璃杯 + 龙井 250g', co_count: 2 },
        { pair: '茶壶 + 玻璃杯', co_count: 2 },
        { pair: '茶壶 + 龙井 250g', co_count: 2 },
        { pair: '龙井 250g + 玻璃杯', co_count: 2 },
        { pair: '龙井 250g + 茶壶', co_count: 2 },
      ]);
      // 30 days before NOW reach back to 2 January: every unit sold, net of the returned cup.
      expect(model.bestSellers.map((s) => s.units30)).toEqual([5, 5, 4]);
    });
  });
}
