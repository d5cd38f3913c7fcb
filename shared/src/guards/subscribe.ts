/**
 * WeChat subscribe-message field rules. A template's keys carry their kind as a prefix (`thing1`, `amount3`,
 * `character_string2`); WeChat rejects a send (error 47003) when a value breaks its kind's rule, so values are
 * checked before the credit is spent. Lengths count characters (Unicode code points).
 */
export const SUBSCRIBE_FIELD_KINDS = [
  'thing',
  'short_thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;
export type SubscribeFieldKind = (typeof SUBSCRIBE_FIELD_KINDS)[number];

export interface SubscribeFieldProblem {
  key: string;
  code: 'missing' | 'unexpected' | 'unknown_kind' | 'empty' | 'too_long' | 'invalid_format';
  message: string;
}

const HAN = /\p{Script=Han}/u;
const CONTROL = /\p{Cc}/u;
/** A "symbol" in WeChat's sense: not Chinese, not a letter, not a digit, not whitespace or a control character. */
const SYMBOL = /^[^\p{L}\p{N}\s\p{Cc}]$/u;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;

const chars = (text: string): string[] => Array.from(text);
const isSymbol = (char: string) => SYMBOL.test(char);

const DATE_PATTERNS: Array<{ pattern: RegExp; parts: Array<'y' | 'm' | 'd'> }> = [
  { pattern: /^(\d{4})年(\d{1,2})月(\d{1,2})日$/, parts: ['y', 'm', 'd'] },
  { pattern: /^(\d{4})年(\d{1,2})月$/, parts: ['y', 'm'] },
  { pattern: /^(\d{1,2})月(\d{1,2})日$/, parts: ['m', 'd'] },
  { pattern: /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, parts: ['y', 'm', 'd'] },
  { pattern: /^(\d{4})[-/.](\d{1,2})$/, parts: ['y', 'm'] },
  { pattern: /^(\d{1,2})[-/.](\d{1,2})$/, parts: ['m', 'd'] },
];

function isDatePart(text: string): boolean {
  for (const { pattern, parts } of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const value = (part: 'y' | 'm' | 'd') => Number(match[parts.indexOf(part) + 1] ?? Number.NaN);
    const month = value('m');
    if (month < 1 || month > 12) return false;
    if (!parts.includes('d')) return true;
    const year = parts.includes('y') ? value('y') : 2000; // a leap year, so "02-29" without a year is allowed
    const day = value('d');
    return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  }
  return false;
}

function isTimePart(text: string): boolean {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  return !!match && Number(match[1]) <= 23 && Number(match[2]) <= 59 && Number(match[3] ?? 0) <= 59;
}

/** A single point in time, or a range "A~B"; for `date` the time may be left out, for `time` the date. */
function isDateTime(text: string, kind: 'date' | 'time'): boolean {
  const points = text.split('~').map((point) => point.trim());
  if (points.length > 2) return false;
  return points.every((point) => {
    const [first = '', second, extra] = point.split(/\s+/);
    if (extra !== undefined) return false;
    if (second !== undefined) return isDatePart(first) && isTimePart(second);
    return kind === 'date' ? isDatePart(first) : isTimePart(first);
  });
}

interface KindRule {
  maxLength: number;
  valid: (value: string, list: string[]) => boolean;
  format: string;
}

const RULES: Record<SubscribeFieldKind, KindRule> = {
  thing: { maxLength: 20, valid: () => true, format: 'any text' },
  short_thing: { maxLength: 5, valid: () => true, format: 'any text' },
  number: { maxLength: 32, valid: (v) => /^\d+(\.\d+)?$/.test(v), format: 'digits, optionally with decimals' },
  letter: { maxLength: 32, valid: (v) => /^[A-Za-z]+$/.test(v), format: 'letters only' },
  symbol: { maxLength: 5, valid: (_, list) => list.every(isSymbol), format: 'symbols only' },
  character_string: {
    maxLength: 32,
    valid: (_, list) => list.every((c) => ASCII_ALNUM.test(c) || isSymbol(c)),
    format: 'digits, letters or symbols',
  },
  time: { maxLength: 64, valid: (v) => isDateTime(v, 'time'), format: '15:01, or 2019年10月1日 15:01, or a range A~B' },
  date: {
    maxLength: 64,
    valid: (v) => isDateTime(v, 'date'),
    format: '2019年10月1日 or 2019-10-01 (optionally with a time), or a range A~B',
  },
  amount: {
    maxLength: 16,
    valid: (v) => {
      const match = /^[¥￥$€£]?(\d+)(?:\.(\d+))?元?$/.exec(v);
      return !!match && (match[1] ?? '').length + (match[2] ?? '').length <= 10;
    },
    format: 'a currency symbol and up to 10 digits, e.g. ¥12.50 or 12.5元',
  },
  phone_number: {
    maxLength: 17,
    valid: (_, list) => list.every((c) => /^\d$/.test(c) || isSymbol(c)),
    format: 'digits and symbols',
  },
  car_number: {
    maxLength: 8,
    valid: (v) => /^\p{Script=Han}?[A-Za-z0-9]+\p{Script=Han}?$/u.test(v),
    format: 'letters and digits, a Chinese character allowed first and last',
  },
  name: {
    maxLength: 20,
    valid: (_, list) => list.every((c) => HAN.test(c) || /^\p{L}$/u.test(c) || c === ' ' || isSymbol(c)),
    format: 'a name: Chinese characters, letters or symbols',
  },
  phrase: { maxLength: 5, valid: (_, list) => list.every((c) => HAN.test(c)), format: 'Chinese characters only' },
};

/** A name with any Chinese character counts as a Chinese name: 10 characters, otherwise 20. */
function maxLengthOf(kind: SubscribeFieldKind, list: string[]): number {
  return kind === 'name' && list.some((c) => HAN.test(c)) ? 10 : RULES[kind].maxLength;
}

/**
 * The kind of a template key: `thing12` → 'thing', `character_string2` → 'character_string'; null if unknown.
 * @example subscribeFieldKind('amount3') // 'amount'
 */
export function subscribeFieldKind(key: string): SubscribeFieldKind | null {
  const prefix = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  return SUBSCRIBE_FIELD_KINDS.find((kind) => kind === prefix) ?? null;
}

/**
 * Checks the data of one subscribe message against the template's keys: every key present, no extra keys,
 * every value within its kind's length and format. An empty list means WeChat will accept the values.
 * @example validateSubscribeData(['thing1', 'amount2'], { thing1: '春季上新', amount2: '12.5' }) // []
 * validateSubscribeData(['phrase3'], { phrase3: 'OK' }) // [{ key: 'phrase3', code: 'invalid_format', … }]
 */
export function validateSubscribeData(
  fields: readonly string[],
  data: Readonly<Record<string, string>>,
): SubscribeFieldProblem[] {
  const problems: SubscribeFieldProblem[] = [];
  for (const key of Object.keys(data)) {
    if (!fields.includes(key)) problems.push({ key, code: 'unexpected', message: `${key} is not a field of this template` });
  }
  for (const key of fields) {
    const kind = subscribeFieldKind(key);
    const value = data[key];
    if (!kind) {
      problems.push({ key, code: 'unknown_kind', message: `${key} does not start with a known field kind` });
    } else if (value === undefined) {
      problems.push({ key, code: 'missing', message: `${key} is missing` });
    } else if (value.trim() === '') {
      problems.push({ key, code: 'empty', message: `${key} is empty` });
    } else {
      const list = chars(value);
      const max = maxLengthOf(kind, list);
      if (list.length > max)
        problems.push({ key, code: 'too_long', message: `${key} has ${list.length} characters, at most ${max}` });
      if (CONTROL.test(value) || !RULES[kind].valid(value, list)) {
        problems.push({ key, code: 'invalid_format', message: `${key} must be ${RULES[kind].format}` });
      }
    }
  }
  return problems;
}

/**
 * Fits free text (a product or campaign name) into a `thing` field: line breaks and runs of whitespace become
 * one space, and text over `max` characters is cut to `max − 1` plus "…".
 * @example truncateThing('2026春季新品上市会员专享八折优惠活动进行中') // '2026春季新品上市会员专享八折优惠活…'
 */
export function truncateThing(text: string, max = 20): string {
  const clean = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  const list = chars(clean);
  return list.length <= max ? clean : `${list.slice(0, Math.max(0, max - 1)).join('')}…`;
}
