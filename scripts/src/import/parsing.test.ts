import { describe, expect, it } from 'vitest';
import { onlineRetailCategory } from './categories';
import { parseCsvLine } from './csv';
import { parseShopTime } from './formats';
import { planReturns, type PurchasedLine } from './returns';

describe('parseCsvLine', () => {
  it('splits on commas outside quotes and unescapes doubled quotes', () => {
    expect(parseCsvLine('536381,82567,"AIRLINE LOUNGE,METAL SIGN",2')).toEqual([
      '536381',
      '82567',
      'AIRLINE LOUNGE,METAL SIGN',
      '2',
    ]);
    expect(parseCsvLine('a,"RECORD FRAME 7"" SINGLE SIZE ",b')).toEqual(['a', 'RECORD FRAME 7" SINGLE SIZE ', 'b']);
    expect(parseCsvLine('a,,')).toEqual(['a', '', '']);
  });
  it('refuses a quote left open', () => {
    expect(parseCsvLine('a,"open')).toBeNull();
  });
});

describe('parseShopTime', () => {
  it('reads wall-clock times as Asia/Shanghai and keeps explicit offsets', () => {
    expect(parseShopTime('2010-12-01 08:26:00')).toEqual(new Date('2010-12-01T00:26:00Z'));
    expect(parseShopTime('2026-01-05 10:00')).toEqual(new Date('2026-01-05T02:00:00Z'));
    expect(parseShopTime('2026-01-06T02:00:00Z')).toEqual(new Date('2026-01-06T02:00:00Z'));
  });
  it('rejects dates that do not exist', () => {
    expect(parseShopTime('2011-02-30 10:00:00')).toBeNull();
    expect(parseShopTime('2010-12-01 24:10:00')).toBeNull();
    expect(parseShopTime('01/12/2010 08:26')).toBeNull();
  });
});

describe('onlineRetailCategory', () => {
  it('sorts goods by description keywords and fees by their StockCode', () => {
    expect(onlineRetailCategory('85123A', 'WHITE HANGING HEART T-LIGHT HOLDER').code).toBe('retail-lighting');
    expect(onlineRetailCategory('22386', 'JUMBO BAG PINK POLKADOT').code).toBe('retail-bags');
    expect(onlineRetailCategory('POST', 'POSTAGE').code).toBe('retail-services');
    expect(onlineRetailCategory('90000', 'SOMETHING UNHEARD OF').code).toBe('retail-other');
  });
});

describe('planReturns', () => {
  const at = (day: number) => new Date(Date.UTC(2011, 0, day));
  const purchase = (over: Partial<PurchasedLine>): PurchasedLine => ({
    orderItemId: 1,
    orderId: 10,
    memberId: 100,
    customer: 'c1',
    sku: 'A',
    paidAt: at(1),
    unitPriceFen: 200,
    quantityLeft: 5,
    fenLeft: 1000,
    ...over,
  });

  it('refunds the most recent earlier purchase at the price paid, spilling into older ones', () => {
    const plan = planReturns(
      [{ line: 7, returnNo: 'C1', customer: 'c1', sku: 'A', quantity: 7, unitPriceFen: 250, at: at(10) }],
      [purchase({}), purchase({ orderItemId: 2, orderId: 11, paidAt: at(5), quantityLeft: 3, fenLeft: 600 })],
    );
    expect(plan.refunds).toEqual([
      {
        returnNo: 'C1',
        orderId: 11,
        memberId: 100,
        at: at(10),
        amountFen: 600,
        lines: [{ orderItemId: 2, quantity: 3, amountFen: 600 }],
      },
      {
        returnNo: 'C1',
        orderId: 10,
        memberId: 100,
        at: at(10),
        amountFen: 800,
        lines: [{ orderItemId: 1, quantity: 4, amountFen: 800 }],
      },
    ]);
    expect(plan.unmatched).toEqual([]);
  });

  it('never refunds a purchase made after the return, another customer’s, or more units than bought', () => {
    const plan = planReturns(
      [
        { line: 3, returnNo: 'C1', customer: 'c1', sku: 'A', quantity: 2, unitPriceFen: 200, at: at(2) },
        { line: 4, returnNo: 'C2', customer: 'c2', sku: 'A', quantity: 1, unitPriceFen: 200, at: at(20) },
        { line: 5, returnNo: 'C3', customer: 'c1', sku: 'A', quantity: 9, unitPriceFen: 200, at: at(20) },
      ],
      [purchase({ paidAt: at(5) })],
    );
    expect(plan.matchedLines).toBe(1);
    expect(plan.refunds).toHaveLength(1);
    expect(plan.refunds[0]?.amountFen).toBe(1000);
    expect(plan.unmatched.map((u) => u.line)).toEqual([3, 4, 5]);
  });
});
