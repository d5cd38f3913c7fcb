/** The demo shop's stores and catalogue vocabulary: a lifestyle brand selling online and in three stores. */

export interface StoreSpec {
  code: string;
  name: string;
  address: string;
  phone: string;
  /** Provinces whose members most likely registered at this store. */
  provinces: readonly string[];
}

export const DEMO_STORES: readonly StoreSpec[] = [
  {
    code: 'SH01',
    name: '上海静安店',
    address: '上海市静安区南京西路1088号1层',
    phone: '021-62880101',
    provinces: ['上海市', '江苏省'],
  },
  {
    code: 'BJ01',
    name: '北京三里屯店',
    address: '北京市朝阳区三里屯路19号院3号楼',
    phone: '010-64160202',
    provinces: ['北京市', '天津市', '河北省'],
  },
  {
    code: 'HZ01',
    name: '杭州西湖店',
    address: '浙江省杭州市西湖区北山街28号',
    phone: '0571-87960303',
    provinces: ['浙江省', '安徽省'],
  },
];

/** One spec dimension of a category's SKUs; `priceFactor` scales the product's base price. */
export interface SpecOption {
  value: string;
  priceFactor: number;
}

export interface CategorySpec {
  code: string;
  name: string;
  /** Share of the shop's purchases, before members' own preferences. */
  popularity: number;
  /** Log-normal base price: median in yuan and log-scale spread. */
  medianYuan: number;
  sigma: number;
  /** Typical quantity per order line is higher for consumables. */
  consumable: boolean;
  specName: string;
  specs: readonly SpecOption[];
  /** A second dimension that multiplies the SKUs (e.g. size for clothes). */
  extraSpec?: { name: string; values: readonly string[] };
  brands: readonly { code: string; name: string }[];
  /** Title parts: a qualifier and a product noun. */
  qualifiers: readonly string[];
  nouns: readonly string[];
  /** Sentences for product descriptions. */
  selling: readonly string[];
  keywords: readonly string[];
}

export const DEMO_CATEGORIES: readonly CategorySpec[] = [
  {
    code: 'tea',
    name: '茶叶',
    popularity: 16,
    medianYuan: 168,
    sigma: 0.75,
    consumable: true,
    specName: '规格',
    specs: [
      { value: '50g罐装', priceFactor: 1 },
      { value: '125g礼盒', priceFactor: 2.2 },
      { value: '250g袋装', priceFactor: 3.6 },
    ],
    brands: [
      { code: 'shanjian', name: '山间茶舍' },
      { code: 'longjingfang', name: '龙井坊' },
      { code: 'chayuxuan', name: '茶语轩' },
    ],
    qualifiers: ['明前特级', '高山', '古树', '手工', '雨前一级', '陈年', '原叶', '有机'],
    nouns: ['西湖龙井', '碧螺春', '正山小种', '铁观音', '普洱熟茶', '白毫银针', '大红袍', '茉莉花茶', '金骏眉', '安吉白茶'],
    selling: [
      '产地直采，当季新茶',
      '条索紧结，汤色清亮',
      '独立小包装，出差办公方便冲泡',
      '冷泡热泡皆宜，回甘持久',
      '送礼自饮两相宜',
    ],
    keywords: ['龙井', '绿茶', '红茶', '普洱', '白茶', '茶叶礼盒', '明前茶', '乌龙茶'],
  },
  {
    code: 'coffee',
    name: '咖啡',
    popularity: 14,
    medianYuan: 79,
    sigma: 0.55,
    consumable: true,
    specName: '规格',
    specs: [
      { value: '挂耳10片', priceFactor: 1 },
      { value: '豆子250g', priceFactor: 1.4 },
      { value: '豆子500g', priceFactor: 2.5 },
    ],
    brands: [
      { code: 'yunling', name: '云岭咖啡' },
      { code: 'beansay', name: '豆语' },
      { code: 'beisi', name: '焙思' },
    ],
    qualifiers: ['云南保山', '埃塞俄比亚', '中深烘', '浅烘', '意式拼配', '冷萃', '日晒', '水洗'],
    nouns: ['挂耳咖啡', '咖啡豆', '冷萃咖啡液', '冻干咖啡粉', '耶加雪菲', '曼特宁', '拿铁拼配豆', '美式黑咖啡'],
    selling: ['新鲜烘焙，七日内发货', '花果香明显，酸质明亮', '三秒速溶，冷水也能化开', '油脂丰富，适合做拿铁', '0添加蔗糖'],
    keywords: ['咖啡', '挂耳', '咖啡豆', '冷萃', '美式', '拿铁', '速溶咖啡'],
  },
  {
    code: 'snacks',
    name: '零食',
    popularity: 18,
    medianYuan: 29,
    sigma: 0.5,
    consumable: true,
    specName: '口味',
    specs: [
      { value: '原味', priceFactor: 1 },
      { value: '香辣味', priceFactor: 1 },
      { value: '家庭装', priceFactor: 2.6 },
    ],
    brands: [
      { code: 'xiaochanmao', name: '小馋猫' },
      { code: 'guoranhao', name: '果然好' },
      { code: 'lingzuipu', name: '零嘴铺' },
    ],
    qualifiers: ['每日', '低脂', '手工', '网红', '进口', '办公室', '追剧必备', '儿童'],
    nouns: ['坚果礼包', '牛肉干', '芒果干', '海苔脆', '蛋黄酥', '鸡爪', '冻干草莓', '麻薯', '曲奇饼干', '鲜花饼'],
    selling: ['独立包装，开袋即食', '配料干净，不添加防腐剂', '酥脆可口，一口一个', '节日囤货分享装', '新鲜日期，当月生产'],
    keywords: ['零食', '坚果', '牛肉干', '饼干', '果干', '零食大礼包', '下午茶'],
  },
  {
    code: 'beauty',
    name: '美妆',
    popularity: 12,
    medianYuan: 259,
    sigma: 0.7,
    consumable: false,
    specName: '规格',
    specs: [
      { value: '30ml', priceFactor: 1 },
      { value: '50ml', priceFactor: 1.5 },
      { value: '旅行装', priceFactor: 0.4 },
    ],
    brands: [
      { code: 'huayang', name: '花漾' },
      { code: 'suyanji', name: '素颜记' },
      { code: 'heji', name: '禾肌' },
    ],
    qualifiers: ['修护', '保湿', '烟酰胺', '玻尿酸', '抗初老', '敏感肌', '控油', '亮肤'],
    nouns: ['精华液', '面霜', '爽肤水', '眼霜', '面膜', '防晒乳', '卸妆油', '口红', '粉底液'],
    selling: ['温和配方，敏感肌可用', '轻薄好吸收，不黏腻', '28天焕亮肌肤', '专柜同款，正品保障', '多重修护，稳定肌肤屏障'],
    keywords: ['精华', '面霜', '防晒', '面膜', '口红', '保湿', '敏感肌'],
  },
  {
    code: 'personal_care',
    name: '个护',
    popularity: 12,
    medianYuan: 59,
    sigma: 0.5,
    consumable: true,
    specName: '香型',
    specs: [
      { value: '白茶香', priceFactor: 1 },
      { value: '无香', priceFactor: 1 },
      { value: '补充装', priceFactor: 0.7 },
    ],
    brands: [
      { code: 'qingmu', name: '清沐' },
      { code: 'zhicuijia', name: '植萃家' },
    ],
    qualifiers: ['氨基酸', '无硅油', '香氛', '温和', '去屑', '持久留香', '植物', '清爽'],
    nouns: ['洗发水', '沐浴露', '身体乳', '护手霜', '牙膏', '洗面奶', '护发素', '漱口水'],
    selling: ['植物萃取，温和清洁', '一瓶用三个月，家庭装更划算', '淡雅香气，持久留香', '泡沫细腻，易冲洗', '孕妇可用'],
    keywords: ['洗发水', '沐浴露', '身体乳', '护手霜', '牙膏', '洗面奶'],
  },
  {
    code: 'home',
    name: '家居',
    popularity: 10,
    medianYuan: 129,
    sigma: 0.8,
    consumable: false,
    specName: '颜色',
    specs: [
      { value: '米白', priceFactor: 1 },
      { value: '雾霾蓝', priceFactor: 1 },
      { value: '墨绿', priceFactor: 1.05 },
    ],
    brands: [
      { code: 'mumianju', name: '木棉居' },
      { code: 'nuanju', name: '暖居' },
      { code: 'shiguangwu', name: '拾光屋' },
    ],
    qualifiers: ['北欧风', '日式', '纯棉', '简约', '加厚', '可机洗', '陶瓷', '玻璃'],
    nouns: ['四件套', '马克杯', '香薰蜡烛', '收纳盒', '抱枕', '浴巾', '餐具套装', '保温杯', '地垫'],
    selling: ['A类面料，亲肤透气', '耐高温，可进洗碗机', '简约设计，百搭家居风格', '一件也包邮', '支持七天无理由退换'],
    keywords: ['四件套', '马克杯', '香薰', '收纳', '保温杯', '浴巾'],
  },
  {
    code: 'apparel',
    name: '服饰',
    popularity: 10,
    medianYuan: 199,
    sigma: 0.6,
    consumable: false,
    specName: '颜色',
    specs: [
      { value: '黑色', priceFactor: 1 },
      { value: '燕麦色', priceFactor: 1 },
      { value: '藏青', priceFactor: 1 },
    ],
    extraSpec: { name: '尺码', values: ['S', 'M', 'L', 'XL'] },
    brands: [
      { code: 'yipin', name: '衣品' },
      { code: 'mianmaji', name: '棉麻集' },
    ],
    qualifiers: ['纯棉', '宽松', '百搭', '羊毛混纺', '速干', '亚麻', '通勤', '休闲'],
    nouns: ['T恤', '卫衣', '针织开衫', '衬衫', '阔腿裤', '连衣裙', '羽绒服', '围巾', '运动裤'],
    selling: ['精梳棉面料，柔软不起球', '宽松版型，遮肉显瘦', '通勤休闲都好搭', '下单后48小时内发货', '支持试穿后再决定'],
    keywords: ['T恤', '卫衣', '连衣裙', '衬衫', '羽绒服', '围巾', '开衫'],
  },
  {
    code: 'baby',
    name: '母婴',
    popularity: 8,
    medianYuan: 139,
    sigma: 0.6,
    consumable: true,
    specName: '规格',
    specs: [
      { value: 'S码', priceFactor: 1 },
      { value: 'M码', priceFactor: 1 },
      { value: 'L码', priceFactor: 1.1 },
    ],
    brands: [
      { code: 'beibeian', name: '贝贝安' },
      { code: 'xiaoxiang', name: '小象童年' },
    ],
    qualifiers: ['超薄透气', '新生儿', '有机棉', '防胀气', '婴儿', '宝宝', '无添加', '温和'],
    nouns: ['纸尿裤', '湿巾', '奶瓶', '连体衣', '辅食碗', '润肤霜', '安抚玩具', '口水巾'],
    selling: ['母婴级材质，安心给宝宝用', '柔软亲肤，不红屁屁', '宝妈回购率超高', '独立包装，外出方便携带', '通过SGS检测'],
    keywords: ['纸尿裤', '湿巾', '奶瓶', '宝宝衣服', '婴儿润肤', '辅食'],
  },
];

/** Keywords anybody might type, whatever they end up buying. */
export const GENERAL_KEYWORDS = ['新品', '礼盒', '送礼', '特价', '包邮', '会员专享', '618', '双11', '年货'];
