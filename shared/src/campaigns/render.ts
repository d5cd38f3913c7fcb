import { subscribeFieldKind, truncateThing } from '../guards';

const PLACEHOLDER = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;

/**
 * The `{{variable}}` names a message field uses.
 * @example messageVariablesOf('{{coupon.name}}已到账') // ['coupon.name']
 */
export function messageVariablesOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/**
 * Fills a message's field texts with one member's values. Missing values become empty strings (the field check
 * then reports them); `thing` fields are fitted to WeChat's 20 characters.
 * @example renderMessageData({ thing1: '{{coupon.name}}已到账' }, { 'coupon.name': '满100减20' }) // { thing1: '满100减20已到账' }
 */
export function renderMessageData(
  mapping: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string | null | undefined>>,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [key, template] of Object.entries(mapping)) {
    const text = template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
    const kind = subscribeFieldKind(key);
    data[key] = kind === 'thing' ? truncateThing(text, 20) : kind === 'short_thing' ? truncateThing(text, 5) : text.trim();
  }
  return data;
}
