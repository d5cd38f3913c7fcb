/**
 * Categories for the Online Retail catalogue, which has none: the product description's keywords decide, in
 * the order below (the first match wins), and StockCodes that are not goods (postage, fees, manual entries)
 * form their own category.
 */
export interface ImportCategory {
  code: string;
  name: string;
}

const KEYWORD_CATEGORIES: readonly (ImportCategory & { keywords: readonly string[] })[] = [
  { code: 'retail-christmas', name: '圣诞节庆', keywords: ['CHRISTMAS', 'XMAS', 'ADVENT', 'SNOWFLAKE', 'REINDEER', 'SANTA'] },
  { code: 'retail-bags', name: '包袋', keywords: ['BAG', 'PURSE', 'SHOPPER', 'TOTE', 'BACKPACK', 'RUCKSACK'] },
  {
    code: 'retail-lighting',
    name: '灯具蜡烛',
    keywords: ['CANDLE', 'T-LIGHT', 'TLIGHT', 'LANTERN', 'LIGHT', 'LAMP', 'NIGHTLIGHT'],
  },
  {
    code: 'retail-kitchen',
    name: '厨房餐具',
    keywords: [
      'MUG',
      'CUP',
      'PLATE',
      'BOWL',
      'TEA',
      'CAKE',
      'BAKING',
      'JAM',
      'KITCHEN',
      'APRON',
      'SPOON',
      'NAPKIN',
      'LUNCH',
      'BOTTLE',
      'GLASS',
      'TRAY',
      'COOK',
      'EGG',
    ],
  },
  {
    code: 'retail-stationery',
    name: '文具卡片',
    keywords: ['CARD', 'WRAP', 'PAPER', 'NOTEBOOK', 'PENCIL', 'PEN ', 'STICKER', 'ENVELOPE', 'TAPE', 'CALENDAR', 'DIARY', 'BOOK'],
  },
  {
    code: 'retail-storage',
    name: '收纳',
    keywords: ['BOX', 'TIN', 'JAR', 'BASKET', 'HOLDER', 'CASE', 'DRAWER', 'CABINET', 'STORAGE', 'HOOK', 'HANGER', 'RACK'],
  },
  {
    code: 'retail-toys',
    name: '玩具游戏',
    keywords: ['TOY', 'GAME', 'DOLL', 'PUZZLE', 'SPACEBOY', 'DOLLY', 'PLAYHOUSE', 'JIGSAW', 'BALLOON', 'CHILDREN', 'TEDDY'],
  },
  {
    code: 'retail-textiles',
    name: '家纺',
    keywords: ['CUSHION', 'TOWEL', 'BLANKET', 'THROW', 'QUILT', 'CLOTH', 'WARMER', 'HOT WATER', 'SCARF', 'GLOVES'],
  },
  { code: 'retail-garden', name: '园艺', keywords: ['GARDEN', 'PLANT', 'FLOWER', 'WATERING', 'BIRD', 'POT '] },
  {
    code: 'retail-jewellery',
    name: '饰品',
    keywords: ['NECKLACE', 'EARRING', 'BRACELET', 'RING', 'JEWEL', 'HAIR', 'DIAMANTE', 'BEAD', 'CHARM'],
  },
  {
    code: 'retail-decor',
    name: '家居装饰',
    keywords: [
      'SIGN',
      'FRAME',
      'HEART',
      'DECORATION',
      'ORNAMENT',
      'BUNTING',
      'GARLAND',
      'CLOCK',
      'MIRROR',
      'VINTAGE',
      'WREATH',
      'DOORMAT',
      'HANGING',
    ],
  },
];

export const SERVICE_CATEGORY: ImportCategory = { code: 'retail-services', name: '运费与服务' };
export const OTHER_CATEGORY: ImportCategory = { code: 'retail-other', name: '其他商品' };

/** Goods have a five-digit StockCode, optionally with letters after it (colour or size variants). */
const GOODS_STOCK_CODE = /^\d{5}/;

/**
 * The category of an Online Retail line.
 * @example onlineRetailCategory('85123A', 'WHITE HANGING HEART T-LIGHT HOLDER').code // 'retail-lighting'
 */
export function onlineRetailCategory(stockCode: string, description: string): ImportCategory {
  if (!GOODS_STOCK_CODE.test(stockCode)) return SERVICE_CATEGORY;
  const text = ` ${description.toUpperCase()} `;
  const match = KEYWORD_CATEGORIES.find((category) => category.keywords.some((keyword) => text.includes(keyword)));
  return match ? { code: match.code, name: match.name } : OTHER_CATEGORY;
}
