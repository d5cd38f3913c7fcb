/**
 * `generateShop`: a large synthetic shop for benchmarks, generated inside the database by set-based SQL
 * (generate_series + INSERT … SELECT, no rows through Node): a small catalogue, members registered over two
 * years, and paid orders skewed towards few buyers (Pareto-like), each with one to three lines, some refunded
 * in full or in part. Orders carry their amounts directly; no payment or refund rows are generated, so a
 * segment replay as of a past date counts a refunded amount as settled with its payment (shared refundedAsOf).
 * Not transactional as a whole: run it on a fresh database.
 */
import { TIER_CODES } from '@member-ops/shared';
import { DEFAULT_TIER_CONFIG, growthWindowStart } from '@member-ops/shared/tiers/index';
import { addMonths } from '@member-ops/shared/time/index';
import { sql } from 'drizzle-orm';
import { type Database, execute, type Executor, withTransaction } from '../../../server/src/db';
import { members as membersTable, orders as ordersTable, products, skus } from '../../../server/src/db/schema';
import { rebuildProductSales, rebuildRecommendationModel } from '../../../server/src/modules/catalog';
import { FORGET_AGGREGATES_STATE_SQL } from '../../../server/src/modules/segmentation/segmentation.sql';
import { resetIdentities } from '../seed/bulk-insert';
import { withIndexesRebuiltAfter } from './indexes';
import {
  BRAND_COUNT,
  CATEGORY_COUNT,
  generatorSql,
  type GeneratorSql,
  orderRowsSql,
  PRODUCT_COUNT,
  SKUS_PER_PRODUCT,
  SKU_COUNT,
} from './sql';

export const GENERATE_STAGES = ['catalogue', 'members', 'orders', 'tiers', 'analyze', 'recommendations'] as const;
export type GenerateStage = (typeof GENERATE_STAGES)[number];

/** PGlite runs in this process with one connection; beyond these sizes use a PostgreSQL server. */
export const PGLITE_LIMITS = { members: 100_000, orders: 1_000_000 } as const;

export interface GenerateOptions {
  members: number;
  orders: number;
  seed: string;
  /** End of the generated history. */
  now: Date;
  /** Rows per statement (default 200,000). */
  chunkRows?: number;
  onProgress?: (stage: GenerateStage, done: number, total: number) => void;
}

export interface GenerateSummary {
  members: number;
  orders: number;
  orderItems: number;
  products: number;
  skus: number;
  /** Milliseconds per stage. */
  timings: Record<GenerateStage, number>;
  elapsedMs: number;
}

export class GenerateError extends Error {
  override name = 'GenerateError';
}

const DEFAULT_CHUNK_ROWS = 200_000;

async function nextId(executor: Executor, table: string): Promise<number> {
  const [row] = await execute<{ base: number }>(executor, sql.raw(`select coalesce(max(id), 0)::int8 as base from ${table}`));
  return row?.base ?? 0;
}

async function count(executor: Executor, statement: string): Promise<number> {
  const [row] = await execute<{ n: number }>(
    executor,
    sql.raw(`with x as (${statement} returning 1) select count(*)::int as n from x`),
  );
  return row?.n ?? 0;
}

async function generateCatalogue(db: Executor, g: GeneratorSql, productBase: number, skuBase: number): Promise<void> {
  await db.execute(
    sql.raw(`insert into categories (code, name, position)
      select ${g.categoryCode('n')}, '类目 ' || n, n from generate_series(1, ${CATEGORY_COUNT}) n on conflict (code) do nothing`),
  );
  await db.execute(
    sql.raw(`insert into brands (code, name)
      select ${g.brandCode('n')}, '品牌 ' || n from generate_series(1, ${BRAND_COUNT}) n on conflict (code) do nothing`),
  );
  await db.execute(
    sql.raw(`insert into products (id, category_id, brand_id, title, status, position)
      select ${productBase} + p, c.id, b.id, '商品 ' || p, 'on_sale', p from generate_series(1, ${PRODUCT_COUNT}) p
      join categories c on c.code = ${g.categoryCode(`(p - 1) % ${CATEGORY_COUNT} + 1`)}
      join brands b on b.code = ${g.brandCode(`(p - 1) % ${BRAND_COUNT} + 1`)}
      order by p`),
  );
  await db.execute(
    sql.raw(`insert into skus (id, product_id, sku_code, title, price_fen, stock)
      select ${skuBase} + s, ${productBase} + (s - 1) / ${SKUS_PER_PRODUCT} + 1, 'GEN-' || ${skuBase} + s, '规格 ' || s,
        ${g.skuPrice('s')}, 1000000
      from generate_series(1, ${SKU_COUNT}) s order by s`),
  );
}

function orderTotalSql(): string {
  return `(p1 * q1 + case when lines >= 2 then p2 * q2 else 0 end + case when lines >= 3 then p3 * q3 else 0 end)`;
}

/** 3 % of orders refunded in full; 2 % of multi-line orders have their first line refunded. */
const STATUS_SQL = `case when status_draw < 0.03 then 'refunded' when status_draw < 0.05 and lines >= 2 then 'partially_refunded' else 'paid' end`;

/**
 * Generates the shop into `database`.
 * @example await generateShop(database, { members: 1000, orders: 10000, seed: 'bench', now: new Date() });
 */
export async function generateShop(database: Database, options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  if (database.kind === 'pglite' && (options.members > PGLITE_LIMITS.members || options.orders > PGLITE_LIMITS.orders))
    throw new GenerateError(
      `PGlite generates at most ${PGLITE_LIMITS.members.toLocaleString('en-US')} members and ${PGLITE_LIMITS.orders.toLocaleString('en-US')} orders; use --database-url for more`,
    );
  const db = database.db;
  const [existing] = await execute<{ found: boolean }>(
    db,
    sql`select exists (select 1 from members where openid = ${`gen:${options.seed}:1`}) as found`,
  );
  if (existing?.found) throw new GenerateError(`a shop was already generated with seed "${options.seed}" in this database`);
  const g = generatorSql(options.seed, options.now);
  const chunk = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const progress = options.onProgress ?? (() => undefined);
  const timings = { catalogue: 0, members: 0, orders: 0, tiers: 0, analyze: 0, recommendations: 0 };
  const time = async (stage: GenerateStage, work: () => Promise<void>) => {
    const t0 = performance.now();
    await work();
    timings[stage] = Math.round(performance.now() - t0);
  };
  const trustedLoad = await canSkipReferenceChecks(db);
  const bases = {
    product: await nextId(db, 'products'),
    sku: await nextId(db, 'skus'),
    member: await nextId(db, 'members'),
    order: await nextId(db, 'orders'),
  };

  await time('catalogue', async () => {
    progress('catalogue', 0, 1);
    await generateCatalogue(db, g, bases.product, bases.sku);
    progress('catalogue', 1, 1);
  });

  let memberRows = 0;
  await time('members', async () => {
    for (let from = 1; from <= options.members; from += chunk) {
      const to = Math.min(options.members, from + chunk - 1);
      memberRows += await inChunk(database, trustedLoad, (tx) =>
        count(
          tx,
          `insert into members (id, openid, gender, region, source_channel, registered_at, updated_at)
          select ${bases.member} + m, 'gen:' || ${quote(options.seed)} || ':' || m, ${g.memberGender('m')}, ${g.memberRegion('m')},
            'generated', ${g.registeredAt('m')}, ${g.registeredAt('m')}
          from generate_series(${from}::int8, ${to}::int8) m`,
        ),
      );
      progress('members', to, options.members);
    }
  });

  let orderRows = 0;
  let itemRows = 0;
  await time('orders', () =>
    withIndexesRebuiltAfter(database, ['orders', 'order_items'], async () => {
      for (let from = 1; from <= options.orders; from += chunk) {
        const to = Math.min(options.orders, from + chunk - 1);
        const rows = orderRowsSql(g, options.members, from, to, options.now);
        const [chunkOrders, chunkItems] = await inChunk(database, trustedLoad, async (tx) => [
          await count(
            tx,
            `insert into orders (id, order_no, member_id, channel, status, items_total_fen, payable_fen, paid_fen, refunded_fen,
            created_at, paid_at, updated_at)
          select ${bases.order} + k, 'gen:' || ${quote(options.seed)} || ':' || lpad(k::text, 10, '0'), ${bases.member} + m, channel, ${STATUS_SQL},
            ${orderTotalSql()}, ${orderTotalSql()}, ${orderTotalSql()},
            case ${STATUS_SQL} when 'refunded' then ${orderTotalSql()} when 'partially_refunded' then p1 * q1 else 0 end,
            at, at, at
          from (${rows}) o order by k`,
          ),
          await count(
            tx,
            `insert into order_items (order_id, member_id, sku_id, product_id, title, category, brand, unit_price_fen, quantity,
            line_total_fen, refunded_quantity, refunded_fen)
          select ${bases.order} + o.k, ${bases.member} + o.m, ${bases.sku} + l.s, ${bases.product} + (l.s - 1) / ${SKUS_PER_PRODUCT} + 1,
            '商品 ' || ((l.s - 1) / ${SKUS_PER_PRODUCT} + 1), ${g.categoryCode(`((l.s - 1) / ${SKUS_PER_PRODUCT}) % ${CATEGORY_COUNT} + 1`)},
            ${g.brandCode(`((l.s - 1) / ${SKUS_PER_PRODUCT}) % ${BRAND_COUNT} + 1`)}, l.p, l.q, l.p * l.q,
            case when l.refunded then l.q else 0 end, case when l.refunded then l.p * l.q else 0 end
          from (${rows}) o
          cross join lateral (values
            (1, o.s1, o.q1, o.p1, ${STATUS_SQL} <> 'paid'),
            (2, o.s2, o.q2, o.p2, ${STATUS_SQL} = 'refunded'),
            (3, o.s3, o.q3, o.p3, ${STATUS_SQL} = 'refunded')) as l(j, s, q, p, refunded)
          where l.j <= o.lines
          order by o.k, l.j`,
          ),
        ]);
        orderRows += chunkOrders;
        itemRows += chunkItems;
        progress('orders', to, options.orders);
      }
    }),
  );

  await time('tiers', async () => {
    progress('tiers', 0, 1);
    await assignTiers(db, options.now, bases.member);
    progress('tiers', 1, 1);
  });

  await time('analyze', async () => {
    progress('analyze', 0, 1);
    if (trustedLoad) {
      await checkReferences(db);
      // The trigger giving every new member a member_metrics row was skipped with the other triggers, and so was
      // the one marking members whose orders changed: the next refresh from the orders must re-aggregate everyone.
      await db.execute(sql.raw(FORGET_AGGREGATES_STATE_SQL));
      await db.execute(
        sql.raw('insert into member_metrics (member_id) select id from members on conflict (member_id) do nothing'),
      );
      // So were the ones keeping product_sales: count the units sold per product once, from all the lines.
      await rebuildProductSales(db);
    }
    await resetIdentities(db, [membersTable, ordersTable, products, skus]);
    // VACUUM (not only ANALYZE) on a server, so the visibility map lets the refresh read the orders index-only.
    const statistics = database.kind === 'postgres' ? 'vacuum (analyze)' : 'analyze';
    await db.execute(sql.raw(`${statistics} members, member_metrics, orders, order_items, products, skus, product_sales`));
    progress('analyze', 1, 1);
  });

  // So the generated shop's storefront has recommendations before the first nightly rebuild.
  await time('recommendations', async () => {
    progress('recommendations', 0, 1);
    await rebuildRecommendationModel(db, options.now);
    progress('recommendations', 1, 1);
  });

  return {
    members: memberRows,
    orders: orderRows,
    orderItems: itemRows,
    products: PRODUCT_COUNT,
    skus: SKU_COUNT,
    timings,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Each generated member's tier from their growth value (paid minus refunded over the tier window before `now`),
 * by the default tier rules, as if every upgrade had happened on time; kept for the configured months.
 */
async function assignTiers(db: Executor, now: Date, memberBase: number): Promise<void> {
  const config = DEFAULT_TIER_CONFIG;
  const ranked = [...TIER_CODES].reverse();
  const tierCase = `case ${ranked.map((code) => `when growth >= ${config.tiers[code].entryFen} then '${code}'`).join(' ')} end`;
  await db.execute(
    sql.raw(`update members m set tier = g.tier, tier_since = '${now.toISOString()}'::timestamptz,
        tier_keep_until = '${addMonths(now, config.keepMonths).toISOString()}'::timestamptz
      from (select member_id, ${tierCase} as tier from (
          select member_id, sum(paid_fen - refunded_fen) as growth from orders
          where status in ('paid', 'partially_refunded', 'refunded') and member_id > ${memberBase}
            and paid_at >= '${growthWindowStart(now, config).toISOString()}'::timestamptz
            and paid_at <= '${now.toISOString()}'::timestamptz
          group by member_id) x) g
      where g.member_id = m.id and g.tier <> '${TIER_CODES[0]}'`),
  );
}

/**
 * Foreign-key checks run once per inserted row; for generated rows (whose references are correct by
 * construction) a superuser may skip them during the load (session_replication_role = replica) and check every
 * reference afterwards with one anti-join per foreign key, which is several times faster.
 */
async function canSkipReferenceChecks(db: Executor): Promise<boolean> {
  const [row] = await execute<{ superuser: boolean }>(
    db,
    sql.raw('select rolsuper as superuser from pg_roles where rolname = current_user'),
  );
  return row?.superuser === true;
}

async function inChunk<T>(database: Database, trustedLoad: boolean, work: (tx: Executor) => Promise<T>): Promise<T> {
  return withTransaction(
    database,
    async (tx) => {
      if (trustedLoad) await tx.execute(sql.raw('set local session_replication_role = replica'));
      return work(tx);
    },
    { retries: 0 },
  );
}

const REFERENCES = [
  ['orders', 'member_id', 'members'],
  ['order_items', 'order_id', 'orders'],
  ['order_items', 'member_id', 'members'],
  ['order_items', 'sku_id', 'skus'],
  ['order_items', 'product_id', 'products'],
] as const;

async function checkReferences(db: Executor): Promise<void> {
  for (const [table, column, target] of REFERENCES) {
    const [row] = await execute<{ broken: boolean }>(
      db,
      sql.raw(
        `select exists (select 1 from ${table} t where not exists (select 1 from ${target} r where r.id = t.${column})) as broken`,
      ),
    );
    if (row?.broken) throw new GenerateError(`generated ${table}.${column} refers to a missing ${target} row`);
  }
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
