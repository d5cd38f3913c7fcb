/**
 * WeChat's limits on subscribe-message values. The keyword's name without its number (`thing1` → `thing`) decides
 * the rule; lengths count characters, not bytes. A value breaking its rule makes WeChat answer 47003.
 */

const CJK = '\\u4e00-\\u9fa5';
const DATE = '\\d{4}(?:-\\d{1,2}-\\d{1,2}|年\\d{1,2}月\\d{1,2}日)';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2})?';

type Rule = (value: string) => boolean;

const length = (value: string) => [...value].length;
const matches =
  (pattern: RegExp): Rule =>
  (value) =>
    pattern.test(value);

const RULES: Readonly<Record<string, Rule>> = {
  thing: (value) => length(value) <= 20,
  number: (value) => length(value) <= 32 && /^\d+(?:\.\d+)?$/.test(value),
  letter: matches(/^[A-Za-z]{1,32}$/),
  symbol: matches(/^[^\sA-Za-z0-9\u4e00-\u9fa5]{1,5}$/),
  character_string: matches(/^[\x21-\x7e]{1,32}$/),
  time: matches(new RegExp(`^(?:${DATE} )?${CLOCK}$|^${DATE}(?: ${CLOCK})?$`)),
  date: matches(new RegExp(`^${DATE}(?: ${CLOCK})?$`)),
  amount: matches(/^[¥￥$]?\d{1,10}(?:\.\d{1,2})?元?$/),
  phone_number: matches(/^[\d+\-() ]{1,17}$/),
  car_number: (value) => length(value) <= 8,
  name: matches(new RegExp(`^(?:[${CJK}·]{1,10}|[A-Za-z .]{1,20})$`)),
  phrase: matches(new RegExp(`^[${CJK}]{1,5}$`)),
};

/** The keywords whose values WeChat would refuse; empty when the data can be sent. */
export function invalidTemplateFields(data: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(data)
    .filter(([keyword, field]) => !isValidField(keyword, field))
    .map(([keyword]) => keyword);
}

function isValidField(keyword: string, field: unknown): boolean {
  const type = /^([a-z_]+?)\d+$/.exec(keyword)?.[1];
  const rule = type === undefined ? undefined : RULES[type];
  if (!rule || typeof field !== 'object' || field === null) return false;
  const value = (field as { value?: unknown }).value;
  return typeof value === 'string' && value.length > 0 && rule(value);
}
