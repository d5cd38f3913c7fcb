/** The demo shop's coupon templates, subscribe-message templates and sales talk-tracks. */
import type { TierCode } from '@member-ops/shared';
import type { CouponType } from '../../../../server/src/db/schema';

/** How the seed hands a template out; the database only knows `claimable` and `points_price`. */
export type CouponUse = 'welcome' | 'claim' | 'promo' | 'points_shop' | 'tier_gift' | 'birthday' | 'campaign';

export interface CouponTemplateSpec {
  name: string;
  description: string;
  type: CouponType;
  thresholdFen: number;
  amountOffFen?: number;
  percentOffBp?: number;
  capFen?: number;
  validDays: number;
  perMemberLimit: number;
  applicableCategories: readonly string[];
  claimable: boolean;
  pointsPrice?: number;
  use: CouponUse;
  /** The tier whose upgrade gift this is. */
  tier?: TierCode;
}

export const COUPON_TEMPLATE_SPECS: readonly CouponTemplateSpec[] = [
  {
    name: '新人专享 满99减20',
    description: '新会员注册即可领取，全场通用',
    type: 'amount_off',
    thresholdFen: 9_900,
    amountOffFen: 2_000,
    validDays: 30,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: true,
    use: 'welcome',
  },
  {
    name: '全场满199减30',
    description: '领券中心每周上新，全场通用',
    type: 'amount_off',
    thresholdFen: 19_900,
    amountOffFen: 3_000,
    validDays: 14,
    perMemberLimit: 3,
    applicableCategories: [],
    claimable: true,
    use: 'claim',
  },
  {
    name: '好茶节 茶叶满299减50',
    description: '限茶叶品类使用',
    type: 'amount_off',
    thresholdFen: 29_900,
    amountOffFen: 5_000,
    validDays: 15,
    perMemberLimit: 2,
    applicableCategories: ['tea'],
    claimable: true,
    use: 'claim',
  },
  {
    name: '美妆个护 8.5折券',
    description: '美妆、个护品类满100元可用，最高减50元',
    type: 'percent_off',
    thresholdFen: 10_000,
    percentOffBp: 1_500,
    capFen: 5_000,
    validDays: 15,
    perMemberLimit: 2,
    applicableCategories: ['beauty', 'personal_care'],
    claimable: true,
    use: 'claim',
  },
  {
    name: '包邮券',
    description: '抵扣运费，任意金额可用',
    type: 'free_shipping',
    thresholdFen: 0,
    validDays: 7,
    perMemberLimit: 5,
    applicableCategories: [],
    claimable: true,
    use: 'claim',
  },
  {
    name: '大促狂欢 满300减50',
    description: '618、双11等大促期间限时领取',
    type: 'amount_off',
    thresholdFen: 30_000,
    amountOffFen: 5_000,
    validDays: 10,
    perMemberLimit: 2,
    applicableCategories: [],
    claimable: true,
    use: 'promo',
  },
  {
    name: '无门槛5元券',
    description: '积分商城兑换，500积分一张',
    type: 'no_threshold',
    thresholdFen: 0,
    amountOffFen: 500,
    validDays: 30,
    perMemberLimit: 10,
    applicableCategories: [],
    claimable: false,
    pointsPrice: 500,
    use: 'points_shop',
  },
  {
    name: '无门槛10元券',
    description: '积分商城兑换，900积分一张',
    type: 'no_threshold',
    thresholdFen: 0,
    amountOffFen: 1_000,
    validDays: 30,
    perMemberLimit: 10,
    applicableCategories: [],
    claimable: false,
    pointsPrice: 900,
    use: 'points_shop',
  },
  {
    name: '银卡升级礼 满150减25',
    description: '升级银卡会员自动发放',
    type: 'amount_off',
    thresholdFen: 15_000,
    amountOffFen: 2_500,
    validDays: 30,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: false,
    use: 'tier_gift',
    tier: 'silver',
  },
  {
    name: '金卡升级礼 满300减60',
    description: '升级金卡会员自动发放',
    type: 'amount_off',
    thresholdFen: 30_000,
    amountOffFen: 6_000,
    validDays: 30,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: false,
    use: 'tier_gift',
    tier: 'gold',
  },
  {
    name: '钻石升级礼 9折券',
    description: '升级钻石会员自动发放，最高减200元',
    type: 'percent_off',
    thresholdFen: 0,
    percentOffBp: 1_000,
    capFen: 20_000,
    validDays: 60,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: false,
    use: 'tier_gift',
    tier: 'diamond',
  },
  {
    name: '生日礼券 满100减30',
    description: '银卡及以上会员生日当天发放',
    type: 'amount_off',
    thresholdFen: 10_000,
    amountOffFen: 3_000,
    validDays: 30,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: false,
    use: 'birthday',
  },
  {
    name: '老友回归 满100减30',
    description: '沉睡唤醒活动专用',
    type: 'amount_off',
    thresholdFen: 10_000,
    amountOffFen: 3_000,
    validDays: 14,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: false,
    use: 'campaign',
  },
  {
    name: '老友回归 无门槛15元',
    description: '沉睡唤醒活动第二步加码券',
    type: 'no_threshold',
    thresholdFen: 0,
    amountOffFen: 1_500,
    validDays: 7,
    perMemberLimit: 1,
    applicableCategories: [],
    claimable: false,
    use: 'campaign',
  },
];

export interface SubscribeTemplateSpec {
  templateId: string;
  title: string;
  purpose: string;
  fields: { key: string; type: string; label: string }[];
}

export const SUBSCRIBE_TEMPLATE_SPECS: readonly SubscribeTemplateSpec[] = [
  {
    templateId: 'demo-tpl-order-shipped',
    title: '订单发货提醒',
    purpose: 'order_shipped',
    fields: [
      { key: 'character_string1', type: 'character_string', label: '订单编号' },
      { key: 'thing2', type: 'thing', label: '商品名称' },
      { key: 'thing3', type: 'thing', label: '快递公司' },
      { key: 'character_string4', type: 'character_string', label: '快递单号' },
      { key: 'date5', type: 'date', label: '发货时间' },
    ],
  },
  {
    templateId: 'demo-tpl-coupon-arrived',
    title: '优惠券到账提醒',
    purpose: 'coupon_arrived',
    fields: [
      { key: 'thing1', type: 'thing', label: '优惠券名称' },
      { key: 'amount2', type: 'amount', label: '优惠金额' },
      { key: 'date3', type: 'date', label: '有效期至' },
      { key: 'thing4', type: 'thing', label: '温馨提示' },
    ],
  },
  {
    templateId: 'demo-tpl-points-expiring',
    title: '积分到期提醒',
    purpose: 'points_expiring',
    fields: [
      { key: 'number1', type: 'number', label: '即将过期积分' },
      { key: 'date2', type: 'date', label: '过期时间' },
      { key: 'number3', type: 'number', label: '当前积分' },
      { key: 'thing4', type: 'thing', label: '温馨提示' },
    ],
  },
  {
    templateId: 'demo-tpl-tier-upgraded',
    title: '会员升级通知',
    purpose: 'tier_upgraded',
    fields: [
      { key: 'phrase1', type: 'phrase', label: '会员等级' },
      { key: 'date2', type: 'date', label: '升级时间' },
      { key: 'thing3', type: 'thing', label: '会员权益' },
    ],
  },
  {
    templateId: 'demo-tpl-activity',
    title: '活动开始提醒',
    purpose: 'activity_reminder',
    fields: [
      { key: 'thing1', type: 'thing', label: '活动名称' },
      { key: 'date2', type: 'date', label: '活动时间' },
      { key: 'thing3', type: 'thing', label: '活动说明' },
    ],
  },
];

export interface TalkTrackSpec {
  tier: TierCode;
  title: string;
  feature: string;
  advantage: string;
  benefit: string;
  evidence: string;
}

export const TALK_TRACK_SPECS: readonly TalkTrackSpec[] = [
  {
    tier: 'normal',
    title: '首单转化：新人券',
    feature: '新会员专享满99减20，全场通用',
    advantage: '第一次下单就能省下20元，还能同时累积积分',
    benefit: '用更低的价格试试我们的招牌茶和咖啡，不满意七天无理由退',
    evidence: '上个月新会员用券下单的满意度超过95%',
  },
  {
    tier: 'normal',
    title: '升级银卡：差一点就到',
    feature: '近一年累计消费满1000元即可升级银卡',
    advantage: '银卡积分1.2倍，生日当天还有专属礼券',
    benefit: '平时买的日用品都能多攒积分，相当于每单再打折',
    evidence: '银卡会员平均每年多省下120元',
  },
  {
    tier: 'silver',
    title: '银卡关怀：生日礼与积分',
    feature: '银卡会员积分1.2倍，生日礼券满100减30',
    advantage: '积分可以直接抵现，100积分抵1元',
    benefit: '您现在的积分可以兑换无门槛券，下次购物直接用',
    evidence: '很多银卡会员用积分换券，一年能省下近百元',
  },
  {
    tier: 'silver',
    title: '冲刺金卡',
    feature: '累计消费满5000元升级金卡，积分1.5倍',
    advantage: '金卡享有专属券和新品优先试用',
    benefit: '按您常买的茶叶和咖啡，再囤一次货就能升级',
    evidence: '金卡会员的新品试用名额每月都会被抢光',
  },
  {
    tier: 'gold',
    title: '金卡专属：新品优先',
    feature: '金卡会员积分1.5倍，每月专属券',
    advantage: '新品上市前可以优先试用和预订',
    benefit: '您喜欢的品类有新品到店，我先帮您留一份',
    evidence: '上季度金卡会员试用后的回购率超过六成',
  },
  {
    tier: 'gold',
    title: '金卡保级提醒',
    feature: '会员有效期到期前消费满5000元即可保级',
    advantage: '保级后继续享受1.5倍积分和专属券',
    benefit: '现在下单既能保级，又能用上专属券',
    evidence: '去年九成金卡会员顺利保级',
  },
  {
    tier: 'diamond',
    title: '钻石尊享：一对一服务',
    feature: '钻石会员积分2倍，专属顾问一对一服务',
    advantage: '节日礼盒可以提前预留并免费定制贺卡',
    benefit: '您的企业或家庭送礼需求，我们一站式帮您安排',
    evidence: '钻石会员的礼盒定制好评率100%',
  },
  {
    tier: 'diamond',
    title: '钻石年度回馈',
    feature: '年度回馈礼包与线下品鉴会邀请',
    advantage: '品鉴会只对钻石会员开放，名额有限',
    benefit: '可以在门店免费品鉴当季新茶和精品咖啡',
    evidence: '上次品鉴会的到场会员都给了五星评价',
  },
];
