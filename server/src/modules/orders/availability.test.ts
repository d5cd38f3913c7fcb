import { describe, expect, it } from 'vitest';
import { unavailableError, unavailableItems } from './availability';

const tee = { skuId: 7, title: '秒杀 T 恤 白色', stock: 0, onSale: true };
const mug = { skuId: 9, title: '马克杯 大号', stock: 2, onSale: true };

describe('unavailableItems', () => {
  it('names every short item at its index in the request, and nothing when all can be served', () => {
    const items = [
      { skuId: 9, quantity: 3 },
      { skuId: 7, quantity: 1 },
    ];
    expect(unavailableItems(items, [tee, mug])).toEqual([
      { index: 0, skuId: 9, reason: 'short', title: '马克杯 大号', stock: 2 },
      { index: 1, skuId: 7, reason: 'short', title: '秒杀 T 恤 白色', stock: 0 },
    ]);
    expect(unavailableItems([{ skuId: 9, quantity: 2 }], [mug])).toEqual([]);
  });

  it('counts an unknown SKU or one off sale as not on sale', () => {
    expect(unavailableItems([{ skuId: 1, quantity: 1 }], [])).toEqual([{ index: 0, skuId: 1, reason: 'not_on_sale' }]);
    expect(unavailableItems([{ skuId: 9, quantity: 1 }], [{ ...mug, onSale: false }])).toEqual([
      { index: 0, skuId: 9, reason: 'not_on_sale' },
    ]);
  });
});

describe('unavailableError', () => {
  it('is 409 SOLD_OUT in Chinese: sold out, or how many are left, one field per short item', () => {
    const error = unavailableError(
      unavailableItems(
        [
          { skuId: 7, quantity: 1 },
          { skuId: 9, quantity: 3 },
        ],
        [tee, mug],
      ),
    );
    expect({ status: error.status, code: error.code, message: error.message, fields: error.fields }).toEqual({
      status: 409,
      code: 'SOLD_OUT',
      message: '「秒杀 T 恤 白色」已售罄；「马克杯 大号」库存不足，仅剩 2 件',
      fields: [
        { field: 'body.items.0.skuId', message: '已售罄' },
        { field: 'body.items.1.skuId', message: '库存不足，仅剩 2 件' },
      ],
    });
  });

  it('is 422 naming the first SKU not on sale when one is', () => {
    const error = unavailableError([
      { index: 0, skuId: 7, reason: 'short', title: 'x', stock: 0 },
      { index: 1, skuId: 3, reason: 'not_on_sale' },
    ]);
    expect({ status: error.status, code: error.code, fields: error.fields }).toEqual({
      status: 422,
      code: 'UNPROCESSABLE',
      fields: [{ field: 'body.items.1.skuId', message: 'not on sale' }],
    });
  });
});
