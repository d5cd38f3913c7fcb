import { describe, expect, it } from 'vitest';
import { soldOutProductId } from './sold-out';

const lines = [
  { skuId: 5, productId: 2 },
  { skuId: 9, productId: 4 },
];

describe('soldOutProductId', () => {
  it('is the product of the first line the server names', () => {
    expect(soldOutProductId(lines, [{ field: 'body.items.1.skuId' }, { field: 'body.items.0.skuId' }])).toBe(4);
  });
  it('falls back to the first line when no field names a line sent', () => {
    expect(soldOutProductId(lines, [])).toBe(2);
    expect(soldOutProductId(lines, [{ field: 'body.items.7.skuId' }, { field: 'body.couponId' }])).toBe(2);
  });
  it('is undefined without lines', () => {
    expect(soldOutProductId([], [{ field: 'body.items.0.skuId' }])).toBeUndefined();
  });
});
