import { describe, expect, it } from 'vitest';
import { subscribeFieldKind, truncateThing, validateSubscribeData } from './subscribe';

const problemsOf = (key: string, value: string) => validateSubscribeData([key], { [key]: value }).map((p) => p.code);

describe('subscribeFieldKind', () => {
  it.each([
    ['thing1', 'thing'],
    ['thing12', 'thing'],
    ['short_thing3', 'short_thing'],
    ['character_string2', 'character_string'],
    ['phone_number4', 'phone_number'],
    ['number01', 'number'],
    ['amount3', 'amount'],
  ])('%s is a %s field', (key, kind) => {
    expect(subscribeFieldKind(key)).toBe(kind);
  });

  it.each(['thing', 'foo1', 'Thing1', '1thing', 'thing_1x'])('%s is not a known field', (key) => {
    expect(subscribeFieldKind(key)).toBeNull();
  });
});

describe('validateSubscribeData: template shape', () => {
  it('accepts a complete, valid message', () => {
    const data = { thing1: '春季上新会员专享', amount2: '¥12.50', date3: '2026年3月15日', phrase4: '配送中', number5: '3' };
    expect(validateSubscribeData(Object.keys(data), data)).toEqual([]);
  });

  it('reports missing, unexpected, empty and unknown fields by key', () => {
    const problems = validateSubscribeData(['thing1', 'time2', 'foo3', 'phrase4'], {
      thing1: '  ',
      extra9: 'x',
      foo3: 'y',
      phrase4: '已发货',
    });
    expect(problems.map((p) => [p.key, p.code])).toEqual([
      ['extra9', 'unexpected'],
      ['thing1', 'empty'],
      ['time2', 'missing'],
      ['foo3', 'unknown_kind'],
    ]);
    expect(problems.every((p) => p.message.includes(p.key))).toBe(true);
  });
});

describe('validateSubscribeData: limits per kind', () => {
  it.each<[string, string, string[]]>([
    ['thing1', '一二三四五六七八九十一二三四五六七八九十', []],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一', ['too_long']],
    ['thing1', 'Order #42: 2件 ¥9', []],
    ['thing1', '第一行\n第二行', ['invalid_format']],
    ['thing1', '🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸', []],
    ['short_thing1', '五个字以内', []],
    ['short_thing1', '超过五个字了', ['too_long']],
    ['number1', '12.50', []],
    ['number1', '1'.repeat(32), []],
    ['number1', '1'.repeat(33), ['too_long']],
    ['number1', '-3', ['invalid_format']],
    ['number1', '1.2.3', ['invalid_format']],
    ['letter1', 'ABCdef', []],
    ['letter1', 'ABC1', ['invalid_format']],
    ['symbol1', '#%&*', []],
    ['symbol1', '#%&*!?', ['too_long']],
    ['symbol1', 'a#', ['invalid_format']],
    ['character_string1', 'SO-2026-0315-0001', []],
    ['character_string1', '订单12', ['invalid_format']],
    ['character_string1', 'A'.repeat(33), ['too_long']],
    ['phone_number1', '+86-0766-66888866', []],
    ['phone_number1', '+86-0766-668888661', ['too_long']],
    ['phone_number1', '400 800', ['invalid_format']],
    ['car_number1', '粤A8Z888挂', []],
    ['car_number1', 'A8Z888', []],
    ['car_number1', '粤粤A8Z888', ['invalid_format']],
    ['car_number1', '粤A8Z8888挂', ['too_long']],
    ['name1', '欧阳娜娜', []],
    ['name1', '一二三四五六七八九十一', ['too_long']],
    ['name1', 'Li Lei', []],
    ['name1', 'Alexander-Hamilton-Jr', ['too_long']],
    ['name1', 'Agent 007', ['invalid_format']],
    ['name1', '李Lei', []],
    ['phrase1', '配送中', []],
    ['phrase1', '已经发货了啊', ['too_long']],
    ['phrase1', 'OK', ['invalid_format']],
    ['phrase1', '已发货!', ['invalid_format']],
  ])('%s = %j → %j', (key, value, codes) => {
    expect(problemsOf(key, value)).toEqual(codes);
  });
});

describe('validateSubscribeData: amounts', () => {
  it.each(['¥12.50', '12.5元', '￥100', '$3', '0.01', '¥1234567890', '12.50元'])('accepts %j', (value) => {
    expect(problemsOf('amount1', value)).toEqual([]);
  });

  it.each(['¥12345678901', '-¥12', '¥¥12', '十二元', '12.', '¥1,234.00', ''])('rejects %j', (value) => {
    expect(problemsOf('amount1', value).length).toBeGreaterThan(0);
  });
});

describe('validateSubscribeData: dates and times', () => {
  it.each([
    '2019年10月1日',
    '2019年10月1日 15:01',
    '2019年10月',
    '10月1日',
    '2018-01-01',
    '2018/01/01',
    '2018.01.01',
    '2018-01',
    '01-01',
    '2024-02-29',
    '02-29',
    '2019年10月1日 ~ 2019年10月7日',
    '2018-01-01 09:00~2018-01-01 18:00:30',
  ])('date accepts %j', (value) => {
    expect(problemsOf('date1', value)).toEqual([]);
  });

  it.each([
    '2019年13月1日',
    '2025-02-29',
    '2019-10-32',
    '明天',
    '15:01',
    '2019-10-01 25:00',
    'a~b~c',
    '2019-10-01 15:01 extra',
    '00-10',
  ])('date rejects %j', (value) => {
    expect(problemsOf('date1', value)).toEqual(['invalid_format']);
  });

  it.each(['15:01', '09:00:59', '2019年10月1日 15:01', '2019-10-01 15:01', '09:00 ~ 18:00', '0:05'])(
    'time accepts %j',
    (value) => {
      expect(problemsOf('time1', value)).toEqual([]);
    },
  );

  it.each(['24:00', '12:60', '12:00:60', '2019-10-01', '下午三点', '1501'])('time rejects %j', (value) => {
    expect(problemsOf('time1', value)).toEqual(['invalid_format']);
  });
});

describe('truncateThing', () => {
  it('leaves short text alone', () => {
    expect(truncateThing('春季上新')).toBe('春季上新');
    expect(truncateThing('一二三四五六七八九十一二三四五六七八九十')).toBe('一二三四五六七八九十一二三四五六七八九十');
  });

  it('cuts long text to the limit with an ellipsis, counting characters not UTF-16 units', () => {
    const cut = truncateThing('2026春季新品上市会员专享八折优惠活动进行中');
    expect(cut).toBe('2026春季新品上市会员专享八折优惠活…');
    expect(Array.from(cut)).toHaveLength(20);
    expect(truncateThing('🌸'.repeat(25), 5)).toBe('🌸🌸🌸🌸…');
  });

  it('turns line breaks and runs of whitespace into one space so the result is valid', () => {
    const cut = truncateThing('  第一行\n\n第二行\t结束  ');
    expect(cut).toBe('第一行 第二行 结束');
    expect(validateSubscribeData(['thing1'], { thing1: truncateThing('很长的\n'.repeat(10)) })).toEqual([]);
  });

  it('returns only the ellipsis for a limit of one', () => {
    expect(truncateThing('abc', 1)).toBe('…');
  });
});
