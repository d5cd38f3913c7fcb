import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute, openDatabase } from '../../server/src/db';
import { createTestDatabase, type TestDatabase } from '../../server/src/testing/database';
import { type CommandResult, nonEmptyLines, runCommand } from './lib/run-command';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(here, 'import/fixtures');
// Each case starts the command (and, on PGlite, opens and migrates its data folder) several times.
const SETUP_MS = 240_000;

/** The one line a failed command prints besides progress lines, after checking there is nothing else. */
function failureLine(result: CommandResult, command: string): string {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  const lines = nonEmptyLines(result.stderr);
  const errors = lines.filter((line) => line.startsWith(`${command}: `));
  expect(errors).toHaveLength(1);
  // Everything else is a progress line ("import reading file: 1.8/1.8 KB (100%)"), never a stack trace.
  expect(lines.filter((line) => !line.startsWith(`${command}: `) && !/^(import|segments) .+: .+ \(\d+%\)$/.test(line))).toEqual(
    [],
  );
  return errors[0]?.slice(command.length + 2) ?? '';
}

for (const kind of DATABASE_KINDS) {
  describe(`npm run import:orders as a command [${kind}]`, () => {
    let dir = '';
    let test: TestDatabase | undefined;
    let target: string[] = [];
    const importOrders = (args: string[]) => runCommand('scripts/src/import-orders.ts', [...args, ...target]);
    const segments = (args: string[]) => runCommand('scripts/src/segments.ts', [...args, ...target]);
    /** Rows in the shop, read after the command exited (PGlite: the command's data folder). */
    const rows = async () => {
      const database = test?.database ?? (await openDatabase({ dataDir: path.join(dir, 'data', 'pglite') }));
      try {
        const [row] = await execute<{ members: number; skus: number; orders: number; refunds: number }>(
          database.db,
          sql.raw(`select (select count(*)::int from members) as members, (select count(*)::int from skus) as skus,
            (select count(*)::int from orders) as orders, (select count(*)::int from refunds) as refunds`),
        );
        return row;
      } finally {
        if (!test) await database.close();
      }
    };

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'import-cli-'));
      if (kind === 'postgres') {
        test = await createTestDatabase('postgres');
        target = ['--database-url', test.url ?? ''];
      } else target = ['--data-dir', path.join(dir, 'data')];
    }, SETUP_MS);
    afterAll(async () => {
      await test?.cleanup();
      await rm(dir, { recursive: true, force: true });
    }, SETUP_MS);

    it(
      'names a missing file, a wrong header, a truncated .gz and a cut-off CSV in one line each',
      async () => {
        const missing = path.join(dir, 'nope.csv');
        expect(failureLine(await importOrders([missing]), 'import:orders')).toBe(`cannot read ${missing}: no such file`);
        expect(failureLine(await importOrders([path.join(FIXTURES, 'pos-export.csv')]), 'import:orders')).toMatch(
          /^the header lacks the online-retail column\(s\) InvoiceNo, StockCode, .* \(it reads "order_no,customer_id,.*"\); check --format/,
        );
        expect(failureLine(await importOrders([path.join(FIXTURES, 'online-retail-truncated.csv.gz')]), 'import:orders')).toBe(
          `${path.join(FIXTURES, 'online-retail-truncated.csv.gz')} is a truncated or damaged gzip file (the compressed data ends early); nothing was imported`,
        );
        expect(
          failureLine(await importOrders([path.join(FIXTURES, 'online-retail-cut.csv'), '--as-members']), 'import:orders'),
        ).toMatch(
          /online-retail-cut\.csv ends in the middle of line 8 \(no line break after it\), so the file looks cut off; nothing was imported/,
        );
      },
      SETUP_MS,
    );

    it(
      'fails when every line, or more than --max-rejected of them, is rejected, listing examples in the report',
      async () => {
        const unknown = path.join(dir, 'unknown.csv');
        await writeFile(
          unknown,
          'order_no,customer_id,sku,title,category,quantity,unit_price,paid_at\nA-1,X1,T-1,Tea,tea,1,10,2026-01-05 10:00\nA-2,X2,T-1,Tea,tea,2,10,2026-01-05 11:00\n',
        );
        const report = path.join(dir, 'unknown-report.csv');
        const all = await importOrders([unknown, '--format', 'csv', '--max-rejected', '100', '--report', report]);
        expect(failureLine(all, 'import:orders')).toBe(
          `all 2 lines with a customer were rejected (customer is not a member (add --as-members): 2); nothing was imported (examples of the rejected lines: ${report})`,
        );
        expect((await readFile(report, 'utf8')).split('\n')).toEqual([
          'line,reason',
          '2,"customer X1 is not a member (add --as-members to create imported customers)"',
          '3,"customer X2 is not a member (add --as-members to create imported customers)"',
          '',
        ]);
        const some = await importOrders([path.join(FIXTURES, 'pos-export.csv'), '--format', 'csv', '--report', report]);
        expect(failureLine(some, 'import:orders')).toBe(
          '4 of 5 lines with a customer (80.0 %) were rejected, more than the 10 % allowed (customer is not a member ' +
            `(add --as-members): 3; missing category: 1); nothing was imported (examples of the rejected lines: ${report})`,
        );
        expect(failureLine(await importOrders([unknown, '--max-rejected', '101']), 'import:orders')).toBe(
          '--max-rejected must be a percentage from 0 to 100, got 101 (see --help)',
        );
        expect(await rows()).toEqual({ members: 0, skus: 0, orders: 0, refunds: 0 });
      },
      SETUP_MS,
    );

    it(
      'imports a file within the allowance, saying on stderr what it left out, then refuses --source aggregates',
      async () => {
        const report = path.join(dir, 'sample-report.csv');
        const result = await importOrders([
          path.join(FIXTURES, 'online-retail-sample.csv'),
          '--as-members',
          '--max-rejected',
          '30',
          '--report',
          report,
        ]);
        expect(result.status).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({
          rejected: 5,
          reportFile: report,
          inserted: { members: 3, orders: 6, refunds: 2 },
        });
        expect(nonEmptyLines(result.stderr).filter((line) => line.startsWith('import:orders: '))).toEqual([
          'import:orders: 5 of 20 lines rejected (bad date: 1; bad quantity: 1; negative quantity outside a cancellation: 1; ' +
            `unit price not above zero: 1; wrong column count: 1); 2 of 3 return lines not refunded (no earlier purchase); see ${report}`,
        ]);
        expect(nonEmptyLines(result.stderr)).toContain('import members: 1/6 (16%)');
        expect(nonEmptyLines(result.stderr)).toContain('import recommendations: 6/6 (100%)');
        expect(await rows()).toEqual({ members: 3, skus: 9, orders: 6, refunds: 2 });

        const stale = await segments(['--source', 'aggregates', '--as-of', '2011-01-01']);
        expect(failureLine(stale, 'segments')).toMatch(
          /^--source aggregates refused: the stored order aggregates of 3 member\(s\) no longer match their orders .* run with --source orders \(or history\) instead$/,
        );
        const fromOrders = await segments(['--source', 'orders', '--as-of', '2011-01-01']);
        expect(fromOrders.status).toBe(0);
        expect(JSON.parse(fromOrders.stdout)).toMatchObject({ source: 'orders', members: 3, buyers: 3 });
        const fromAggregates = await segments(['--source', 'aggregates', '--as-of', '2011-01-02']);
        expect(fromAggregates.status).toBe(0);
        expect(JSON.parse(fromAggregates.stdout)).toMatchObject({ source: 'aggregates', members: 3, buyers: 3 });
      },
      SETUP_MS,
    );
  });
}
