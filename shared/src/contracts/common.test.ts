import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isSafeText, JSON_MAX_DEPTH, JsonInput, text, UNSAFE_TEXT_MESSAGE } from './common';

/** encodeURIComponent throws a URIError exactly on unpaired surrogates. */
function wellFormed(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch (error) {
    if (error instanceof URIError) return false;
    throw error;
  }
}

describe('text', () => {
  const Note = z.object({ note: text(10) });

  it('refuses NUL and unpaired surrogates, naming the field', () => {
    for (const bad of ['a\u0000b', '\u0000', 'a\ud800', '\ud800b', 'a\udc00', '\udc00\ud800']) {
      const result = Note.safeParse({ note: bad });
      expect(result.success, JSON.stringify(bad)).toBe(false);
      expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['note'], message: UNSAFE_TEXT_MESSAGE })]);
    }
  });

  it('accepts paired surrogates (emoji), Chinese and trims', () => {
    expect(Note.parse({ note: ' 你好😀 ' })).toEqual({ note: '你好😀' });
  });

  it('bounds the length and, unless told otherwise, refuses blank text', () => {
    expect(Note.safeParse({ note: 'x'.repeat(11) }).success).toBe(false);
    expect(Note.safeParse({ note: '   ' }).success).toBe(false);
    expect(text(10, { min: 0 }).parse('  ')).toBe('');
    expect(text(10, { trim: false }).parse(' a ')).toBe(' a ');
  });

  it('agrees with encodeURIComponent (which refuses unpaired surrogates) on any UTF-16 code units', () => {
    const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 16 });
    fc.assert(
      fc.property(codeUnits, (value) => {
        expect(isSafeText(value)).toBe(!value.includes('\u0000') && wellFormed(value));
      }),
    );
  });
});

describe('JsonInput', () => {
  it('accepts plain JSON data', () => {
    const value = { all: [{ field: 'tier', op: 'in', value: ['gold'] }], n: 1.5, ok: true, none: null };
    expect(JsonInput.parse(value)).toEqual(value);
  });

  it('refuses nesting past the bound without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(JsonInput.safeParse(deep).success).toBe(false);
    let shallow: unknown = 1;
    for (let i = 0; i < JSON_MAX_DEPTH; i++) shallow = { a: shallow };
    expect(JsonInput.safeParse(shallow).success).toBe(true);
  });

  it('refuses prototype keys, unsafe text in keys and values, and non-finite numbers, naming the path', () => {
    const proto = JsonInput.safeParse(JSON.parse('{"rule":{"__proto__":{"x":1}}}'));
    expect(proto.error?.issues[0]?.path).toEqual(['rule', '__proto__']);
    expect(JsonInput.safeParse({ constructor: { prototype: {} } }).success).toBe(false);
    expect(JsonInput.safeParse({ 'a\u0000': 1 }).success).toBe(false);
    expect(JsonInput.safeParse({ a: ['ok', 'b\ud800'] }).error?.issues[0]?.path).toEqual(['a', 1]);
    expect(JsonInput.safeParse({ a: Infinity }).success).toBe(false);
    expect(JsonInput.safeParse(Array(20_000).fill(0)).success).toBe(false);
  });
});
