/**
 * The order-history formats `npm run import:orders` reads, each turning one CSV record into an order line, a
 * skipped line (no customer) or a rejection with its reason.
 *
 * - `online-retail`: the UCI Online Retail columns InvoiceNo, StockCode, Description, Quantity, InvoiceDate
 *   (YYYY-MM-DD HH:MM:SS), UnitPrice, CustomerID, Country. Invoices starting with "C" are cancellations and carry
 *   negative quantities.
 * - `csv`: a shop's own POS export with a header naming the columns order_no, customer_id, sku, title, category,
 *   quantity, unit_price, paid_at (and optionally brand, region), in any order. A negative quantity is a return.
 *
 * Times without an offset are the shop's wall clock (Asia/Shanghai); unit prices are yuan, converted to fen.
 */
import { fromShanghai, shanghaiParts } from '@member-ops/shared/time/index';
import { yuanToFen } from '@member-ops/shared/money/index';
import { onlineRetailCategory } from './categories';
import { ImportError } from './errors';

export const IMPORT_FORMATS = ['online-retail', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportLine {
  line: number;
  /** The invoice or order number in the source; a return's own number for a return line. */
  orderNo: string;
  customerId: string;
  sku: string;
  title: string;
  categoryCode: string;
  categoryName: string;
  brand: string | null;
  region: string | null;
  /** Positive for a sale; negative for a cancellation or return. */
  quantity: number;
  unitPriceFen: number;
  at: Date;
  isReturn: boolean;
}

/** A rejected record: `problem` names the kind (for counting), `reason` says what exactly was wrong. */
export interface RejectedRecord {
  kind: 'rejected';
  problem: string;
  reason: string;
}

export type ParsedRecord = { kind: 'line'; value: ImportLine } | { kind: 'no-customer' } | RejectedRecord;

export interface RecordParser {
  /** Parses the fields of data line `line` (1-based, counting the header). */
  parse(fields: readonly string[], line: number): ParsedRecord;
}

const ONLINE_RETAIL_COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;
const CSV_REQUIRED = ['order_no', 'customer_id', 'sku', 'title', 'category', 'quantity', 'unit_price', 'paid_at'] as const;
const CSV_OPTIONAL = ['brand', 'region'] as const;

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const INTEGER = /^-?\d+$/;
const CUSTOMER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** A Shanghai wall-clock time, or an ISO instant with an offset; null when it is not a real time. */
export function parseShopTime(text: string): Date | null {
  const trimmed = text.trim();
  if (WITH_OFFSET.test(trimmed)) {
    const at = new Date(trimmed);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  const m = WALL_CLOCK.exec(trimmed);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = fromShanghai(year, month, day, hour, minute, second);
  const back = shanghaiParts(at);
  // fromShanghai rolls 2011-02-30 over to March; a real date reads back unchanged.
  const real = back.year === year && back.month === month && back.day === day && back.hour === hour && back.minute === minute;
  return real ? at : null;
}

function parseQuantity(text: string): number | null {
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) && Math.abs(n) <= 1_000_000 ? n : null;
}

/** The price in fen, and whether the source's decimal price was above zero (0.001 is above zero yet 0 fen). */
function parsePrice(text: string): { fen: number; positive: boolean } | null {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return null;
  try {
    return { fen: yuanToFen(trimmed), positive: Number(trimmed) > 0 };
  } catch {
    return null;
  }
}

interface LineFields {
  orderNo: string;
  customerId: string;
  sku: string;
  title: string;
  quantity: string;
  unitPrice: string;
  at: string;
  isReturn: boolean;
}

/** The checks both formats share, in the order a reader expects the first failure to be named. */
function validate(
  fields: LineFields,
  line: number,
): RejectedRecord | Omit<ImportLine, 'categoryCode' | 'categoryName' | 'brand' | 'region'> {
  const reject = (problem: string, reason = problem): RejectedRecord => ({ kind: 'rejected', problem, reason });
  if (fields.orderNo === '') return reject('missing order number');
  if (!CUSTOMER_ID.test(fields.customerId)) return reject('bad customer id', `bad customer id "${fields.customerId}"`);
  if (fields.sku === '') return reject('missing SKU / StockCode');
  const at = parseShopTime(fields.at);
  if (!at) return reject('bad date', `bad date "${fields.at}"`);
  const quantity = parseQuantity(fields.quantity);
  if (quantity === null || quantity === 0) return reject('bad quantity', `bad quantity "${fields.quantity}"`);
  const price = parsePrice(fields.unitPrice);
  if (!price) return reject('bad unit price', `bad unit price "${fields.unitPrice}"`);
  if (!price.positive) return reject('unit price not above zero', `unit price must be above zero, got ${fields.unitPrice}`);
  if (fields.isReturn && quantity > 0) return reject('a cancellation or return must have a negative quantity');
  if (!fields.isReturn && quantity < 0) return reject('negative quantity outside a cancellation');
  return {
    line,
    orderNo: fields.orderNo,
    customerId: fields.customerId,
    sku: fields.sku,
    title: fields.title === '' ? fields.sku : fields.title,
    quantity,
    unitPriceFen: price.fen,
    at,
    isReturn: fields.isReturn,
  };
}

function columnIndexes(header: readonly string[], names: readonly string[]): Map<string, number> {
  const trimmed = header.map((h) => h.trim().replace(/^\uFEFF/, ''));
  return new Map(names.map((name) => [name, trimmed.indexOf(name)]));
}

/** The parser for `format`, given the file's header; an ImportError when required columns are missing. */
export function recordParser(format: ImportFormat, header: readonly string[]): RecordParser {
  const names: readonly string[] = format === 'online-retail' ? ONLINE_RETAIL_COLUMNS : [...CSV_REQUIRED, ...CSV_OPTIONAL];
  const index = columnIndexes(header, names);
  const required: readonly string[] = format === 'online-retail' ? ONLINE_RETAIL_COLUMNS : CSV_REQUIRED;
  const missing = required.filter((name) => index.get(name) === -1);
  if (missing.length > 0) {
    // eslint-disable-next-line no-control-regex -- a binary file's first bytes must not reach the terminal
    const found = header.join(',').replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
    throw new ImportError(
      `the header lacks the ${format} column(s) ${missing.join(', ')} (it reads "${found.length > 120 ? `${found.slice(0, 120)}…` : found}"); ` +
        'check --format (online-retail or csv) and that the first line is the header; nothing was imported',
    );
  }
  const width = header.length;
  const field = (fields: readonly string[], name: string) => {
    const i = index.get(name) ?? -1;
    return i < 0 ? '' : (fields[i] ?? '').trim();
  };
  return {
    parse(fields, line) {
      if (fields.length !== width)
        return { kind: 'rejected', problem: 'wrong column count', reason: `expected ${width} columns, got ${fields.length}` };
      const onlineRetail = format === 'online-retail';
      const customerId = field(fields, onlineRetail ? 'CustomerID' : 'customer_id');
      if (customerId === '') return { kind: 'no-customer' };
      const orderNo = field(fields, onlineRetail ? 'InvoiceNo' : 'order_no');
      const quantity = field(fields, onlineRetail ? 'Quantity' : 'quantity');
      const checked = validate(
        {
          orderNo,
          customerId,
          sku: field(fields, onlineRetail ? 'StockCode' : 'sku'),
          title: field(fields, onlineRetail ? 'Description' : 'title'),
          quantity,
          unitPrice: field(fields, onlineRetail ? 'UnitPrice' : 'unit_price'),
          at: field(fields, onlineRetail ? 'InvoiceDate' : 'paid_at'),
          isReturn: onlineRetail ? orderNo.startsWith('C') : quantity.trim().startsWith('-'),
        },
        line,
      );
      if ('kind' in checked) return checked;
      if (onlineRetail) {
        const category = onlineRetailCategory(checked.sku, checked.title);
        const country = field(fields, 'Country');
        return {
          kind: 'line',
          value: { ...checked, categoryCode: category.code, categoryName: category.name, brand: null, region: country || null },
        };
      }
      const category = field(fields, 'category');
      if (category === '') return { kind: 'rejected', problem: 'missing category', reason: 'missing category' };
      const brand = field(fields, 'brand');
      const region = field(fields, 'region');
      return {
        kind: 'line',
        value: { ...checked, categoryCode: category, categoryName: category, brand: brand || null, region: region || null },
      };
    },
  };
}
