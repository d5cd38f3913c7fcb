/**
 * `npm run import:orders -- <file> [--format online-retail|csv] [--source NAME] [--as-members]
 *   [--database-url URL | --data-dir DIR] [--report FILE]`
 *
 * Loads an order history (plain or gzip CSV) into the configured database; see ./import/index.ts for the rules.
 * Rejected lines and unmatched returns go to the report file (default <file name>.import-report.csv in the
 * current folder, since the data may sit in a read-only folder).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '../../server/src/db';
import { formatReport, IMPORT_FORMATS, type ImportFormat, importOrders, type ImportStage } from './import/index';
import { openCliDatabase, runCli, UsageError } from './lib/cli';
import { terminalProgress } from './lib/progress';

const USAGE = `Usage: npm run import:orders -- <file> [options]
  --format F           online-retail (UCI Online Retail columns, the default) or csv (order_no, customer_id, sku,
                       title, category, quantity, unit_price, paid_at[, brand, region])
  --source NAME        names the source in imported openids and order numbers (default: the format)
  --as-members         create members for customers not yet imported (otherwise their lines are rejected)
  --database-url URL   a PostgreSQL server (default: DATABASE_URL, else embedded PGlite)
  --data-dir DIR       data folder for PGlite (default: DATA_DIR or .data)
  --report FILE        where rejected lines are listed (default: <file name>.import-report.csv here)`;

const STAGE_LABELS: Record<ImportStage, string> = {
  reading: 'reading file',
  members: 'members',
  catalogue: 'catalogue',
  orders: 'orders',
  returns: 'returns',
};

function parseOptions(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'online-retail' },
      source: { type: 'string' },
      'as-members': { type: 'boolean', default: false },
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
  return {
    help: false as const,
    file,
    format: format satisfies ImportFormat,
    source: values.source,
    asMembers: values['as-members'],
    url: values['database-url'],
    dataDir: values['data-dir'],
    report: values.report,
  };
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const { database } = await openCliDatabase({ databaseUrl: options.url, dataDir: options.dataDir }, 'member-ops-import');
  try {
    await migrate(database);
    const progress = terminalProgress('import');
    const { summary, report } = await importOrders(database, options.file, {
      format: options.format,
      source: options.source,
      asMembers: options.asMembers,
      onProgress: (stage, done, total) => progress.update(STAGE_LABELS[stage], done, total),
    }).finally(() => progress.stop());
    const reportFile = options.report ?? `${path.basename(options.file).replace(/(\.csv)?(\.gz)?$/, '')}.import-report.csv`;
    await writeFile(reportFile, formatReport(report));
    console.log(JSON.stringify({ ...summary, reportFile, reportLines: report.length }, null, 2));
  } finally {
    await database.close();
  }
}

runCli(import.meta.url, main, USAGE);
