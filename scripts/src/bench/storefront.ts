/**
 * Storefront benchmark: the real server (every module, the WeChat sandbox) in this process, over real HTTP on
 * 127.0.0.1, on a generated shop (or an existing one, --database-url). Three parts:
 *  - reads: each shopper read one at a time, `requests` times, for typical members, frequent buyers and the member
 *    with the most orders, beside GET /api/categories;
 *  - load: virtual shoppers, each a distinct member, walking home → list → detail → recommendations → cart (the
 *    add_to_cart event; there is no cart API) → checkout → prepay → the sandbox's signed payment notification, for
 *    `seconds`; requests/s, p50, p99 and errors per endpoint, and paid orders/s;
 *  - flash sale: a fresh SKU with stock 100, `flashShoppers` distinct members ordering it at the same moment.
 * The shop gets only what shoppers write (sessions, privacy consent, events, orders and their payments; sessions are
 * logged out at the end) plus the flash-sale product, created fresh each run and taken off sale after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { type Database, type DatabaseKind, execute } from '../../../server/src/db';
import { loadConfig } from '../../../server/src/config';
import { createMemberSession } from '../../../server/src/http/auth';
import { createLogger } from '../../../server/src/logger';
import { ADDRESS } from '../../../server/src/modules/payments/checkout.fixtures';
import { startServer, type RunningServer } from '../../../server/src/server';
import { generateShop } from '../generate/index';
import { benchDatabase, shopSize } from './bench-database';
import { runFlashSale, type FlashSaleResult } from './flash-sale';

export interface StorefrontBenchOptions {
  kind: DatabaseKind;
  /** Size of the shop generated when no databaseUrl is given. */
  members: number;
  orders: number;
  /** An already generated shop on a PostgreSQL server: no load, and the database is kept. */
  databaseUrl?: string;
  /** Requests per read in the one-at-a-time part (default 200; fewer when a read takes over 30 s in all). */
  requests?: number;
  /** Virtual shoppers in the load. */
  shoppers: number;
  seconds: number;
  /** Shoppers ordering the flash-sale SKU at once (default 500). */
  flashShoppers?: number;
}

export interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface ReadFigures extends LatencyFigures {
  read: string;
  path: string;
  /** Whose session the read was made with; null for the public catalogue (sent without a token, as the mini-program does). */
  member: MemberProfile | null;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Items in the (last) answer, when it is a list. */
  rows: number | null;
  bytes: number;
  cacheControl: string | null;
  etag: boolean;
  /** Answers by the value of a cache-status header (x-cache, x-cache-status), when the server sends one. */
  cacheStatus: Record<string, number> | null;
}

export interface EndpointLoadFigures {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers by status (0: no answer at all). */
  errors: Record<string, number>;
}

export interface StorefrontBenchResult {
  database: DatabaseKind;
  members: number;
  orders: number;
  orderItems: number;
  products: number;
  /** Null when the bench ran on an existing shop (--database-url). */
  generateMs: number | null;
  /** The server as run here: one process, scheduled jobs off, in the same process as the load generator. */
  server: { processes: 1; jobs: false };
  reads: {
    requestsEach: number;
    members: Record<MemberProfile, { count: number; ordersMin: number; ordersMax: number }>;
    results: ReadFigures[];
  };
  load: {
    shoppers: number;
    seconds: number;
    endpoints: Record<string, EndpointLoadFigures>;
    /** Whole walks (home to paid) and checkout (order + prepay + payment) per paid order. */
    walks: number;
    checkoutP50Ms: number;
    checkoutP99Ms: number;
    paidOrders: number;
    paidOrdersPerSecond: number;
    /** Orders of the virtual shoppers paid in the database during the load (must equal paidOrders). */
    paidInDatabase: number;
    totalErrors: number;
  };
  flashSale: StorefrontFlashSale;
}

type MemberProfile = 'typical' | 'buyer' | 'busiest';

interface Shopper {
  memberId: number;
  token: string;
}

/** Virtual shoppers in the load by default: the issue's 64 on a PostgreSQL server; PGlite is one in-process connection. */
export const STOREFRONT_SHOPPERS: Record<DatabaseKind, number> = { postgres: 64, pglite: 16 };

const DEFAULT_REQUESTS = 200;
const DEFAULT_FLASH_SHOPPERS = 500;
const FLASH_STOCK = 100;
/** Members per profile the one-at-a-time reads rotate over (the busiest is one member). */
const PROFILE_MEMBERS = 20;
/** Untimed requests before each read is timed. */
const WARM_UP = 3;
/** A read stops early after this long (a slow read then reports fewer requests, rather than holding the bench for hours). */
const READ_BUDGET_MS = 30_000;

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

function latencies(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) };
}

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

/**
 * A light HTTP client: node:http on a keep-alive agent, the body read as text, nothing parsed unless the caller
 * needs it. A request that gets no answer (connection refused or reset) resolves with status 0.
 */
export class BenchClient {
  /**
   * Idle sockets are closed after 4 s, before the server's 5 s keep-alive timeout closes them: a request is never
   * sent on a socket the server is closing.
   */
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, timeout: 4000 });
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  request(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (method === 'POST') headers['content-length'] = Buffer.byteLength(payload);
    return new Promise((resolve) => {
      const t0 = performance.now();
      const failed = () => resolve({ status: 0, body: '', headers: {}, ms: performance.now() - t0 });
      const request = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', failed);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
            ms: performance.now() - t0,
          }),
        );
      });
      request.on('error', failed);
      request.end(payload === '' ? undefined : payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const ok = (status: number) => status >= 200 && status < 300;

function parse<T>(answer: Answer): T | null {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    return null;
  }
}

/** The real server on the bench database: on PostgreSQL it opens its own pool with the production limits. */
async function startShopServer(database: Database, url: string | undefined, dataDir: string): Promise<RunningServer> {
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    ...(url ? { DATABASE_URL: url } : {}),
  };
  return startServer(loadConfig(env), {
    logger: createLogger('silent'),
    ...(url ? {} : { database }),
  });
}

async function signIn(database: Database, memberIds: number[]): Promise<Shopper[]> {
  const shoppers: Shopper[] = [];
  const now = new Date();
  for (const memberId of memberIds)
    shoppers.push({ memberId, token: (await createMemberSession(database.db, memberId, now)).token });
  return shoppers;
}

/** Sessions end as a shopper ends them (logout), so runs do not pile up live sessions. */
async function signOut(client: BenchClient, shoppers: Shopper[]): Promise<void> {
  for (let i = 0; i < shoppers.length; i += 50) {
    await Promise.all(shoppers.slice(i, i + 50).map((s) => client.request('POST', '/api/auth/logout', s.token)));
  }
}

interface ShopFacts {
  categoryCode: string;
  keyword: string;
  productIds: number[];
}

async function shopFacts(database: Database): Promise<ShopFacts> {
  const [category] = await execute<{ code: string }>(
    database.db,
    sql.raw('select code from categories where active order by position, id limit 1'),
  );
  const products = await execute<{ id: number; title: string }>(
    database.db,
    sql.raw(`select id::int8 as id, title from products where status = 'on_sale' order by md5(id::text) limit 20`),
  );
  if (!category || products.length === 0) throw new Error('the shop has no categories or no products on sale');
  // A word of a real title that matches some products but not all (generated titles are "商品 <n>").
  const title = products[0]?.title ?? '';
  const keyword = /^(.*?\d\d)/.exec(title)?.[1] ?? title;
  return { categoryCode: category.code, keyword, productIds: products.map((p) => Number(p.id)) };
}

/** The members the one-at-a-time reads use: uniform draws, members of random orders, and the one with most orders. */
async function representativeMembers(
  database: Database,
  orderCount: number,
): Promise<Record<MemberProfile, { id: number; orders: number }[]>> {
  const withOrders = (ids: string) =>
    `select m.id::int8 as id, (select count(*) from orders o where o.member_id = m.id)::int as orders from (${ids}) m`;
  const typical = await execute<{ id: number; orders: number }>(
    database.db,
    sql.raw(withOrders(`select id from members order by md5(id::text) limit ${PROFILE_MEMBERS}`)),
  );
  // About 20,000 orders sampled, then a fixed pseudo-random pick among their buyers (frequent buyers as often as they order).
  const percent = Math.min(100, Math.max(0.01, (20_000 / Math.max(1, orderCount)) * 100));
  const buyer = await execute<{ id: number; orders: number }>(
    database.db,
    sql.raw(
      withOrders(`select id from (select distinct member_id as id from orders tablesample bernoulli (${percent}) repeatable (7)
        where member_id is not null) b order by md5(id::text) limit ${PROFILE_MEMBERS}`),
    ),
  );
  const busiest = await execute<{ id: number; orders: number }>(
    database.db,
    sql.raw(`select member_id::int8 as id, count(*)::int as orders from orders where member_id is not null
      group by member_id order by count(*) desc, member_id limit 1`),
  );
  const numeric = (rows: { id: number; orders: number }[]) => rows.map((r) => ({ id: Number(r.id), orders: Number(r.orders) }));
  return { typical: numeric(typical), buyer: numeric(buyer), busiest: numeric(busiest) };
}

/** Distinct members for the load and the flash sale, drawn at random each run so orders spread over the base. */
async function otherMembers(database: Database, count: number, excluded: number[]): Promise<number[]> {
  const rows = await execute<{ id: number }>(
    database.db,
    sql`select id::int8 as id from members where not (id = any(${`{${excluded.join(',')}}`}::int8[]))
        order by random() limit ${count}`,
  );
  if (rows.length < count) throw new Error(`the shop has ${rows.length} members to spare, the bench needs ${count}`);
  return rows.map((r) => Number(r.id));
}

function cacheStatusOf(headers: http.IncomingHttpHeaders): string | undefined {
  const value = headers['x-cache'] ?? headers['x-cache-status'];
  return Array.isArray(value) ? value.join(',') : value;
}

async function timeRead(
  client: BenchClient,
  read: string,
  paths: string[],
  tokens: (string | undefined)[],
  member: MemberProfile | null,
  requests: number,
): Promise<ReadFigures> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  const cache: Record<string, number> = {};
  let last: Answer | undefined;
  let budgetEnds = Infinity;
  for (let i = -WARM_UP; i < requests && performance.now() < budgetEnds; i++) {
    if (i === 0) budgetEnds = performance.now() + READ_BUDGET_MS;
    const n = i + WARM_UP;
    const answer = await client.request('GET', paths[n % paths.length] as string, tokens[n % tokens.length]);
    if (i < 0) continue;
    samples.push(answer.ms);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    const cacheStatus = cacheStatusOf(answer.headers);
    if (cacheStatus !== undefined) cache[cacheStatus] = (cache[cacheStatus] ?? 0) + 1;
    last = answer;
  }
  const body = last ? parse<Record<string, unknown>>(last) : null;
  const list = body
    ? (['items', 'orders', 'entries'].map((key) => body[key]).find(Array.isArray) as unknown[] | undefined)
    : undefined;
  const cacheControl = last?.headers['cache-control'];
  return {
    read,
    path: paths.length > 1 ? `${paths[0]} (${paths.length} in turn)` : (paths[0] as string),
    member,
    ...latencies(samples),
    statuses,
    rows: list ? list.length : null,
    bytes: last ? Buffer.byteLength(last.body) : 0,
    cacheControl: cacheControl ?? null,
    etag: last?.headers.etag !== undefined,
    cacheStatus: Object.keys(cache).length > 0 ? cache : null,
  };
}

async function runReads(
  client: BenchClient,
  facts: ShopFacts,
  profiles: Record<MemberProfile, Shopper[]>,
  requests: number,
  progress: (line: string) => void,
): Promise<ReadFigures[]> {
  const results: ReadFigures[] = [];
  const publicReads: [string, string[]][] = [
    ['categories (reference)', ['/api/categories']],
    ['brands', ['/api/brands']],
    ['products, default sort', ['/api/products']],
    ['products, by sales', ['/api/products?sort=sales']],
    ['products, one category', [`/api/products?category=${encodeURIComponent(facts.categoryCode)}`]],
    ['products, keyword', [`/api/products?keyword=${encodeURIComponent(facts.keyword)}`]],
    ['products, page 50', ['/api/products?page=50']],
    ['product detail', facts.productIds.map((id) => `/api/products/${id}`)],
  ];
  for (const [read, paths] of publicReads) {
    progress(`reads: ${read}`);
    results.push(await timeRead(client, read, paths, [undefined], null, requests));
  }
  const memberReads: [string, string][] = [
    ['recommendations', '/api/recommendations'],
    ['me', '/api/me'],
    ['my coupons', '/api/me/coupons'],
    ['claimable coupons', '/api/coupons/claimable'],
    ['my orders', '/api/orders'],
    ['my points', '/api/me/points'],
    ['member code', '/api/me/member-code'],
  ];
  for (const profile of ['typical', 'buyer', 'busiest'] as const) {
    const tokens = profiles[profile].map((s) => s.token);
    if (tokens.length === 0) continue;
    for (const [read, path] of memberReads) {
      progress(`reads: ${read} (${profile})`);
      results.push(await timeRead(client, read, [path], tokens, profile, requests));
    }
  }
  // GET /api/categories again at the end, so drift over the run shows beside the first measurement.
  results.push(await timeRead(client, 'categories (reference, again)', ['/api/categories'], [undefined], null, requests));
  return results;
}

class LoadRecorder {
  private readonly samples = new Map<string, number[]>();
  private readonly errors = new Map<string, Record<string, number>>();
  total = 0;

  record(endpoint: string, answer: Answer): boolean {
    let samples = this.samples.get(endpoint);
    if (!samples) this.samples.set(endpoint, (samples = []));
    samples.push(answer.ms);
    if (ok(answer.status)) return true;
    let errors = this.errors.get(endpoint);
    if (!errors) this.errors.set(endpoint, (errors = {}));
    errors[answer.status] = (errors[answer.status] ?? 0) + 1;
    this.total += 1;
    return false;
  }

  figures(seconds: number): Record<string, EndpointLoadFigures> {
    const out: Record<string, EndpointLoadFigures> = {};
    for (const [endpoint, samples] of this.samples) {
      const sorted = [...samples].sort((a, b) => a - b);
      out[endpoint] = {
        requests: sorted.length,
        perSecond: Math.round((sorted.length / seconds) * 10) / 10,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        errors: this.errors.get(endpoint) ?? {},
      };
    }
    return out;
  }
}

interface ProductListBody {
  items: { id: number }[];
}
interface ProductDetailBody {
  skus: { id: number; stock: number }[];
}

async function runLoad(
  client: BenchClient,
  facts: ShopFacts,
  shoppers: Shopper[],
  seconds: number,
): Promise<Omit<StorefrontBenchResult['load'], 'paidInDatabase'> & { startedAt: Date }> {
  const recorder = new LoadRecorder();
  const checkout: number[] = [];
  const run = randomBytes(4).toString('hex');
  const lists = [
    `/api/products?category=${encodeURIComponent(facts.categoryCode)}`,
    '/api/products?sort=sales',
    '/api/products?page=2',
    `/api/products?keyword=${encodeURIComponent(facts.keyword)}`,
  ];
  let walks = 0;
  let paid = 0;
  const startedAt = new Date();
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const walk = async (shopper: Shopper, s: number, n: number): Promise<void> => {
    const { token } = shopper;
    // Home: the three requests the home page makes at once.
    const [categories, home, recommended] = await Promise.all([
      client.request('GET', '/api/categories'),
      client.request('GET', '/api/products'),
      client.request('GET', '/api/recommendations', token),
    ]);
    const homeOk = [
      recorder.record('GET /api/categories', categories),
      recorder.record('GET /api/products', home),
      recorder.record('GET /api/recommendations', recommended),
    ].every(Boolean);
    if (!homeOk || performance.now() > deadline) return;
    const list = await client.request('GET', lists[(s + n) % lists.length] as string);
    if (!recorder.record('GET /api/products', list) || performance.now() > deadline) return;
    const listed = parse<ProductListBody>(list)?.items ?? [];
    const onHome = parse<ProductListBody>(home)?.items ?? [];
    const pick = listed[n % Math.max(1, listed.length)] ?? onHome[n % Math.max(1, onHome.length)];
    const productId = pick?.id ?? (facts.productIds[n % facts.productIds.length] as number);
    const detail = await client.request('GET', `/api/products/${productId}`);
    if (!recorder.record('GET /api/products/:id', detail) || performance.now() > deadline) return;
    const sku = parse<ProductDetailBody>(detail)?.skus.find((k) => k.stock > 0);
    const alsoLiked = await client.request('GET', '/api/recommendations?limit=6', token);
    if (!recorder.record('GET /api/recommendations', alsoLiked) || !sku || performance.now() > deadline) return;
    const cart = await client.request('POST', '/api/events', token, {
      events: [
        {
          type: 'add_to_cart',
          productId,
          skuId: sku.id,
          clientEventId: `bench-${run}-${s}-${n}`,
          occurredAt: new Date().toISOString(),
        },
      ],
    });
    if (!recorder.record('POST /api/events', cart) || performance.now() > deadline) return;
    // Checkout to payment is not cut short by the deadline: no order is left unpaid by the bench itself.
    const order = await client.request('POST', '/api/orders', token, {
      items: [{ skuId: sku.id, quantity: 1 }],
      address: ADDRESS,
      clientOrderKey: `bench-${run}-${s}-${n}`,
    });
    if (!recorder.record('POST /api/orders', order)) return;
    const placed = parse<{ id: number; orderNo: string }>(order);
    if (!placed) return;
    const prepay = await client.request('POST', `/api/orders/${placed.id}/pay`, token);
    if (!recorder.record('POST /api/orders/:id/pay', prepay)) return;
    const payment = await client.request('POST', `/sandbox/pay/${encodeURIComponent(placed.orderNo)}/complete`);
    const delivered = parse<{ notification?: { delivered?: boolean } }>(payment)?.notification?.delivered === true;
    // A payment whose notification the server did not take counts as an error of this step.
    if (
      !recorder.record(
        'POST /sandbox/pay/:orderNo/complete (payment notification)',
        delivered ? payment : { ...payment, status: 502 },
      )
    )
      return;
    checkout.push(order.ms + prepay.ms + payment.ms);
    paid += 1;
    walks += 1;
  };

  await Promise.all(
    shoppers.map(async (shopper, s) => {
      for (let n = 0; performance.now() < deadline; n++) await walk(shopper, s, n);
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = [...checkout].sort((a, b) => a - b);
  return {
    shoppers: shoppers.length,
    seconds: Math.round(elapsed * 100) / 100,
    endpoints: recorder.figures(elapsed),
    walks,
    checkoutP50Ms: percentile(sorted, 50),
    checkoutP99Ms: percentile(sorted, 99),
    paidOrders: paid,
    paidOrdersPerSecond: Math.round((paid / elapsed) * 10) / 10,
    totalErrors: recorder.total,
    startedAt,
  };
}

/** The flash sale's figures (see runFlashSale), with the message a sold-out shopper was shown. */
export type StorefrontFlashSale = Omit<FlashSaleResult, 'answers'> & { soldOutMessage: string | null };

/**
 * The flash sale (秒杀): a fresh product with one SKU of stock `stock` in an existing category; every shopper opens
 * its page (so each has a warm connection, as on a phone waiting on the page), then all order one unit at the same
 * moment (runFlashSale, which counts what was taken with SQL afterwards). The product is then taken off sale so it
 * does not stay in the catalogue of later runs; the orders stay unpaid and expire as any unpaid order does.
 */
export async function flashSale(
  client: BenchClient,
  baseUrl: string,
  database: Database,
  shoppers: Shopper[],
  stock = FLASH_STOCK,
): Promise<StorefrontFlashSale> {
  const tag = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const [product] = await execute<{ id: number }>(
    database.db,
    sql`insert into products (category_id, title, subtitle, status, position)
        select id, ${`秒杀 ${tag}`}, '限量秒杀', 'on_sale', 0 from categories where active order by position, id limit 1
        returning id::int8 as id`,
  );
  if (!product) throw new Error('flash sale: the shop has no active category');
  const [sku] = await execute<{ id: number }>(
    database.db,
    sql`insert into skus (product_id, sku_code, title, price_fen, stock)
        values (${product.id}, ${`FLASH-${tag}`}, '秒杀款', 990, ${stock}) returning id::int8 as id`,
  );
  if (!sku) throw new Error('flash sale: SKU insert returned nothing');
  try {
    await Promise.all(shoppers.map(() => client.request('GET', `/api/products/${product.id}`)));
    const { answers, ...figures } = await runFlashSale({
      baseUrl,
      shoppers,
      skuId: Number(sku.id),
      db: database.db,
      clientOrderKey: (shopper) => `flash-${tag}-${shopper}`,
    });
    const soldOutMessage = answers.find((answer) => answer.code === 'SOLD_OUT')?.message ?? null;
    return { ...figures, soldOutMessage };
  } finally {
    await database.db.execute(sql`update products set status = 'off_sale', updated_at = now() where id = ${product.id}`);
  }
}

export async function runStorefrontBench(
  options: StorefrontBenchOptions,
  progress: (line: string) => void = () => undefined,
): Promise<StorefrontBenchResult> {
  const test = await benchDatabase(options.kind, options.databaseUrl);
  const { database } = test;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-bench-storefront-'));
  let server: RunningServer | undefined;
  let client: BenchClient | undefined;
  const signedIn: Shopper[] = [];
  try {
    let generateMs: number | null = null;
    if (!test.existing) {
      progress(`generating ${options.members} members, ${options.orders} orders`);
      const generated = await generateShop(database, {
        members: options.members,
        orders: options.orders,
        seed: 'storefront-bench',
        now: new Date(),
      });
      generateMs = generated.elapsedMs;
    }
    const sizes = await shopSize(database);
    const [catalogue] = await execute<{ products: number }>(
      database.db,
      sql.raw(`select count(*)::int as products from products where status = 'on_sale'`),
    );
    progress('choosing members');
    const facts = await shopFacts(database);
    const representative = await representativeMembers(database, sizes.orders);
    const chosen = [...representative.typical, ...representative.buyer, ...representative.busiest].map((m) => m.id);
    const flashCount = options.flashShoppers ?? DEFAULT_FLASH_SHOPPERS;
    const others = await otherMembers(database, options.shoppers + flashCount, chosen);

    server = await startShopServer(database, test.url, dataDir);
    client = new BenchClient(server.url);
    progress(`server at ${server.url}; signing in ${chosen.length + others.length} members`);
    const profiles = {} as Record<MemberProfile, Shopper[]>;
    for (const profile of ['typical', 'buyer', 'busiest'] as const) {
      profiles[profile] = await signIn(
        database,
        representative[profile].map((m) => m.id),
      );
      signedIn.push(...profiles[profile]);
    }
    const loadShoppers = await signIn(database, others.slice(0, options.shoppers));
    const flashShoppers = await signIn(database, others.slice(options.shoppers));
    signedIn.push(...loadShoppers, ...flashShoppers);
    // Behaviour events are only taken from members who accepted the privacy policy, as each shopper does once.
    for (const shopper of loadShoppers) {
      const consent = await client.request('POST', '/api/me/privacy-consent', shopper.token);
      if (!ok(consent.status)) throw new Error(`privacy consent answered ${consent.status}: ${consent.body}`);
    }

    const requests = options.requests ?? DEFAULT_REQUESTS;
    const reads = await runReads(client, facts, profiles, requests, progress);

    progress(`load: ${options.shoppers} shoppers for ${options.seconds} s`);
    const { startedAt, ...load } = await runLoad(client, facts, loadShoppers, options.seconds);
    const [paidCheck] = await execute<{ paid: number }>(
      database.db,
      sql`select count(*)::int as paid from orders where member_id = any(${`{${loadShoppers.map((s) => s.memberId).join(',')}}`}::int8[])
          and status = 'paid' and paid_at >= ${startedAt}`,
    );

    progress(`flash sale: ${flashShoppers.length} shoppers, stock ${FLASH_STOCK}`);
    const flash = await flashSale(client, server.url, database, flashShoppers);

    const describe = (members: { orders: number }[]) => ({
      count: members.length,
      ordersMin: Math.min(...members.map((m) => m.orders)),
      ordersMax: Math.max(...members.map((m) => m.orders)),
    });
    return {
      database: options.kind,
      members: sizes.members,
      orders: sizes.orders,
      orderItems: sizes.items,
      products: catalogue?.products ?? 0,
      generateMs,
      server: { processes: 1, jobs: false },
      reads: {
        requestsEach: requests,
        members: {
          typical: describe(representative.typical),
          buyer: describe(representative.buyer),
          busiest: describe(representative.busiest),
        },
        results: reads,
      },
      load: { ...load, paidInDatabase: Number(paidCheck?.paid ?? 0) },
      flashSale: flash,
    };
  } finally {
    if (client && server) await signOut(client, signedIn).catch(() => undefined);
    client?.close();
    await server?.close();
    await test.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
