import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally, basisPointsOf, fenToYuanString, formatYuan, yuanToFen } from './money';

/** Amounts a shop meets in practice: up to ¥100 million either way. */
const fen = fc.integer({ min: -10_000_000_000, max: 10_000_000_000 });

describe('money properties', () => {
  it('fen → yuan string → fen is the identity', () => {
    fc.assert(
      fc.property(fen, (amount) => {
        expect(yuanToFen(fenToYuanString(amount))).toBe(amount);
      }),
    );
  });

  it('a yuan number with at most two decimals converts exactly', () => {
    fc.assert(
      fc.property(fen, (amount) => {
        expect(yuanToFen(amount / 100)).toBe(amount);
      }),
    );
  });

  it('formatYuan keeps every digit: stripping the decoration gives the yuan string back', () => {
    fc.assert(
      fc.property(fen, (amount) => {
        expect(formatYuan(amount).replace('¥', '').replaceAll(',', '')).toBe(fenToYuanString(amount));
      }),
    );
  });

  it('basisPointsOf never exceeds the exact share and misses it by less than one fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        const share = basisPointsOf(amount, bp);
        expect(share * 10_000).toBeLessThanOrEqual(amount * bp);
        expect((share + 1) * 10_000).toBeGreaterThan(amount * bp);
      }),
    );
  });

  it('allocateProportionally adds up exactly and keeps each part within one fen of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000_000, max: 100_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          fc.pre(sum > 0);
          const parts = allocateProportionally(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((part, i) => {
            const exact = (total * (weights[i] ?? 0)) / sum;
            expect(Math.abs(part - exact)).toBeLessThan(1);
            expect(Number.isSafeInteger(part)).toBe(true);
          });
        },
      ),
    );
  });

  it('allocateProportionally gives a larger weight at least as much as a smaller one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 10 }),
        (total, weights) => {
          const parts = allocateProportionally(total, weights);
          for (let i = 0; i < weights.length; i++) {
            for (let j = 0; j < weights.length; j++) {
              if ((weights[i] ?? 0) > (weights[j] ?? 0)) expect(parts[i]).toBeGreaterThanOrEqual(parts[j] ?? 0);
            }
          }
        },
      ),
    );
  });
});
