import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { yuanToFen } from '@member-ops/shared/money/index';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, type Database, execute } from '../../../server/src/db';
import { createTestDatabase, type TestDatabase } from '../../../server/src/testing/database';
import { keptAndRebuiltSales } from '../../../server/src/modules/catalog/product-sales.fixtures';
import { parseCsvLine } from './csv';
import { readFileLines } from './read';
import { EXAMPLES_PER_PROBLEM, formatReport, ImportError, importOrders, type ImportResult } from './index';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE = path.join(here, 'fixtures/online-retail-sample.csv');
const POS_EXPORT = path.join(here, 'fixtures/pos-export.csv');
const ONLINE_RETAIL = path.resolve(here, '../../../../shared/data/online-retail/online_retail_uci_normalized.csv.gz');
const SETUP_MS = 120_000;

async function counts(database: Database): Promise<Record<string, number>> {
  const [row] = await execute<Record<string, number>>(
    database.db,
    sql.raw(`select (select count(*)::int from members) as members, (select count(*)::int from products) as products,
      (select count(*)::int from skus) as skus, (select count(*)::int from orders) as orders,
      (select count(*)::int from order_items) as order_items, (select count(*)::int from payments) as payments,
      (select count(*)::int from refunds) as refunds, (select coalesce(sum(refunded_fen), 0)::int8 from orders) as refunded_fen,
      (select coalesce(sum(items_total_fen), 0)::int8 from orders) as items_total_fen`),
  );
  return row ?? {};
}

for (const kind of DATABASE_KINDS) {
  describe(`import:orders online-retail sample [${kind}]`, () => {
    let test: TestDatabase | undefined;
    let first: ImportResult | undefined;
    let second: ImportResult | undefined;
    const database = () => {
      if (!test) throw new Error('database not ready');
      return test.database;
    };
    beforeAll(async () => {
      test = await createTestDatabase(kind);
      // The sample's 5 bad lines of 18 are more than the default share allowed.
      const options = { format: 'online-retail', asMembers: true, maxRejectedShare: 0.5 } as const;
      first = await importOrders(test.database, SAMPLE, options);
      second = await importOrders(test.database, SAMPLE, options);
    }, SETUP_MS);
    afterAll(() => test?.cleanup(), SETUP_MS);

    it('counts read, skipped and rejected lines and what the accepted ones span', () => {
      expect(first?.summary).toMatchObject({
        linesRead: 20,
        skippedNoCustomer: 2,
        rejected: 5,
        saleLines: 10,
        customers: 3,
        orderNumbers: 6,
        returns: { returnLines: 3, matchedLines: 2, refunds: 2, alreadyImportedLines: 0 },
        inserted: { members: 3, products: 9, skus: 9, orders: 6, orderItems: 10, payments: 5, refunds: 2 },
      });
    });

    it('lists every bad line with its reason, and the returns that match no purchase', () => {
      const report = first?.report ?? [];
      expect(report.map((r) => r.line)).toEqual([12, 13, 14, 15, 16, 18, 21]);
      expect(report.find((r) => r.line === 12)?.reason).toMatch(/price must be above zero/);
      expect(report.find((r) => r.line === 13)?.reason).toMatch(/bad date "2010-12-32 09:01:00"/);
      expect(report.find((r) => r.line === 14)?.reason).toMatch(/bad quantity "six"/);
      expect(report.find((r) => r.line === 15)?.reason).toMatch(/expected 8 columns, got 9/);
      expect(report.find((r) => r.line === 16)?.reason).toMatch(/matches no earlier purchase/);
      expect(report.find((r) => r.line === 18)?.reason).toBe('6 of 12 returned units match no earlier purchase');
      expect(report.find((r) => r.line === 21)?.reason).toMatch(/negative quantity outside a cancellation/);
      expect(formatReport(report).split('\n')[0]).toBe('line,reason');
    });

    it('stores the orders with their original times, paid amounts and one payment each', async () => {
      const orders = await execute<{
        order_no: string;
        status: string;
        paid_at: Date;
        paid_fen: number;
        refunded_fen: number;
        payments: number;
      }>(
        database().db,
        sql.raw(`select o.order_no, o.status, o.paid_at, o.paid_fen, o.refunded_fen,
            (select count(*)::int from payments p where p.order_id = o.id and p.status = 'succeeded') as payments
          from orders o order by o.order_no`),
      );
      const byNo = new Map(orders.map((o) => [o.order_no, o]));
      // 6 × 2.55 + 6 × 3.39 + 2 × 7.65, InvoiceDate read as Shanghai wall-clock time.
      expect(byNo.get('online-retail:536365')).toMatchObject({
        status: 'partially_refunded',
        paid_at: new Date('2010-12-01T00:26:00Z'),
        paid_fen: 1530 + 2034 + 1530,
        refunded_fen: 2 * 339,
        payments: 1,
      });
      expect(byNo.get('online-retail:536367')).toMatchObject({ paid_fen: 32 * 169 + 6 * 210, refunded_fen: 6 * 210 });
      expect(byNo.get('online-retail:536393')).toMatchObject({ status: 'paid', paid_fen: 0, payments: 0 });
      const [lantern] = await execute<{ refunded_quantity: number; refunded_fen: number; category: string }>(
        database().db,
        sql.raw(
          `select i.refunded_quantity, i.refunded_fen, i.category from order_items i join skus s on s.id = i.sku_id where s.sku_code = '71053'`,
        ),
      );
      expect(lantern).toEqual({ refunded_quantity: 2, refunded_fen: 678, category: 'retail-lighting' });
      const [postage] = await execute<{ category: string }>(
        database().db,
        sql.raw(`select category from order_items i join skus s on s.id = i.sku_id where s.sku_code = 'POST'`),
      );
      expect(postage?.category).toBe('retail-services');
    });

    it('keeps the units sold per product equal to a from-scratch count, returns included', async () => {
      const { kept, rebuilt } = await keptAndRebuiltSales(database().db);
      expect(kept).toEqual(rebuilt);
      expect(kept.some((row) => row.sold_units > 0)).toBe(true);
    });

    it('imports members by customer id, registered at their first purchase', async () => {
      const members = await execute<{ openid: string; registered_at: Date; region: string }>(
        database().db,
        sql.raw(`select openid, registered_at, region from members order by openid`),
      );
      expect(members.map((m) => m.openid)).toEqual([
        'import:online-retail:12583',
        'import:online-retail:13047',
        'import:online-retail:17850',
      ]);
      expect(members[0]).toMatchObject({ registered_at: new Date('2010-12-01T00:45:00Z'), region: 'France' });
    });

    it('imports nothing the second time', async () => {
      expect(second?.summary.inserted).toEqual({
        members: 0,
        categories: 0,
        brands: 0,
        products: 0,
        skus: 0,
        orders: 0,
        orderItems: 0,
        payments: 0,
        refunds: 0,
      });
      expect(second?.summary.returns.alreadyImportedLines).toBe(2);
      expect(await counts(database())).toMatchObject({
        members: 3,
        orders: 6,
        order_items: 10,
        refunds: 2,
        refunded_fen: 678 + 1260,
      });
    });
  });

  describe(`import:orders csv format and members [${kind}]`, () => {
    let test: TestDatabase | undefined;
    beforeAll(async () => {
      test = await createTestDatabase(kind);
    }, SETUP_MS);
    afterAll(() => test?.cleanup(), SETUP_MS);

    it('rejects lines of unknown customers without --as-members, then imports them with it', async () => {
      if (!test) throw new Error('database not ready');
      const refused = await importOrders(test.database, POS_EXPORT, { format: 'csv', source: 'pos', asMembers: false }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ImportError);
      expect((refused as ImportError).message).toMatch(
        /^4 of 5 lines with a customer \(80\.0 %\) were rejected, more than the 10 % allowed/,
      );
      expect((refused as ImportError).report.map((r) => r.line)).toEqual([2, 3, 4, 6]);
      expect(await counts(test.database)).toMatchObject({ members: 0, skus: 0, orders: 0, refunds: 0 });
      const without = await importOrders(test.database, POS_EXPORT, {
        format: 'csv',
        source: 'pos',
        asMembers: false,
        maxRejectedShare: 1,
      });
      expect(without.summary.inserted.orders).toBe(0);
      expect(without.report.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
      expect(without.report[0]?.reason).toMatch(/not a member/);
      const withMembers = await importOrders(test.database, POS_EXPORT, {
        format: 'csv',
        source: 'pos',
        asMembers: true,
        maxRejectedShare: 0.5,
      });
      expect(withMembers.summary).toMatchObject({
        saleLines: 3,
        customers: 2,
        inserted: { members: 2, categories: 2, brands: 1, orders: 2, orderItems: 3, refunds: 1 },
      });
      expect(withMembers.report).toEqual([{ line: 6, reason: 'missing category' }]);
      const [order] = await execute<{ paid_at: Date; paid_fen: number; refunded_fen: number; brand: string }>(
        test.database.db,
        sql.raw(`select o.paid_at, o.paid_fen, o.refunded_fen, i.brand from orders o join order_items i on i.order_id = o.id
          where o.order_no = 'pos:P-1001' and i.title = '龙井 250g'`),
      );
      expect(order).toEqual({
        paid_at: new Date('2026-01-05T02:00:00Z'),
        paid_fen: 17600 + 3550,
        refunded_fen: 8800,
        brand: '西湖',
      });
    });
  });
}

/** The file's first `count` lines (header included) as a plain CSV in `dir`. */
async function headOf(file: string, count: number, dir: string): Promise<string> {
  const target = path.join(dir, `head-${count}.csv`);
  const out = createWriteStream(target);
  const { lines } = await readFileLines(file);
  let n = 0;
  for await (const line of lines) {
    if (n++ >= count) break;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return target;
}

describe('import:orders on the first 20,000 lines of Online Retail', () => {
  let dir = '';
  let head = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'import-test-'));
    head = await headOf(ONLINE_RETAIL, 20_001, dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(DATABASE_KINDS)(
    'matches a direct count of the file [%s]',
    async (kind) => {
      const expected = { noCustomer: 0, sales: 0, customers: new Set<string>(), invoices: new Set<string>(), totalFen: 0 };
      const { lines } = await readFileLines(head);
      let header = true;
      for await (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        const [invoice = '', , , quantity = '', , price = '', customer = ''] = parseCsvLine(line) ?? [];
        if (customer === '') expected.noCustomer++;
        else if (Number(quantity) > 0 && Number(price) > 0 && !invoice.startsWith('C')) {
          expected.sales++;
          expected.customers.add(customer);
          expected.invoices.add(invoice);
          expected.totalFen += yuanToFen(price) * Number(quantity);
        }
      }
      const test = await createTestDatabase(kind);
      try {
        const { summary } = await importOrders(test.database, head, { format: 'online-retail', asMembers: true });
        expect(summary).toMatchObject({
          linesRead: 20_000,
          skippedNoCustomer: expected.noCustomer,
          saleLines: expected.sales,
          customers: expected.customers.size,
          orderNumbers: expected.invoices.size,
          inserted: { members: expected.customers.size, orders: expected.invoices.size, orderItems: expected.sales },
        });
        expect(await counts(test.database)).toMatchObject({ items_total_fen: expected.totalFen });
      } finally {
        await test.cleanup();
      }
    },
    SETUP_MS,
  );
});

/** A POS export of `lines` sale lines by customers who are not members, plus a few bad lines. */
async function unknownCustomersExport(dir: string, lines: number): Promise<string> {
  const file = path.join(dir, `unknown-${lines}.csv`);
  const out = createWriteStream(file);
  out.write('order_no,customer_id,sku,title,category,quantity,unit_price,paid_at\n');
  for (let i = 1; i <= lines; i++) {
    const row = `U-${Math.ceil(i / 3)},C${Math.ceil(i / 30)},SKU-${i % 97},Tea,tea,1,${i % 7 === 0 ? 0 : 12.5},2026-01-05 10:00\n`;
    if (!out.write(row)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

describe('import:orders rejecting 150,000 lines (more than fit in one call’s arguments)', () => {
  const LINES = 150_000;
  let dir = '';
  let file = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'import-rejections-'));
    file = await unknownCustomersExport(dir, LINES);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(DATABASE_KINDS)(
    'counts every rejection, keeps a bounded set of examples and writes nothing [%s]',
    async (kind) => {
      const test = await createTestDatabase(kind);
      try {
        const zeroPrice = Math.floor(LINES / 7);
        const error = await importOrders(test.database, file, { format: 'csv', source: 'pos', asMembers: false }).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(ImportError);
        expect((error as ImportError).message).toBe(
          `all ${LINES.toLocaleString('en-US')} lines with a customer were rejected (customer is not a member (add --as-members): ` +
            `${(LINES - zeroPrice).toLocaleString('en-US')}; unit price not above zero: ${zeroPrice.toLocaleString('en-US')}); nothing was imported`,
        );
        const report = (error as ImportError).report;
        expect(report).toHaveLength(2 * EXAMPLES_PER_PROBLEM);
        expect(report.filter((r) => /is not a member/.test(r.reason))[0]).toEqual({
          line: 2,
          reason: 'customer C1 is not a member (add --as-members to create imported customers)',
        });
        expect(await counts(test.database)).toMatchObject({ members: 0, products: 0, orders: 0 });
      } finally {
        await test.cleanup();
      }
    },
    SETUP_MS,
  );
});
