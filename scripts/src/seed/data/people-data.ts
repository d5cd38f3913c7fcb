/** Vocabulary for the demo shop's shoppers: where they live, what they call themselves, what they write. */

/** Provinces with a weight for how many of the shop's members live there (the stores pull their regions up). */
export const PROVINCES: readonly { name: string; weight: number }[] = [
  { name: '上海市', weight: 16 },
  { name: '北京市', weight: 13 },
  { name: '浙江省', weight: 14 },
  { name: '江苏省', weight: 9 },
  { name: '广东省', weight: 8 },
  { name: '天津市', weight: 3 },
  { name: '河北省', weight: 3 },
  { name: '安徽省', weight: 3 },
  { name: '山东省', weight: 4 },
  { name: '福建省', weight: 3 },
  { name: '四川省', weight: 4 },
  { name: '湖北省', weight: 3 },
  { name: '湖南省', weight: 2 },
  { name: '河南省', weight: 2 },
  { name: '陕西省', weight: 2 },
  { name: '重庆市', weight: 2 },
  { name: '辽宁省', weight: 2 },
  { name: '云南省', weight: 1 },
  { name: '江西省', weight: 1 },
  { name: '广西壮族自治区', weight: 1 },
];

/** Cities used in shipping addresses, by province (the first is the capital). */
export const CITIES: Readonly<Record<string, readonly string[]>> = {
  上海市: ['上海市'],
  北京市: ['北京市'],
  天津市: ['天津市'],
  重庆市: ['重庆市'],
  浙江省: ['杭州市', '宁波市', '温州市', '绍兴市'],
  江苏省: ['南京市', '苏州市', '无锡市', '常州市'],
  广东省: ['广州市', '深圳市', '佛山市', '东莞市'],
  河北省: ['石家庄市', '保定市'],
  安徽省: ['合肥市', '芜湖市'],
  山东省: ['济南市', '青岛市', '烟台市'],
  福建省: ['福州市', '厦门市'],
  四川省: ['成都市', '绵阳市'],
  湖北省: ['武汉市', '宜昌市'],
  湖南省: ['长沙市', '株洲市'],
  河南省: ['郑州市', '洛阳市'],
  陕西省: ['西安市'],
  辽宁省: ['沈阳市', '大连市'],
  云南省: ['昆明市'],
  江西省: ['南昌市'],
  广西壮族自治区: ['南宁市', '桂林市'],
};

export const DISTRICTS = ['中心区', '高新区', '东城区', '西城区', '滨江区', '新区'];
export const STREETS = ['人民路', '中山路', '解放路', '建设路', '文化路', '和平路', '长江路', '学院路', '南京路', '延安路'];

export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
];
export const GIVEN_NAMES = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '婷',
  '雪',
];

/** WeChat-style nicknames; a number or a suffix is sometimes added. */
export const NICKNAMES = [
  '晴天',
  '小鱼儿',
  '阳光明媚',
  '柠檬不酸',
  '追风少年',
  '安静的猫',
  '向日葵',
  '慢慢来',
  '大白',
  '一颗糖',
  '岁月静好',
  '星星点灯',
  '橘子汽水',
  '喵小姐',
  '木子',
  '阿布',
  '奶茶三分糖',
  '清风徐来',
  '快乐每一天',
  '森林里的鹿',
  '云朵',
  '小确幸',
  '半夏',
  '南风',
  '暖暖',
  '芒果布丁',
  '土豆',
  '花开半夏',
  '简单点',
  '夏天的风',
  '小太阳',
  '梧桐',
  'Lily',
  'Amy',
  'Kevin',
  'Coco',
  'Tony',
  'Vivian',
  'Jason',
  'Momo',
];
export const NICKNAME_SUFFIXES = ['', '', '', '呀', '酱', '🌸', '_', '同学', '妈妈', '爸爸'];

export const REFUND_REASONS = ['不想要了', '商品与描述不符', '尺码/规格不合适', '收到商品破损', '发错货', '质量问题', '拍错了'];

export const REVIEW_TEXTS: Readonly<Record<number, readonly string[]>> = {
  5: ['非常好，会回购！', '包装精美，送人很有面子', '品质超出预期，物流也很快', '一直在用，家里人都喜欢', '店员推荐的，果然不错'],
  4: ['整体不错，就是物流慢了一点', '挺好的，性价比高', '和图片一致，满意', '味道不错，下次试试别的口味'],
  3: ['一般般吧', '还可以，没有特别惊艳', '包装有点简陋'],
  2: ['和预期差距有点大', '用了几天感觉一般'],
  1: ['质量不好，不推荐', '收到就坏了，很失望'],
};

/** Manual tags operators put on members; some follow from preferences, some from how they joined. */
export const TAG_BY_CATEGORY: Readonly<Record<string, { tag: string; probability: number }>> = {
  tea: { tag: '茶友', probability: 0.4 },
  coffee: { tag: '咖啡控', probability: 0.35 },
  beauty: { tag: '美妆达人', probability: 0.25 },
  baby: { tag: '宝妈', probability: 0.55 },
};
export const TAG_LIVE_FAN = '直播间粉丝';
export const TAG_OFFLINE_EVENT = '线下活动';
export const TAG_CORPORATE = '企业团购';
