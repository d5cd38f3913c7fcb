import { AppError } from '../../errors';

export interface AvailabilityLine {
  skuId: number;
  title: string;
  stock: number;
  onSale: boolean;
}

/** A SKU that cannot be ordered in the quantity asked, at its index in the request. */
export type Unavailable =
  | { index: number; skuId: number; reason: 'not_on_sale' }
  | { index: number; skuId: number; reason: 'short'; title: string; stock: number };

/**
 * Which requested items the catalogue cannot serve: not on sale (or unknown), or fewer in stock than asked.
 * Reads nothing; `lines` are the catalogue rows of the requested SKUs.
 *
 * @example
 * unavailableItems([{ skuId: 7, quantity: 1 }], [{ skuId: 7, title: '秒杀 T 恤 白色', stock: 0, onSale: true }]);
 * // → [{ index: 0, skuId: 7, reason: 'short', title: '秒杀 T 恤 白色', stock: 0 }]
 */
export function unavailableItems(
  items: readonly { skuId: number; quantity: number }[],
  lines: readonly AvailabilityLine[],
): Unavailable[] {
  const bySku = new Map(lines.map((line) => [line.skuId, line]));
  const problems: Unavailable[] = [];
  items.forEach((item, index) => {
    const line = bySku.get(item.skuId);
    if (!line || !line.onSale) problems.push({ index, skuId: item.skuId, reason: 'not_on_sale' });
    else if (line.stock < item.quantity) {
      problems.push({ index, skuId: item.skuId, reason: 'short', title: line.title, stock: Math.max(0, line.stock) });
    }
  });
  return problems;
}

/** What the shopper reads about one SKU that is short. */
function shortage(stock: number): string {
  return stock <= 0 ? '已售罄' : `库存不足，仅剩 ${stock} 件`;
}

/**
 * The answer for unavailable items: 422 naming the first SKU not on sale; otherwise 409 SOLD_OUT saying, in
 * Chinese, which SKUs are sold out or how many are left, with one field per short item.
 */
export function unavailableError(problems: readonly Unavailable[]): AppError {
  const notOnSale = problems.find((problem) => problem.reason === 'not_on_sale');
  if (notOnSale) {
    return new AppError('UNPROCESSABLE', `SKU ${notOnSale.skuId} is not on sale`, [
      { field: `body.items.${notOnSale.index}.skuId`, message: 'not on sale' },
    ]);
  }
  const short = problems.flatMap((problem) => (problem.reason === 'short' ? [problem] : []));
  return new AppError(
    'SOLD_OUT',
    short.map((problem) => `「${problem.title}」${shortage(problem.stock)}`).join('；'),
    short.map((problem) => ({ field: `body.items.${problem.index}.skuId`, message: shortage(problem.stock) })),
  );
}
