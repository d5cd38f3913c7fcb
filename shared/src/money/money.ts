/**
 * Money is always an integer number of fen (1 yuan = 100 fen). These helpers are the only place
 * where yuan and fen are converted, so rounding happens in one way everywhere.
 */
export type Fen = number;

export class MoneyError extends Error {
  override name = 'MoneyError';
}

/** Throws unless `value` is a safe integer amount of fen. */
export function assertFen(value: number, label = 'amount'): asserts value is Fen {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${label} must be an integer number of fen, got ${value}`);
}

/**
 * Parses a yuan amount ("12.5", "12.50", 12.5, "-3") into fen without floating-point drift.
 * More than two decimals are rounded half away from zero.
 * @example yuanToFen('19.99') // 1999
 */
export function yuanToFen(yuan: number | string): Fen {
  const text = typeof yuan === 'number' ? plainDecimal(yuan) : yuan.trim();
  const match = /^([+-])?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new MoneyError(`not a yuan amount: ${JSON.stringify(yuan)}`);
  const sign = match[1] === '-' ? -1 : 1;
  const whole = Number(match[2]);
  const decimals = (match[3] ?? '').padEnd(3, '0');
  let fen = whole * 100 + Number(decimals.slice(0, 2));
  if (Number(decimals[2]) >= 5) fen += 1;
  const result = sign * fen;
  assertFen(result);
  return result === 0 ? 0 : result;
}

/**
 * The shortest decimal that reads back as `value`, so 1.005 stays "1.005" and is rounded once, not twice
 * (`toFixed(6)` would turn 1.0049999999 into "1.005000" and then round it up). Magnitudes below 1e-6, which
 * `String` writes with an exponent, are far below half a fen and become "0.000000".
 */
function plainDecimal(value: number): string {
  const text = String(value);
  return /e-/i.test(text) ? value.toFixed(6) : text;
}

/** "1234.50" — a plain decimal string of yuan, no grouping. */
export function fenToYuanString(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * "¥1,234.50" for screens; `trimZeros` shows "¥12" instead of "¥12.00".
 * @example formatYuan(123450) // '¥1,234.50'
 */
export function formatYuan(fen: Fen, options: { trimZeros?: boolean } = {}): string {
  const [whole = '0', decimals = '00'] = fenToYuanString(Math.abs(fen)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const tail = options.trimZeros && decimals === '00' ? '' : `.${decimals}`;
  return `${fen < 0 ? '-' : ''}¥${grouped}${tail}`;
}

/** Share of an amount given in basis points (1 % = 100 bp), rounded down to whole fen. */
export function basisPointsOf(fen: Fen, basisPoints: number): Fen {
  assertFen(fen);
  return Math.floor((fen * basisPoints) / 10_000);
}

/**
 * Splits `total` over `weights` so that the parts are integers that add up to `total` exactly
 * (largest-remainder method; ties go to the earlier weight). Used for discounts over order lines
 * and for proportional refunds.
 * @example allocateProportionally(100, [1, 1, 1]) // [34, 33, 33]
 */
export function allocateProportionally(total: Fen, weights: readonly number[]): Fen[] {
  assertFen(total);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new MoneyError('weights must be finite and non-negative');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) {
    if (total !== 0) throw new MoneyError('cannot allocate a non-zero total over no weights');
    return [];
  }
  if (sum === 0) {
    if (total !== 0) throw new MoneyError('cannot allocate a non-zero total over zero weights');
    return weights.map(() => 0);
  }
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const exact = weights.map((w) => (abs * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = abs - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts.map((p) => (p === 0 ? 0 : sign * p));
}
