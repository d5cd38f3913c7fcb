/**
 * `importOrders`: loads an order history file into the shop in one transaction, idempotently. Lines are parsed
 * and checked while the file streams in (bad ones are rejected with a reason, lines without a customer are
 * counted and skipped), staged in a temporary table, then turned into members, catalogue, orders, payments and
 * refunds by set-based SQL (./load, ./returns).
 */
import { sql } from 'drizzle-orm';
import { type Database, execute, type Executor, withTransaction } from '../../../server/src/db';
import { parseCsvLine } from './csv';
import { type ImportFormat, type ImportLine, recordParser } from './formats';
import {
  type CatalogueCounts,
  loadCatalogue,
  loadOrders,
  type OrderCounts,
  type Rejection,
  rejectMixedCustomerOrders,
  resolveMembers,
} from './load';
import { importReturns, type ReturnCounts } from './returns';
import { readFileLines } from './read';
import { createStagingTable, STAGING_TABLE, stageLines } from './staging';

export { IMPORT_FORMATS, type ImportFormat } from './formats';
export { importedOpenidPrefix, importedOrderNoPrefix, type Rejection } from './load';
export { onlineRetailCategory } from './categories';

export const IMPORT_STAGES = ['reading', 'members', 'catalogue', 'orders', 'returns'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

export interface ImportOptions {
  format: ImportFormat;
  /** Names the source in member openids, order and refund numbers (default: the format). */
  source?: string;
  /** Create members for customers not yet known; otherwise their lines are rejected. */
  asMembers: boolean;
  /** Lines staged per statement. */
  batchLines?: number;
  onProgress?: (stage: ImportStage, done: number, total: number) => void;
}

export interface ImportSummary {
  source: string;
  /** Data lines in the file (the header and blank lines not counted). */
  linesRead: number;
  skippedNoCustomer: number;
  rejected: number;
  /** Accepted sale lines and what they span. */
  saleLines: number;
  customers: number;
  orderNumbers: number;
  returns: ReturnCounts;
  /** Rows this run added (zero on a re-run of the same file). */
  inserted: { members: number } & CatalogueCounts & OrderCounts & { refunds: number };
  elapsedMs: number;
}

export interface ImportResult {
  summary: ImportSummary;
  /** Rejected lines and unmatched returns, by line number. */
  report: Rejection[];
}

const DEFAULT_BATCH_LINES = 5000;

async function stageFile(
  executor: Executor,
  file: string,
  options: ImportOptions,
  rejections: Rejection[],
): Promise<{ linesRead: number; skippedNoCustomer: number }> {
  const { lines, totalBytes, bytesRead } = await readFileLines(file);
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  let parser: ReturnType<typeof recordParser> | undefined;
  let lineNo = 0;
  let linesRead = 0;
  let skippedNoCustomer = 0;
  let batch: ImportLine[] = [];
  for await (const text of lines) {
    lineNo++;
    if (!parser) {
      parser = recordParser(options.format, parseCsvLine(text) ?? []);
      continue;
    }
    if (text.trim() === '') continue;
    linesRead++;
    const fields = parseCsvLine(text);
    const parsed = fields ? parser.parse(fields, lineNo) : { kind: 'rejected' as const, reason: 'unterminated quoted field' };
    if (parsed.kind === 'line') batch.push(parsed.value);
    else if (parsed.kind === 'no-customer') skippedNoCustomer++;
    else rejections.push({ line: lineNo, reason: parsed.reason });
    if (batch.length >= batchLines) {
      await stageLines(executor, batch);
      batch = [];
      options.onProgress?.('reading', bytesRead(), totalBytes);
    }
  }
  if (!parser) throw new Error(`${file} is empty: expected a header line`);
  await stageLines(executor, batch);
  options.onProgress?.('reading', totalBytes, totalBytes);
  return { linesRead, skippedNoCustomer };
}

/**
 * Imports `file` (plain or gzip CSV) into `database`.
 * @example const { summary, report } = await importOrders(db, 'online_retail.csv.gz', { format: 'online-retail', asMembers: true });
 */
export async function importOrders(database: Database, file: string, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const source = options.source ?? options.format;
  const progress = options.onProgress ?? (() => undefined);
  return withTransaction(
    database,
    async (tx) => {
      const report: Rejection[] = [];
      await createStagingTable(tx);
      const read = await stageFile(tx, file, options, report);
      await tx.execute(sql.raw(`analyze ${STAGING_TABLE}`));
      progress('members', 0, 1);
      report.push(...(await rejectMixedCustomerOrders(tx)));
      const members = await resolveMembers(tx, source, options.asMembers);
      report.push(...members.rejections);
      const rejected = report.length;
      progress('catalogue', 0, 1);
      const catalogue = await loadCatalogue(tx);
      progress('orders', 0, 1);
      const orders = await loadOrders(tx, source);
      progress('returns', 0, 1);
      const returns = await importReturns(tx, source);
      report.push(...returns.unmatched);
      progress('returns', 1, 1);
      const [span] = await execute<{ sale_lines: number; customers: number; order_numbers: number }>(
        tx,
        sql.raw(`select count(*)::int as sale_lines, count(distinct customer)::int as customers,
            count(distinct order_no)::int as order_numbers from ${STAGING_TABLE} where not is_return`),
      );
      report.sort((a, b) => a.line - b.line);
      const summary: ImportSummary = {
        source,
        ...read,
        rejected,
        saleLines: span?.sale_lines ?? 0,
        customers: span?.customers ?? 0,
        orderNumbers: span?.order_numbers ?? 0,
        returns: returns.counts,
        inserted: { members: members.created, ...catalogue, ...orders, refunds: returns.counts.refunds },
        elapsedMs: Math.round(performance.now() - started),
      };
      return { summary, report };
    },
    { retries: 0 },
  );
}

/** The report file's text: `line,reason` rows under a header, reasons quoted as CSV. */
export function formatReport(report: readonly Rejection[]): string {
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  return ['line,reason', ...report.map((r) => `${r.line},${quote(r.reason)}`)].join('\n') + '\n';
}
