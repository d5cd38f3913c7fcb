import { describe, expect, it } from 'vitest';
import { refundedAsOf } from './refundedAsOf';

const jan = new Date('2011-01-15T00:00:00Z');
const feb = new Date('2011-02-15T00:00:00Z');
const mar = new Date('2011-03-15T00:00:00Z');

describe('refundedAsOf', () => {
  const refunds = [
    { amountFen: 1_000, settledAt: jan },
    { amountFen: 2_000, settledAt: mar },
  ];

  it('counts only the refunds settled by the instant', () => {
    expect(refundedAsOf(3_000, refunds, new Date('2011-01-01T00:00:00Z'))).toBe(0);
    expect(refundedAsOf(3_000, refunds, feb)).toBe(1_000);
    expect(refundedAsOf(3_000, refunds, mar)).toBe(3_000);
  });

  it('counts an amount without settled refunds as settled with the payment', () => {
    expect(refundedAsOf(500, [], jan)).toBe(500);
    expect(refundedAsOf(3_500, refunds, feb)).toBe(1_500);
  });

  it('never exceeds what the order records as refunded', () => {
    expect(refundedAsOf(800, refunds, mar)).toBe(800);
  });
});
