import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeClvTransactions } from '@member-ops/shared';
import { parseTransactions, runClv } from './clv';

// The reference data sits beside the repository: <repo>/../shared/data
const CDNOW_SAMPLE = fileURLToPath(new URL('../../../shared/data/cdnow/CDNOW_sample.txt', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface CustomerRow {
  id: number | string;
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  expectedPurchases39: number;
  expectedAverageSpend: number;
}
interface ClvOutput {
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; v: number };
  customers: CustomerRow[];
}

/** |actual − printed| within half a unit of the printed value's last decimal. */
function expectAsPrinted(actual: number, printed: string): void {
  const decimals = printed.split('.')[1]?.length ?? 0;
  expect(Math.abs(actual - Number(printed))).toBeLessThanOrEqual(0.5 * 10 ** -decimals);
}

const cdnowRun = runClv([
  '--transactions',
  CDNOW_SAMPLE,
  '--format',
  'cdnow',
  '--calibration-end',
  '1997-09-30',
  '--unit',
  'week',
]);
const cdnow = JSON.parse(cdnowRun.stdout) as ClvOutput;

describe('clv on the CDNOW sample (Fader, Hardie & Lee 2005)', () => {
  it('exits 0 with one JSON object on stdout and the fit time on stderr', () => {
    expect(cdnowRun.exitCode).toBe(0);
    expect(cdnowRun.stdout.trim().split('\n')).toHaveLength(1);
    expect(cdnowRun.stderr).toMatch(/2357 customers.*946 repeat buyers\) fitted in \d+ ms/);
  });

  it('reproduces the published BG/NBD estimates r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4', () => {
    expectAsPrinted(cdnow.bgnbd.r, '0.243');
    expectAsPrinted(cdnow.bgnbd.alpha, '4.414');
    expectAsPrinted(cdnow.bgnbd.a, '0.793');
    expectAsPrinted(cdnow.bgnbd.b, '2.426');
    expectAsPrinted(cdnow.bgnbd.logLikelihood, '-9582.4');
  });

  it('reproduces the published Gamma-Gamma estimates p = 6.25, q = 3.74, v = 15.44 (946 repeat buyers)', () => {
    expectAsPrinted(cdnow.gammaGamma.p, '6.25');
    expectAsPrinted(cdnow.gammaGamma.q, '3.74');
    expectAsPrinted(cdnow.gammaGamma.v, '15.44');
  });

  it('lists every sample customer 1..2357 once, with finite predictions', () => {
    expect(cdnow.customers.map((c) => c.id)).toEqual(Array.from({ length: 2357 }, (_, i) => i + 1));
    for (const customer of cdnow.customers) {
      expect(Object.keys(customer).sort()).toEqual([
        'T',
        'expectedAverageSpend',
        'expectedPurchases39',
        'id',
        'pAlive',
        'tx',
        'x',
      ]);
      expect(customer.tx).toBeLessThanOrEqual(customer.T);
      expect(customer.pAlive).toBeGreaterThanOrEqual(0);
      expect(customer.pAlive).toBeLessThanOrEqual(1);
      expect(Number.isFinite(customer.expectedPurchases39)).toBe(true);
      expect(Number.isFinite(customer.expectedAverageSpend)).toBe(true);
    }
  });

  it('gives customer 1 the spreadsheet’s 1.226 purchases in weeks 40–78 and 24.65 dollars per purchase', () => {
    const first = cdnow.customers[0];
    expect(first).toMatchObject({ id: 1, x: 2 });
    expect(first?.tx).toBeCloseTo(30.43, 2);
    expect(first?.T).toBeCloseTo(38.86, 2);
    expect(first?.expectedPurchases39).toBeCloseTo(1.226, 3);
    expect(first?.expectedAverageSpend).toBeCloseTo(24.65, 2);
  });

  it('treats one-time buyers as alive with the population mean spend p·v/(q − 1)', () => {
    const { p, q, v } = cdnow.gammaGamma;
    const oneTimers = cdnow.customers.filter((c) => c.x === 0);
    expect(oneTimers).toHaveLength(1411);
    for (const customer of oneTimers) {
      expect(customer.pAlive).toBe(1);
      expect(customer.expectedAverageSpend).toBeCloseTo((p * v) / (q - 1), 9);
    }
  });

  it('forecasts the 1,411 one-time buyers’ holdout purchases as the paper does (0.23 each; actual 334/1411)', () => {
    const oneTimers = cdnow.customers.filter((c) => c.x === 0);
    const forecast = oneTimers.reduce((sum, c) => sum + c.expectedPurchases39, 0) / oneTimers.length;
    expect(forecast.toFixed(2)).toBe('0.23');
    const summaries = summarizeClvTransactions(parseTransactions(readFileSync(CDNOW_SAMPLE, 'utf8'), 'cdnow'), {
      calibrationEnd: '1997-09-30',
    });
    const actual = summaries.filter((s) => s.x === 0).reduce((sum, s) => sum + s.holdoutPurchases, 0);
    expect(actual).toBe(334);
  });
});

describe('clv input formats', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'clv-test-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('reads the CDNOW master layout: a header line, CRLF line ends, customer id first', () => {
    const text = ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  5   77.00\r\n';
    expect(parseTransactions(text, 'cdnow-master')).toEqual([
      { customerId: '1', date: '1997-01-01', amount: 11.77 },
      { customerId: '2', date: '1997-01-12', amount: 77 },
    ]);
  });

  it('reads a shop’s CSV export in any column order, with quotes and times', () => {
    const text = 'amount,Customer_ID,date\r\n"1,200.5",x,2026-01-01\n12.5,"A ""B""",2026-01-02 13:45:00\n\n';
    expect(() => parseTransactions(text, 'csv')).toThrow(/amount must be a number/);
    const clean = 'amount,Customer_ID,date\r\n1200.5,x,2026-01-01\n12.5,"A ""B""",2026-01-02T13:45:00\n\n';
    expect(parseTransactions(clean, 'csv')).toEqual([
      { customerId: 'x', date: '2026-01-01', amount: 1200.5 },
      { customerId: 'A "B"', date: '2026-01-02', amount: 12.5 },
    ]);
  });

  it('fits a CSV file end to end, keeping its customer ids as strings', () => {
    const rows = readFileSync(CDNOW_SAMPLE, 'utf8')
      .trim()
      .split(/\r?\n/)
      .map((line) => line.trim().split(/\s+/))
      .map(([, id = '', day = '', , amount = '']) => `c${id},${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)},${amount}`);
    const file = join(workDir, 'orders.csv');
    writeFileSync(file, ['customer_id,date,amount', ...rows].join('\n'));
    const result = runClv(['--transactions', file, '--calibration-end', '1997-09-30']);
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout) as ClvOutput;
    expect(output.customers).toHaveLength(2357);
    expect(output.customers.find((c) => c.id === 'c0001')?.x).toBe(2);
    expectAsPrinted(output.bgnbd.r, '0.243');
  });

  it('reports missing files, bad arguments and bad lines with exit code 2 and nothing on stdout', () => {
    const badLine = join(workDir, 'bad.txt');
    writeFileSync(badLine, ' 00004 0001 19970101  2   29.33\n 00004 0001 1997-01-18  2   29.73\n');
    const cases: Array<[string[], RegExp]> = [
      [['--transactions', join(workDir, 'nope.csv')], /cannot read .*nope\.csv: no such file/],
      [[], /--transactions FILE is required/],
      [['--transactions', CDNOW_SAMPLE, '--format', 'xlsx'], /unknown --format xlsx/],
      [['--transactions', CDNOW_SAMPLE, '--unit', 'month'], /--unit must be week or day/],
      [['--transactions', CDNOW_SAMPLE, '--calibration-end', '30/09/1997'], /--calibration-end must be YYYY-MM-DD/],
      [['--transactions', CDNOW_SAMPLE, '--bogus'], /Unknown option '--bogus'/],
      [['--transactions', badLine, '--format', 'cdnow'], /line 2: date must be YYYYMMDD/],
      [['--transactions', CDNOW_SAMPLE, '--format', 'cdnow', '--calibration-end', '1997-02-30'], /no such date/],
    ];
    for (const [argv, message] of cases) {
      const result = runClv(argv);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('clv as a command', () => {
  it('runs under tsx and writes nothing but the JSON object to stdout', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/src/clv.ts',
        '--transactions',
        CDNOW_SAMPLE,
        '--format',
        'cdnow',
        '--calibration-end',
        '1997-09-30',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(child.status).toBe(0);
    const output = JSON.parse(child.stdout) as ClvOutput;
    expect(output.customers).toHaveLength(2357);
    expect(child.stderr).toMatch(/fitted in \d+ ms/);
  });
});
