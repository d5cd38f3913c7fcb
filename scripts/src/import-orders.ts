/**
 * `npm run import:orders -- <file> [--format online-retail|csv] [--source NAME] [--as-members]
 *   [--max-rejected PERCENT] [--database-url URL | --data-dir DIR] [--report FILE]`
 *
 * Loads an order history (plain or gzip CSV) into the configured database; see ./import/index.ts for the rules.
 * Rejected lines and unmatched returns go to the report file (default <file name>.import-report.csv in the
 * current folder, since the data may sit in a read-only folder) — also when the import fails. Exits 1 with one
 * line on stderr when the file cannot be read, is cut off, has the wrong header or too many rejected lines.
 */
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '../../server/src/db';
import {
  DEFAULT_MAX_REJECTED_SHARE,
  formatReport,
  IMPORT_FORMATS,
  ImportError,
  type ImportFormat,
  importOrders,
  type ImportStage,
  type ImportSummary,
  type Rejection,
} from './import/index';
import { readFileLines } from './import/read';
import { openCliDatabase, runCli, UsageError } from './lib/cli';
import { terminalProgress } from './lib/progress';

const USAGE = `Usage: npm run import:orders -- <file> [options]
  --format F           online-retail (UCI Online Retail columns, the default) or csv (order_no, customer_id, sku,
                       title, category, quantity, unit_price, paid_at[, brand, region])
  --source NAME        names the source in imported openids and order numbers (default: the format)
  --as-members         create members for customers not yet imported (otherwise their lines are rejected)
  --max-rejected P     fail, importing nothing, when more than P % of the lines with a customer are rejected
                       (default ${DEFAULT_MAX_REJECTED_SHARE * 100}; 100 imports whatever is good)
  --database-url URL   a PostgreSQL server (default: DATABASE_URL, else embedded PGlite)
  --data-dir DIR       data folder for PGlite (default: DATA_DIR or .data)
  --report FILE        where rejected lines are listed (default: <file name>.import-report.csv here)`;

const STAGE_LABELS: Record<ImportStage, string> = {
  reading: 'reading file',
  members: 'members',
  catalogue: 'catalogue',
  orders: 'orders',
  returns: 'returns',
  recommendations: 'recommendations',
};

function parseOptions(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'online-retail' },
      source: { type: 'string' },
      'as-members': { type: 'boolean', default: false },
      'max-rejected': { type: 'string', default: String(DEFAULT_MAX_REJECTED_SHARE * 100) },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { help: true as const };
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('give exactly one file to import');
  const format = IMPORT_FORMATS.find((f) => f === values.format);
  if (!format) throw new UsageError(`--format must be ${IMPORT_FORMATS.join(' or ')}, got ${values.format}`);
  if (values.source !== undefined && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(values.source))
    throw new UsageError('--source must be lower-case letters, digits and dashes');
  const maxRejected = values['max-rejected'].trim().replace(/%$/, '');
  const maxRejectedPercent = /^\d+(\.\d+)?$/.test(maxRejected) ? Number(maxRejected) : NaN;
  if (!(maxRejectedPercent >= 0 && maxRejectedPercent <= 100))
    throw new UsageError(`--max-rejected must be a percentage from 0 to 100, got ${values['max-rejected']}`);
  return {
    help: false as const,
    file,
    format: format satisfies ImportFormat,
    source: values.source,
    asMembers: values['as-members'],
    maxRejectedShare: maxRejectedPercent / 100,
    url: values['database-url'],
    dataDir: values['data-dir'],
    report: values.report ?? `${path.basename(file).replace(/(\.csv)?(\.gz)?$/, '')}.import-report.csv`,
  };
}

/** One line on what was left out of a successful import, or nothing when every line went in. */
function leftOutLine(summary: ImportSummary, reportFile: string): string | undefined {
  const parts: string[] = [];
  const n = (count: number) => count.toLocaleString('en-US');
  if (summary.rejected > 0) {
    const kinds = Object.entries(summary.rejectedBy)
      .map(([problem, count]) => `${problem}: ${n(count)}`)
      .join('; ');
    parts.push(`${n(summary.rejected)} of ${n(summary.linesRead)} lines rejected (${kinds})`);
  }
  const unmatched = summary.returns.unmatchedLines;
  if (unmatched > 0)
    parts.push(`${n(unmatched)} of ${n(summary.returns.returnLines)} return lines not refunded (no earlier purchase)`);
  if (parts.length === 0) return undefined;
  return `${parts.join('; ')}; see ${reportFile}`;
}

/** The report can be written: the file if it exists, else its folder (nothing is created yet). */
async function checkWritable(file: string): Promise<void> {
  const target = path.resolve(file);
  try {
    await access(target, constants.W_OK).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await access(path.dirname(target), constants.W_OK);
    });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message;
    throw new ImportError(`cannot write the report ${file}: ${reason}`);
  }
}

async function writeReport(file: string, report: readonly Rejection[]): Promise<void> {
  try {
    await writeFile(file, formatReport(report));
  } catch (error) {
    throw new ImportError(`cannot write the report ${file}: ${(error as Error).message}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  // A missing or unreadable file, or a report that cannot be written, is reported before anything is imported.
  await readFileLines(options.file);
  await checkWritable(options.report);
  const { database } = await openCliDatabase({ databaseUrl: options.url, dataDir: options.dataDir }, 'member-ops-import');
  try {
    await migrate(database);
    const progress = terminalProgress('import');
    const result = await importOrders(database, options.file, {
      format: options.format,
      source: options.source,
      asMembers: options.asMembers,
      maxRejectedShare: options.maxRejectedShare,
      onProgress: (stage, done, total) =>
        progress.update(STAGE_LABELS[stage], done, total, stage === 'reading' ? 'bytes' : 'units'),
    })
      .catch(async (error: unknown) => {
        if (error instanceof ImportError && error.report.length > 0) {
          await writeReport(options.report, error.report);
          throw new ImportError(`${error.message} (examples of the rejected lines: ${options.report})`);
        }
        throw error;
      })
      .finally(() => progress.stop());
    const { summary, report } = result;
    console.log(JSON.stringify({ ...summary, reportFile: options.report, reportLines: report.length }, null, 2));
    await writeReport(options.report, report).catch((error: unknown) => {
      throw new ImportError(`the import was committed, but ${(error as Error).message}`);
    });
    const leftOut = leftOutLine(summary, options.report);
    if (leftOut) console.error(`import:orders: ${leftOut}`);
  } finally {
    await database.close();
  }
}

runCli(import.meta.url, main, { command: 'import:orders', expectedErrors: [ImportError] });
