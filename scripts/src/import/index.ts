/**
 * `importOrders`: loads an order history file into the shop in one transaction, idempotently. Lines are parsed
 * and checked while the file streams in (bad ones are rejected with a reason, lines without a customer are
 * counted and skipped), staged in a temporary table, then turned into members, catalogue, orders, payments and
 * refunds by set-based SQL (./load, ./returns).
 */
import { sql } from 'drizzle-orm';
import { type Database, execute, type Executor, withTransaction } from '../../../server/src/db';
import { rebuildRecommendationModel } from '../../../server/src/modules/catalog';
import { parseCsvLine } from './csv';
import { ImportError } from './errors';
import { type ImportFormat, type ImportLine, recordParser } from './formats';
import {
  type CatalogueCounts,
  loadCatalogue,
  loadOrders,
  type OrderCounts,
  rejectMixedCustomerOrders,
  resolveMembers,
} from './load';
import { type Rejection, RejectionLog } from './rejections';
import { importReturns, type ReturnCounts } from './returns';
import { readFileLines } from './read';
import { createStagingTable, STAGING_TABLE, stageLines } from './staging';

export { IMPORT_FORMATS, type ImportFormat } from './formats';
export { importedOpenidPrefix, importedOrderNoPrefix, NOT_A_MEMBER } from './load';
export { EXAMPLES_PER_PROBLEM, type Rejection } from './rejections';
export { ImportError } from './errors';
export { onlineRetailCategory } from './categories';

export const IMPORT_STAGES = ['reading', 'members', 'catalogue', 'orders', 'returns', 'recommendations'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

/** More rejected lines than this share of the lines with a customer fails the import (nothing is written). */
export const DEFAULT_MAX_REJECTED_SHARE = 0.1;

export interface ImportOptions {
  format: ImportFormat;
  /** Names the source in member openids, order and refund numbers (default: the format). */
  source?: string;
  /** Create members for customers not yet known; otherwise their lines are rejected. */
  asMembers: boolean;
  /**
   * The share (0–1) of the lines with a customer that may be rejected before the import fails and writes
   * nothing (default DEFAULT_MAX_REJECTED_SHARE). An import that accepts no line at all always fails.
   */
  maxRejectedShare?: number;
  /** Lines staged per statement. */
  batchLines?: number;
  /**
   * Progress: while `reading`, bytes of the file read (compressed bytes for a .gz) of its size on disk; then
   * stages done of IMPORT_STAGES.length as each later stage starts, and all of them at the end.
   */
  onProgress?: (stage: ImportStage, done: number, total: number) => void;
  /** The instant the recommendation model is rebuilt as of, with the imported orders (default: now). */
  now?: Date;
}

export interface ImportSummary {
  source: string;
  /** Data lines in the file (the header and blank lines not counted). */
  linesRead: number;
  skippedNoCustomer: number;
  rejected: number;
  /** Rejected lines per problem, the most frequent first. */
  rejectedBy: Record<string, number>;
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
  /**
   * Rejected lines and unmatched returns, by line number: every one up to EXAMPLES_PER_PROBLEM per problem (the
   * summary has the full counts).
   */
  report: Rejection[];
}

const DEFAULT_BATCH_LINES = 5000;
/** Reading progress is reported every this many lines, whatever became of them. */
const PROGRESS_EVERY_LINES = 5000;

async function stageFile(
  executor: Executor,
  file: string,
  options: ImportOptions,
  rejections: RejectionLog,
): Promise<{ linesRead: number; skippedNoCustomer: number }> {
  const { lines, totalBytes, bytesRead } = await readFileLines(file);
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  const progress = options.onProgress ?? (() => undefined);
  let parser: ReturnType<typeof recordParser> | undefined;
  let lineNo = 0;
  let linesRead = 0;
  let skippedNoCustomer = 0;
  let batch: ImportLine[] = [];
  progress('reading', 0, totalBytes);
  for await (const text of lines) {
    lineNo++;
    if (!parser) {
      parser = recordParser(options.format, parseCsvLine(text) ?? []);
      continue;
    }
    if (text.trim() === '') continue;
    linesRead++;
    const fields = parseCsvLine(text);
    const parsed = fields
      ? parser.parse(fields, lineNo)
      : { kind: 'rejected' as const, problem: 'unterminated quoted field', reason: 'unterminated quoted field' };
    if (parsed.kind === 'line') batch.push(parsed.value);
    else if (parsed.kind === 'no-customer') skippedNoCustomer++;
    else rejections.add(parsed.problem, { line: lineNo, reason: parsed.reason });
    if (batch.length >= batchLines) {
      await stageLines(executor, batch);
      batch = [];
    }
    if (linesRead % PROGRESS_EVERY_LINES === 0) progress('reading', bytesRead(), totalBytes);
  }
  if (!parser) throw new ImportError(`${file} is empty: expected a header line; nothing was imported`);
  await stageLines(executor, batch);
  progress('reading', bytesRead(), totalBytes);
  return { linesRead, skippedNoCustomer };
}

/** "problem: count; …" for the most frequent problems. */
function topProblems(rejections: RejectionLog, count = 3): string {
  return Object.entries(rejections.counts())
    .slice(0, count)
    .map(([problem, n]) => `${problem}: ${n.toLocaleString('en-US')}`)
    .join('; ');
}

/**
 * Fails the import (an ImportError, so the transaction rolls back) when it would import nothing from a file
 * with data lines, or when more than `maxShare` of the lines with a customer were rejected.
 */
function checkRejections(
  file: string,
  read: { linesRead: number; skippedNoCustomer: number },
  accepted: number,
  rejections: RejectionLog,
  maxShare: number,
): void {
  const fail = (message: string) => {
    throw new ImportError(`${message}; nothing was imported`, rejections.examples());
  };
  if (read.linesRead === 0) fail(`${file} has a header but no data lines`);
  const withCustomer = read.linesRead - read.skippedNoCustomer;
  if (withCustomer === 0) fail(`none of the ${read.linesRead.toLocaleString('en-US')} lines of ${file} names a customer`);
  const share = rejections.total / withCustomer;
  const counted = `${rejections.total.toLocaleString('en-US')} of ${withCustomer.toLocaleString('en-US')} lines with a customer`;
  if (accepted === 0)
    fail(`all ${withCustomer.toLocaleString('en-US')} lines with a customer were rejected (${topProblems(rejections)})`);
  if (share > maxShare) {
    fail(
      `${counted} (${(share * 100).toFixed(1)} %) were rejected, more than the ${+(maxShare * 100).toFixed(2)} % allowed ` +
        `(${topProblems(rejections)})`,
    );
  }
}

/**
 * Imports `file` (plain or gzip CSV) into `database`. Fails with an ImportError, writing nothing, when the file
 * cannot be read, is cut off, has the wrong header or too many rejected lines (see `maxRejectedShare`).
 * @example const { summary, report } = await importOrders(db, 'online_retail.csv.gz', { format: 'online-retail', asMembers: true });
 */
export async function importOrders(database: Database, file: string, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const source = options.source ?? options.format;
  const maxShare = options.maxRejectedShare ?? DEFAULT_MAX_REJECTED_SHARE;
  if (!(maxShare >= 0 && maxShare <= 1)) throw new RangeError(`maxRejectedShare must be between 0 and 1, got ${maxShare}`);
  const progress = options.onProgress ?? (() => undefined);
  const stage = (name: ImportStage) => progress(name, IMPORT_STAGES.indexOf(name), IMPORT_STAGES.length);
  return withTransaction(
    database,
    async (tx) => {
      const rejections = new RejectionLog();
      await createStagingTable(tx);
      const read = await stageFile(tx, file, options, rejections);
      await tx.execute(sql.raw(`analyze ${STAGING_TABLE}`));
      stage('members');
      await rejectMixedCustomerOrders(tx, rejections);
      const members = await resolveMembers(tx, source, options.asMembers, rejections);
      const [staged] = await execute<{ lines: number }>(tx, sql.raw(`select count(*)::int as lines from ${STAGING_TABLE}`));
      checkRejections(file, read, staged?.lines ?? 0, rejections, maxShare);
      stage('catalogue');
      const catalogue = await loadCatalogue(tx);
      stage('orders');
      const orders = await loadOrders(tx, source);
      stage('returns');
      const returns = await importReturns(tx, source);
      const unmatched = new RejectionLog();
      for (const { partly, ...rejection } of returns.unmatched) {
        unmatched.add(
          partly ? 'returned units partly match no earlier purchase' : 'return matches no earlier purchase',
          rejection,
        );
      }
      stage('recommendations');
      // In the import's transaction: the storefront never recommends from a model without the imported orders.
      await rebuildRecommendationModel(tx, options.now ?? new Date());
      progress('recommendations', IMPORT_STAGES.length, IMPORT_STAGES.length);
      const [span] = await execute<{ sale_lines: number; customers: number; order_numbers: number }>(
        tx,
        sql.raw(`select count(*)::int as sale_lines, count(distinct customer)::int as customers,
            count(distinct order_no)::int as order_numbers from ${STAGING_TABLE} where not is_return`),
      );
      const report = [...rejections.examples(), ...unmatched.examples()].sort((a, b) => a.line - b.line);
      const summary: ImportSummary = {
        source,
        ...read,
        rejected: rejections.total,
        rejectedBy: rejections.counts(),
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
