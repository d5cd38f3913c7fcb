/**
 * Fits BG/NBD and Gamma-Gamma to a transaction file and prints one JSON object on stdout:
 * the parameters and, per customer, P(alive), expected purchases in the next 39 time units and
 * expected spend per purchase. Diagnostics (fit time) go to stderr.
 *
 *   npm run clv -- --transactions FILE [--format csv|cdnow|cdnow-master]
 *                  [--calibration-end YYYY-MM-DD] [--unit week|day]
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  summarizeClvTransactions,
  type ClvTransaction,
} from '@member-ops/shared';
import { describeError } from './lib/cli';

export const INPUT_FORMATS = ['csv', 'cdnow', 'cdnow-master'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const UNIT_DAYS = { week: 7, day: 1 } as const;
const FORECAST_UNITS = 39;

const USAGE = `usage: npm run clv -- --transactions FILE [--format csv|cdnow|cdnow-master]
                      [--calibration-end YYYY-MM-DD] [--unit week|day]
  csv           header row with customer_id,date,amount (date YYYY-MM-DD, optionally followed by a time)
  cdnow         CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars (customers = sample ids)
  cdnow-master  CDNOW_master.txt: header, then customer id, YYYYMMDD, CDs, dollars
  --calibration-end defaults to the latest purchase date; --unit defaults to week`;

/** A problem with the arguments or the input file: reported in one line on stderr with exit code 2. */
export class CliInputError extends Error {
  override name = 'CliInputError';
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  transactions: string;
  format: InputFormat;
  calibrationEnd: string | undefined;
  unit: keyof typeof UNIT_DAYS;
}

function parseOptions(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        transactions: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        'calibration-end': { type: 'string' },
        unit: { type: 'string', default: 'week' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliInputError(error instanceof Error ? error.message : String(error));
  }
  const { transactions, format, unit } = values;
  const calibrationEnd = values['calibration-end'];
  if (!transactions) throw new CliInputError('--transactions FILE is required');
  if (!INPUT_FORMATS.includes(format as InputFormat)) throw new CliInputError(`unknown --format ${format}`);
  if (unit !== 'week' && unit !== 'day') throw new CliInputError(`--unit must be week or day, got ${unit}`);
  if (calibrationEnd !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(calibrationEnd)) {
    throw new CliInputError(`--calibration-end must be YYYY-MM-DD, got ${calibrationEnd}`);
  }
  return { transactions, format: format as InputFormat, calibrationEnd, unit };
}

function compactDate(text: string, where: string): string {
  if (!/^\d{8}$/.test(text)) throw new CliInputError(`${where}: date must be YYYYMMDD, got ${JSON.stringify(text)}`);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

function amountOf(text: string | undefined, where: string): number {
  const amount = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(amount)) {
    throw new CliInputError(`${where}: amount must be a number, got ${JSON.stringify(text)}`);
  }
  return amount;
}

/** Splits one CSV record, honouring double quotes ("" inside quotes is a literal quote). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields.map((value) => value.trim());
}

function parseCsv(lines: readonly string[]): ClvTransaction[] {
  const header = splitCsvLine(lines[0] ?? '').map((name) => name.toLowerCase());
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new CliInputError(`line 1: the header needs a ${name} column (customer_id,date,amount)`);
    return index;
  };
  const [idColumn, dateColumn, amountColumn] = [column('customer_id'), column('date'), column('amount')];
  return lines.slice(1).flatMap((line, index) => {
    if (line.trim() === '') return [];
    const where = `line ${index + 2}`;
    const fields = splitCsvLine(line);
    const customerId = fields[idColumn] ?? '';
    const date = /^\d{4}-\d{2}-\d{2}(?:[ T].*)?$/.exec(fields[dateColumn] ?? '')?.[0].slice(0, 10);
    if (customerId === '') throw new CliInputError(`${where}: customer_id is empty`);
    if (!date) throw new CliInputError(`${where}: date must be YYYY-MM-DD, got ${JSON.stringify(fields[dateColumn])}`);
    return [{ customerId, date, amount: amountOf(fields[amountColumn], where) }];
  });
}

/** Turns the text of a transaction file into purchase lines (CRLF or LF line ends). */
export function parseTransactions(text: string, format: InputFormat): ClvTransaction[] {
  const lines = text.split(/\r?\n/);
  if (format === 'csv') return parseCsv(lines);
  const firstDataLine = format === 'cdnow-master' ? 1 : 0;
  const idField = format === 'cdnow' ? 1 : 0;
  const fieldCount = format === 'cdnow' ? 5 : 4;
  return lines.slice(firstDataLine).flatMap((line, index) => {
    if (line.trim() === '') return [];
    const where = `line ${index + firstDataLine + 1}`;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== fieldCount) throw new CliInputError(`${where}: expected ${fieldCount} columns for ${format}`);
    const id = fields[idField] ?? '';
    if (!/^\d+$/.test(id)) throw new CliInputError(`${where}: customer id must be a number, got ${JSON.stringify(id)}`);
    return [
      {
        customerId: String(Number(id)),
        date: compactDate(fields[idField + 1] ?? '', where),
        amount: amountOf(fields[fieldCount - 1], where),
      },
    ];
  });
}

function latestDate(transactions: readonly ClvTransaction[]): string {
  return transactions.reduce((latest, { date }) => (date > latest ? date : latest), '');
}

function analyse(options: CliOptions, text: string): { output: unknown; diagnostics: string } {
  const transactions = parseTransactions(text, options.format);
  if (transactions.length === 0) throw new CliInputError(`${options.transactions} has no transactions`);
  const calibrationEnd = options.calibrationEnd ?? latestDate(transactions);
  const unitDays = UNIT_DAYS[options.unit];
  let summaries;
  try {
    summaries = summarizeClvTransactions(transactions, { calibrationEnd, unitDays });
  } catch (error) {
    throw new CliInputError(error instanceof Error ? error.message : String(error));
  }
  if (summaries.length === 0) throw new CliInputError(`no customer made a first purchase by ${calibrationEnd}`);
  const numericIds = options.format !== 'csv';
  if (numericIds) summaries.sort((p, q) => Number(p.customerId) - Number(q.customerId));

  const started = performance.now();
  let bgNbd;
  let gammaGamma;
  try {
    bgNbd = fitBgNbd(summaries);
    gammaGamma = fitGammaGamma(summaries);
  } catch (error) {
    if (error instanceof RangeError) throw new CliInputError(`cannot fit the models to this data: ${error.message}`);
    throw error;
  }
  const fitMs = performance.now() - started;

  const customers = summaries.map((summary) => ({
    id: numericIds ? Number(summary.customerId) : summary.customerId,
    x: summary.x,
    tx: summary.tx,
    T: summary.T,
    pAlive: bgNbdProbabilityAlive(bgNbd.params, summary),
    expectedPurchases39: bgNbdExpectedPurchases(bgNbd.params, summary, FORECAST_UNITS),
    expectedAverageSpend: gammaGammaExpectedSpend(gammaGamma.params, summary),
  }));
  const output = {
    bgnbd: { ...bgNbd.params, logLikelihood: bgNbd.logLikelihood },
    gammaGamma: gammaGamma.params,
    customers,
  };
  const diagnostics =
    `clv: ${summaries.length} customers, calibration to ${calibrationEnd} in ${options.unit}s; ` +
    `BG/NBD + Gamma-Gamma (${gammaGamma.customers} repeat buyers) fitted in ${fitMs.toFixed(0)} ms` +
    (bgNbd.converged && gammaGamma.converged ? '' : ' — WARNING: an optimiser stopped before converging');
  return { output, diagnostics };
}

/** The whole command, minus the process: arguments in, exit code and output text out (one line on failure). */
export function runClv(argv: readonly string[]): CliResult {
  try {
    if (argv.includes('--help') || argv.includes('-h')) return { exitCode: 0, stdout: `${USAGE}\n`, stderr: '' };
    const options = parseOptions(argv);
    let text: string;
    try {
      text = readFileSync(options.transactions, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
      throw new CliInputError(`cannot read ${options.transactions}: ${reason}`);
    }
    const { output, diagnostics } = analyse(options, text);
    return { exitCode: 0, stdout: `${JSON.stringify(output)}\n`, stderr: `${diagnostics}\n` };
  } catch (error) {
    if (error instanceof CliInputError) return { exitCode: 2, stdout: '', stderr: `clv: ${error.message} (see --help)\n` };
    return { exitCode: 1, stdout: '', stderr: `clv: ${describeError(error)}\n` };
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  const result = runClv(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
