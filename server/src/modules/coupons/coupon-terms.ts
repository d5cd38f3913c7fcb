import { randomBytes } from 'node:crypto';
import { addDays, fenToYuanString, startOfShanghaiDay, type CouponTerms } from '@member-ops/shared';
import type { couponTemplates } from '../../db/schema';

export type CouponTemplateRow = typeof couponTemplates.$inferSelect;

/** The template's discount terms in the shape the shared coupon calculator reads. */
export function termsOf(template: CouponTemplateRow): CouponTerms {
  return {
    type: template.type,
    thresholdFen: template.thresholdFen,
    amountOffFen: template.amountOffFen,
    percentOffBp: template.percentOffBp,
    capFen: template.capFen,
    applicableCategories: template.applicableCategories,
  };
}

/** "100", "99.5", "0.01": yuan without a currency sign or trailing zeros, as coupon faces show them. */
function yuan(fen: number): string {
  return fenToYuanString(fen).replace(/\.?0+$/, '');
}

/** 1500 bp off → "8.5" (折 counts tenths of the price paid). */
function zhe(percentOffBp: number): string {
  return String((10_000 - percentOffBp) / 1_000);
}

/**
 * The terms as a coupon face says them: 满100减20 · 8.5折 最高减30 · 满200享9折 · 无门槛减5 · 免运费 · 满99免运费,
 * with 限指定品类 when the coupon covers only some categories.
 */
export function describeCouponTerms(terms: CouponTerms): string {
  const threshold = terms.type !== 'no_threshold' && terms.thresholdFen > 0 ? `满${yuan(terms.thresholdFen)}` : '';
  let face: string;
  switch (terms.type) {
    case 'amount_off':
      face = `${threshold || '无门槛'}减${yuan(terms.amountOffFen ?? 0)}`;
      break;
    case 'no_threshold':
      face = `无门槛减${yuan(terms.amountOffFen ?? 0)}`;
      break;
    case 'percent_off': {
      const cap = terms.capFen !== null ? ` 最高减${yuan(terms.capFen)}` : '';
      face = `${threshold ? `${threshold}享` : ''}${zhe(terms.percentOffBp ?? 0)}折${cap}`;
      break;
    }
    case 'free_shipping':
      face = `${threshold}免运费`;
      break;
  }
  return terms.applicableCategories.length > 0 ? `${face} 限指定品类` : face;
}

/**
 * When a coupon issued at `now` is valid. A fixed template gives its own window. "N days after issue" runs from
 * the issue instant to the end (23:59:59.999 Asia/Shanghai) of the Nth calendar day after the issue day, so a
 * coupon issued late in the evening still gets N whole days.
 */
export function couponValidity(
  template: Pick<CouponTemplateRow, 'validityKind' | 'validFrom' | 'validTo' | 'validDays'>,
  now: Date,
): { validFrom: Date; validTo: Date } {
  if (template.validityKind === 'fixed') {
    if (!template.validFrom || !template.validTo) throw new Error('a fixed-validity template needs valid_from and valid_to');
    return { validFrom: template.validFrom, validTo: template.validTo };
  }
  const days = template.validDays ?? 0;
  if (days <= 0) throw new Error('a days-after-issue template needs valid_days > 0');
  return { validFrom: now, validTo: new Date(addDays(startOfShanghaiDay(now), days + 1).getTime() - 1) };
}

/** 32 symbols: digits 2–9 and A–Z without I and O (no 0/O or 1/I mix-ups); 32 divides 256, so no symbol is favoured. */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const COUPON_CODE_LENGTH = 12;

/** A crypto-random code a cashier can read out or type: 12 symbols, 60 bits. */
export function newCouponCode(): string {
  return Array.from(randomBytes(COUPON_CODE_LENGTH), (byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
}
