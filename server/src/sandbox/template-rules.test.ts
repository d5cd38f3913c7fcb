import { describe, expect, it } from 'vitest';
import { invalidTemplateFields } from './template-rules';

const field = (value: string) => ({ value });

describe('subscribe message value limits', () => {
  it('accepts values within WeChat limits', () => {
    expect(
      invalidTemplateFields({
        thing1: field('一二三四五六七八九十一二三四五六七八九十'),
        number2: field('12.5'),
        letter3: field('ABC'),
        character_string4: field('ORDER-2024_0501'),
        time5: field('2024-05-01 10:00'),
        date6: field('2024年5月1日'),
        amount7: field('¥128.00'),
        phone_number8: field('+86-13800138000'),
        car_number9: field('粤B12345'),
        name10: field('欧阳小明'),
        phrase11: field('已发货'),
        symbol12: field('%'),
      }),
    ).toEqual([]);
  });

  it('counts characters, not bytes: 21 Chinese characters break the thing limit, 20 do not', () => {
    expect(invalidTemplateFields({ thing1: field('会'.repeat(20)) })).toEqual([]);
    expect(invalidTemplateFields({ thing1: field('会'.repeat(21)) })).toEqual(['thing1']);
  });

  it('names every keyword that breaks its rule', () => {
    expect(
      invalidTemplateFields({
        number1: field('12a'),
        phrase2: field('六个汉字太长'),
        name3: field('王'.repeat(11)),
        thing4: field('ok'),
        time5: field('tomorrow'),
        amount6: field('12345678901'),
      }),
    ).toEqual(['number1', 'phrase2', 'name3', 'time5', 'amount6']);
  });

  it('refuses empty values, non-string values and unknown keyword types', () => {
    expect(invalidTemplateFields({ thing1: field('') })).toEqual(['thing1']);
    expect(invalidTemplateFields({ thing1: { value: 3 } })).toEqual(['thing1']);
    expect(invalidTemplateFields({ thing1: '不是对象' })).toEqual(['thing1']);
    expect(invalidTemplateFields({ colour1: field('red'), thing: field('无编号') })).toEqual(['colour1', 'thing']);
  });
});
