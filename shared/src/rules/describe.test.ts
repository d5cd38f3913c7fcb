import { describe, expect, it } from 'vitest';
import { describeSegmentRule } from './describe';
import type { SegmentRule } from './types';

describe('describeSegmentRule', () => {
  it('renders the documented example', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
        { event: 'add_to_cart', window: { lastDays: 30 }, op: 'gte', value: 2 },
      ],
    };
    expect(describeSegmentRule(rule)).toBe('会员等级属于 金卡会员、钻石会员 且 最近30天「加购」次数 ≥ 2');
  });

  it.each<[SegmentRule, string]>([
    [{ field: 'gender', op: 'eq', value: 'female' }, '性别为 女'],
    [{ field: 'region', op: 'neq', value: '上海' }, '地区不为 上海'],
    [{ field: 'rfmSegment', op: 'notIn', value: ['important_value', 'general_winback'] }, 'RFM分群不属于 重要价值、一般挽留'],
    [{ field: 'monetary365Fen', op: 'gte', value: 100_000 }, '近365天消费金额 ≥ ¥1,000'],
    [{ field: 'spendTotalFen', op: 'lt', value: 1_050 }, '累计消费金额 < ¥10.50'],
    [{ field: 'pointsBalance', op: 'neq', value: 0 }, '积分余额 ≠ 0'],
    [{ field: 'age', op: 'between', value: [18, 25] }, '年龄介于 18 和 25 之间'],
    [{ field: 'pAlive', op: 'lte', value: 0.3 }, '存活概率 ≤ 0.3'],
    [{ field: 'recencyDays', op: 'isNull' }, '距上次购买天数为空'],
    [{ field: 'lastOrderAt', op: 'isNotNull' }, '最近下单时间不为空'],
    [{ field: 'tags', op: 'containsAll', value: ['VIP', '新客'] }, '标签包含全部 VIP、新客'],
    [{ field: 'topBrands', op: 'isEmpty' }, '偏好品牌为空'],
    [{ field: 'hasPhone', op: 'is', value: false }, '已绑定手机号：否'],
    [{ field: 'hasPhone', op: 'is', value: true }, '已绑定手机号：是'],
    [{ field: 'registeredAt', op: 'withinLastDays', value: 30 }, '注册时间在最近30天内'],
    [{ field: 'birthday', op: 'withinNextDays', value: 7 }, '生日在未来7天内'],
    [{ field: 'lastOrderAt', op: 'before', value: '2025-01-01' }, '最近下单时间早于 2025-01-01'],
    [{ field: 'lastOrderAt', op: 'after', value: '2025-01-01T01:30:00Z' }, '最近下单时间晚于 2025-01-01 09:30'],
    [
      { event: 'sign_in', window: { from: '2025-06-01', to: '2025-06-30' }, op: 'between', value: [1, 3] },
      '2025-06-01 至 2025-06-30「签到」次数介于 1 和 3 之间',
    ],
    [{ all: [] }, '全部会员'],
    [{ any: [] }, '无会员'],
    [{ all: [{ field: 'tier', op: 'eq', value: 'gold' }] }, '会员等级为 金卡会员'],
    [
      {
        all: [
          { field: 'tier', op: 'eq', value: 'gold' },
          { any: [{ field: 'tags', op: 'containsAny', value: ['VIP'] }, { not: { field: 'region', op: 'isNull' } }] },
        ],
      },
      '会员等级为 金卡会员 且 （标签包含任一 VIP 或 非（地区为空））',
    ],
  ])('%j', (rule, text) => {
    expect(describeSegmentRule(rule)).toBe(text);
  });
});
