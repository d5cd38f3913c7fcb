import { describe, expect, it } from 'vitest';
import { encodeQr } from './qr-encode';

type Matrix = boolean[][];
const at = (m: Matrix, x: number, y: number) => m[y]?.[x] ?? false;

/** The 15 format bits as drawn around the top-left finder (ISO/IEC 18004 §7.9), most significant first. */
function formatBits(m: Matrix): number {
  const bits: boolean[] = [];
  for (let i = 0; i <= 5; i += 1) bits.push(at(m, 8, i));
  bits.push(at(m, 8, 7), at(m, 8, 8), at(m, 7, 8));
  for (let i = 9; i < 15; i += 1) bits.push(at(m, 14 - i, 8));
  return bits.reduce((value, bit, i) => value | (Number(bit) << i), 0);
}

/** Reads the data modules back in placement order, unmasking with `mask` (single-block versions). */
function readCodewords(
  m: Matrix,
  mask: (x: number, y: number) => boolean,
  reserved: (x: number, y: number) => boolean,
): number[] {
  const size = m.length;
  const bits: number[] = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vertical = 0; vertical < size; vertical += 1) {
      for (let j = 0; j < 2; j += 1) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? size - 1 - vertical : vertical;
        if (!reserved(x, y)) bits.push(Number(at(m, x, y) !== mask(x, y)));
      }
    }
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  return bytes;
}

const MASKS: ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

describe('encodeQr', () => {
  it('picks the smallest version that holds the payload at level M', () => {
    expect(encodeQr('HELLO')).toHaveLength(21);
    expect(encodeQr('x'.repeat(14))).toHaveLength(21);
    expect(encodeQr('x'.repeat(15))).toHaveLength(25);
    // A member code (58 characters) fits version 4.
    expect(encodeQr(`MC1.${'A'.repeat(54)}`)).toHaveLength(33);
    expect(() => encodeQr('x'.repeat(214))).toThrow(RangeError);
    expect(() => encodeQr('会员')).toThrow(RangeError);
  });

  it('draws the three finder patterns and the timing lines', () => {
    const m = encodeQr('MC1.member-code');
    const size = m.length;
    for (const [cx, cy] of [
      [3, 3],
      [size - 4, 3],
      [3, size - 4],
    ] as const) {
      for (let d = -3; d <= 3; d += 1) {
        expect(at(m, cx + d, cy - 3)).toBe(true);
        expect(at(m, cx - 3, cy + d)).toBe(true);
      }
      expect(at(m, cx, cy)).toBe(true);
      expect(at(m, cx - 2, cy)).toBe(false);
    }
    for (let i = 8; i < size - 8; i += 1) {
      expect(at(m, i, 6)).toBe(i % 2 === 0);
      expect(at(m, 6, i)).toBe(i % 2 === 0);
    }
  });

  it('writes valid level-M format information and the payload in byte mode', () => {
    const text = 'MC1.abc';
    const m = encodeQr(text);
    const format = formatBits(m) ^ 0x5412;
    const data = format >>> 10;
    expect(data >>> 3, 'error correction level M').toBe(0);
    let remainder = data;
    for (let i = 0; i < 10; i += 1) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
    expect(format & 0x3ff, 'BCH check bits').toBe(remainder & 0x3ff);

    const mask = MASKS[data & 7];
    if (!mask) throw new Error('mask out of range');
    const size = m.length;
    const reserved = (x: number, y: number) =>
      (x < 9 && y < 9) || (x > size - 9 && y < 9) || (x < 9 && y > size - 9) || x === 6 || y === 6;
    const codewords = readCodewords(m, mask, reserved);
    // Mode 0100, length 7, then the bytes: the bit stream is shifted by 4 bits against the codeword boundaries.
    expect(codewords[0]).toBe(0x40 | (text.length >>> 4));
    const decoded = Array.from(
      { length: text.length },
      (_, i) => (((codewords[i + 1] ?? 0) & 0x0f) << 4) | ((codewords[i + 2] ?? 0) >>> 4),
    );
    expect(String.fromCharCode(...decoded)).toBe(text);
  });
});
