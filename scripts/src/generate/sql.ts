/**
 * SQL expressions of the synthetic shop. Every attribute is a pure function of a row number and the seed
 * (`hashint8extended`), so the database generates the rows itself (`generate_series` + INSERT … SELECT) and the
 * order lines can be recomputed exactly where the order totals need them.
 */
import { GENDERS } from '@member-ops/shared';

export const CATEGORY_COUNT = 12;
export const BRAND_COUNT = 20;
export const PRODUCT_COUNT = 300;
export const SKUS_PER_PRODUCT = 2;
export const SKU_COUNT = PRODUCT_COUNT * SKUS_PER_PRODUCT;
export const MAX_LINES_PER_ORDER = 3;
/** Share of members who ever buy; the rest registered and never ordered. */
export const BUYER_SHARE = 0.7;
/**
 * A buyer's rank is drawn as ((u·(1−a) + a)³ − a³) / (1 − a³): the cube concentrates orders on few buyers (the
 * busiest 20 % of buyers place about 57 % of the orders), and the offset a keeps the very head plausible — with
 * plain u³ the first rank alone took 1.1 % of all orders (111,771 of 10M, a hundred a day); with a = 0.05 the
 * busiest member of a 1M / 10M shop has about 2,000 orders, under three a day.
 */
export const ORDER_SKEW_EXPONENT = 3;
export const ORDER_SKEW_HEAD_OFFSET = 0.05;
export const HISTORY_DAYS = 730;

const REGIONS = ['上海市', '北京市', '浙江省', '江苏省', '广东省', '四川省', '湖北省', '山东省'];

/** A 31-bit salt from the seed text (FNV-1a), so different seeds give different shops. */
export function seedSalt(seed: string): number {
  let hash = 0x811c9dc5;
  for (const ch of seed) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 1;
}

export interface GeneratorSql {
  /** A uniform float in [0, 1) from an integer expression and a per-attribute salt. */
  uniform(expr: string, salt: number): string;
  /** Registration time of member number `m` (1-based). */
  registeredAt(m: string): string;
  memberGender(m: string): string;
  memberRegion(m: string): string;
  /** Price in fen of SKU number `s` (1-based). */
  skuPrice(s: string): string;
  categoryCode(n: string): string;
  brandCode(n: string): string;
}

export function generatorSql(seed: string, now: Date): GeneratorSql {
  const base = seedSalt(seed) * 64;
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const uniform = (expr: string, salt: number) =>
    `(((hashint8extended((${expr})::int8, ${base + salt}) >> 11) & 4503599627370495)::float8 / 4503599627370496.0)`;
  const [female, male, unknown] = [GENDERS[1], GENDERS[0], GENDERS[2]];
  return {
    uniform,
    registeredAt: (m) => `(${nowSql} - ${uniform(m, 1)} * interval '${HISTORY_DAYS} days')`,
    memberGender: (m) =>
      `(case when ${uniform(m, 2)} < 0.55 then '${female}' when ${uniform(m, 2)} < 0.9 then '${male}' else '${unknown}' end)`,
    memberRegion: (m) =>
      `((array[${REGIONS.map((r) => `'${r}'`).join(', ')}])[1 + floor(${uniform(m, 3)} * ${REGIONS.length})::int])`,
    skuPrice: (s) => `((9 + floor(power(${uniform(s, 30)}, 2) * 490)::int8) * 100 + 90)`,
    categoryCode: (n) => `('gen-c' || lpad((${n})::text, 2, '0'))`,
    brandCode: (n) => `('gen-b' || lpad((${n})::text, 2, '0'))`,
  };
}

export interface OrderIdBases {
  member: number;
  order: number;
}

/**
 * One row per order number k in [from, to]: its member number m, time, channel, status, and up to three lines
 * (s1..s3 SKU numbers, q1..q3 quantities, p1..p3 unit prices), `lines` of them used.
 */
export function orderRowsSql(g: GeneratorSql, members: number, from: number, to: number, now: Date): string {
  const buyers = Math.max(1, Math.ceil(members * BUYER_SHARE));
  const stride = coprimeStride(members);
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const line = (j: number) => {
    const key = `k * 4 + ${j}`;
    return `1 + floor(${SKU_COUNT} * power(${g.uniform(key, 20)}, 2))::int as s${j},
      1 + (${g.uniform(key, 21)} < 0.2)::int + (${g.uniform(key, 22)} < 0.05)::int as q${j}`;
  };
  const price = (j: number) => `${g.skuPrice(`s${j}`)} as p${j}`;
  return `select r.*, ${price(1)}, ${price(2)}, ${price(3)},
      reg + (${nowSql} - reg) * ${g.uniform('k', 11)} as at
    from (
      select k, m, ${g.registeredAt('m')} as reg,
        1 + (${g.uniform('k', 12)} < 0.35)::int + (${g.uniform('k', 13)} < 0.12)::int as lines,
        ${g.uniform('k', 14)} as status_draw,
        case when ${g.uniform('k', 15)} < 0.75 then 'mini_program' else 'pos' end as channel,
        ${line(1)}, ${line(2)}, ${line(3)}
      from (
        select k, ((floor(${buyers} * ${skewedRank(g.uniform('k', 10))})::int8 * ${stride}) % ${members}) + 1 as m
        from generate_series(${from}::int8, ${to}::int8) as k
      ) picked
    ) r`;
}

/** The skewed position in [0, 1) of a uniform draw (see ORDER_SKEW_HEAD_OFFSET). */
function skewedRank(u: string): string {
  const a = ORDER_SKEW_HEAD_OFFSET;
  const e = ORDER_SKEW_EXPONENT;
  return `least((power(${u} * ${1 - a} + ${a}, ${e}) - ${a ** e}) / ${1 - a ** e}, 0.999999999)`;
}

/** A stride coprime with `n`, so multiplying buyer ranks by it scatters them over all member numbers. */
export function coprimeStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = 7_919;
  while (gcd(stride, n) !== 1) stride += 2;
  return stride;
}
