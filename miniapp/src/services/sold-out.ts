/**
 * The product to send a shopper back to when an order is refused as sold out (409 SOLD_OUT): the product of the
 * first item the server names (its field is `body.items.<index>.skuId`, in the order the lines were sent), else
 * the first line's. Undefined when there are no lines.
 *
 * @example
 * soldOutProductId([{ skuId: 5, productId: 2 }, { skuId: 9, productId: 4 }], [{ field: 'body.items.1.skuId', message: '已售罄' }]);
 * // → 4
 */
export function soldOutProductId(
  lines: readonly { skuId: number; productId: number }[],
  fields: readonly { field: string }[],
): number | undefined {
  for (const { field } of fields) {
    const index = /^body\.items\.(\d+)\.skuId$/.exec(field)?.[1];
    const line = index === undefined ? undefined : lines[Number(index)];
    if (line) return line.productId;
  }
  return lines[0]?.productId;
}
