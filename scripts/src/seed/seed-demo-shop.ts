/**
 * Loads a realistic demo shop — stores, staff, catalogue, members and 18 months of history — into an empty,
 * migrated database, deterministically for a given seed and `now`.
 */
import { sql } from 'drizzle-orm';
import { type Database, ensureEventPartitions, execute, type Executor, withTransaction } from '../../../server/src/db';
import * as schema from '../../../server/src/db/schema';
import { hashPassword } from '../../../server/src/security/password';
import type { PhoneKeys } from '../../../server/src/security/phone-crypto';
import { DEMO_ACCOUNTS } from './accounts';
import { rebuildRecommendationModel } from '../../../server/src/modules/catalog';
import { refreshSegments } from '../../../server/src/modules/segmentation';
import { fillMemberActivity, linkCoupons } from './aggregates';
import { seedBuiltinCampaigns } from './campaigns';
import { DEFAULT_BATCH_ROWS, insertRows, resetIdentities } from './bulk-insert';
import { HISTORY_MONTHS, historyStart, promoWindows, sampleRegistration } from './calendar';
import { generateCatalog } from './catalog';
import type { ShopContext } from './context';
import { IdSequence } from './ids';
import { simulateMember } from './member-history';
import { SeededRandom } from './random';
import { SEEDED_POINTS_CONFIG, SEEDED_RULE_VERSION, SEEDED_TIER_CONFIG, writeReferenceData } from './reference-data';
import { emptyMemberRows, type MemberRows } from './rows';

export type SeedStage = 'accounts' | 'catalog' | 'members' | 'aggregates';

export interface SeedDemoShopOptions {
  /** Keys for the members' encrypted phone numbers (see loadOrCreateLocalKeys). */
  phoneKeys: PhoneKeys;
  /** The end of the simulated history; the history covers the 18 months before it. */
  now: Date;
  /** Same seed and `now` → same shop. */
  seed?: string | number;
  members?: number;
  onProgress?: (stage: SeedStage, done: number, total: number) => void;
  /** Rows per INSERT statement. */
  batchRows?: number;
}

export type SeedSummary = Record<(typeof COUNTED_TABLES)[number], number> & { elapsedMs: number };

export const DEFAULT_SEED = 'member-ops-demo';
export const DEFAULT_MEMBER_COUNT = 5000;
/** Members simulated and written together; small enough to keep memory flat, large enough for full batches. */
const MEMBERS_PER_CHUNK = 250;

/** Tables a demo shop fills; a shop with any row in them is not empty. */
const SHOP_TABLES = ['stores', 'staff_accounts', 'members', 'categories', 'products', 'orders', 'coupon_templates'] as const;

const COUNTED_TABLES = [
  'members',
  'orders',
  'order_items',
  'payments',
  'refunds',
  'reviews',
  'coupons',
  'points_ledger',
  'points_batches',
  'tier_history',
  'events',
  'sign_ins',
  'subscription_credits',
  'products',
  'skus',
] as const;

export class ShopNotEmptyError extends Error {
  override name = 'ShopNotEmptyError';
  constructor() {
    super(
      'The database already holds a shop (stores, staff, members, catalogue or orders); the demo shop is only loaded into an empty one. Use a fresh database, or reset it first (npm run seed -- --reset --yes).',
    );
  }
}

/** True when no shop has been set up yet: `npm start` seeds the demo shop on such a first run. */
export async function isShopEmpty(database: { db: Executor }): Promise<boolean> {
  const checks = SHOP_TABLES.map((table) => `exists (select 1 from ${table})`).join(' or ');
  const [row] = await execute<{ taken: boolean }>(database.db, sql.raw(`select (${checks}) as taken`));
  return row?.taken === false;
}

async function writeMembers(executor: Executor, rows: MemberRows, batchRows: number): Promise<void> {
  const options = { batchRows };
  await insertRows(executor, schema.members, rows.members, options);
  await insertRows(executor, schema.repAssignments, rows.repAssignments, options);
  await insertRows(executor, schema.coupons, rows.coupons, options);
  await insertRows(executor, schema.orders, rows.orders, options);
  await insertRows(executor, schema.orderItems, rows.orderItems, options);
  await insertRows(executor, schema.payments, rows.payments, options);
  await insertRows(executor, schema.refunds, rows.refunds, options);
  await insertRows(executor, schema.reviews, rows.reviews, options);
  await insertRows(executor, schema.pointsBatches, rows.pointsBatches, options);
  await insertRows(executor, schema.pointsLedger, rows.pointsLedger, options);
  await insertRows(executor, schema.pointsConsumptions, rows.pointsConsumptions, options);
  await insertRows(executor, schema.signIns, rows.signIns, options);
  await insertRows(executor, schema.tierHistory, rows.tierHistory, options);
  await insertRows(executor, schema.events, rows.events, options);
  await insertRows(executor, schema.eventReceipts, rows.eventReceipts, options);
  await insertRows(executor, schema.favorites, rows.favorites, options);
  await insertRows(executor, schema.cartItems, rows.cartItems, options);
  await insertRows(executor, schema.subscriptionEvents, rows.subscriptionEvents, options);
  await insertRows(executor, schema.subscriptionCredits, rows.subscriptionCredits, options);
}

/** Registration instants for `count` members, in order: member ids follow sign-up order, as they would. */
function registrations(seed: string, count: number, start: Date, now: Date): Date[] {
  const rng = SeededRandom.stream(seed, 'registrations');
  return Array.from({ length: count }, () => sampleRegistration(rng, start, now)).sort((a, b) => a.getTime() - b.getTime());
}

/**
 * Loads the demo shop in one transaction (all or nothing). Refuses with ShopNotEmptyError unless the shop is
 * empty. Resolves to the row counts of the main tables.
 * @example await seedDemoShop(database, { phoneKeys, now: new Date(), members: 5000, onProgress: console.log });
 */
export async function seedDemoShop(database: Database, options: SeedDemoShopOptions): Promise<SeedSummary> {
  const started = Date.now();
  const seed = String(options.seed ?? DEFAULT_SEED);
  const memberCount = options.members ?? DEFAULT_MEMBER_COUNT;
  if (!Number.isInteger(memberCount) || memberCount < 1) throw new RangeError('members must be a positive integer');
  const { now, phoneKeys } = options;
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const progress = options.onProgress ?? (() => undefined);
  if (!(await isShopEmpty(database))) throw new ShopNotEmptyError();

  progress('accounts', 0, DEMO_ACCOUNTS.length);
  const passwordHashes = await Promise.all(DEMO_ACCOUNTS.map((account) => hashPassword(account.password)));
  progress('accounts', DEMO_ACCOUNTS.length, DEMO_ACCOUNTS.length);

  const start = historyStart(now);
  return withTransaction(
    database,
    async (tx) => {
      if (!(await isShopEmpty({ db: tx }))) throw new ShopNotEmptyError();
      progress('catalog', 0, 1);
      await ensureEventPartitions(tx, { from: start, months: HISTORY_MONTHS + 3 });
      const catalog = generateCatalog(SeededRandom.stream(seed, 'catalog'));
      const reference = await writeReferenceData(tx, { catalog, passwordHashes, since: start });
      progress('catalog', 1, 1);

      const context: ShopContext = {
        seed,
        now,
        start,
        catalog,
        ...reference,
        promos: promoWindows(start, now),
        phoneKeys,
        tierConfig: SEEDED_TIER_CONFIG,
        tierConfigVersion: SEEDED_RULE_VERSION,
        pointsConfig: SEEDED_POINTS_CONFIG,
        ids: new IdSequence(),
        usedPhones: new Set(),
      };
      const signUps = registrations(seed, memberCount, start, now);
      progress('members', 0, memberCount);
      for (let first = 0; first < memberCount; first += MEMBERS_PER_CHUNK) {
        const rows = emptyMemberRows();
        const last = Math.min(memberCount, first + MEMBERS_PER_CHUNK);
        for (let index = first; index < last; index++) simulateMember(context, index + 1, signUps[index] as Date, rows);
        await writeMembers(tx, rows, batchRows);
        progress('members', last, memberCount);
      }

      const steps: (() => Promise<void>)[] = [
        () => linkCoupons(tx),
        () => fillMemberActivity(tx),
        async () => {
          await refreshSegments(tx, { asOf: now });
        },
        () => resetIdentities(tx, IDENTITY_TABLES),
        async () => {
          await seedBuiltinCampaigns(tx, now);
        },
        async () => {
          await rebuildRecommendationModel(tx, now);
        },
        () =>
          insertRows(tx, schema.kvSettings, [
            { key: 'demo_seed', value: { seed, members: memberCount, now: now.toISOString() }, updatedAt: now },
          ]),
      ];
      for (const [done, step] of steps.entries()) {
        progress('aggregates', done, steps.length);
        await step();
      }
      progress('aggregates', steps.length, steps.length);
      return { ...(await countRows(tx)), elapsedMs: Date.now() - started };
    },
    { retries: 0 },
  );
}

const IDENTITY_TABLES = [
  schema.stores,
  schema.staffAccounts,
  schema.categories,
  schema.brands,
  schema.products,
  schema.skus,
  schema.couponTemplates,
  schema.talkTracks,
  schema.members,
  schema.repAssignments,
  schema.coupons,
  schema.orders,
  schema.orderItems,
  schema.payments,
  schema.refunds,
  schema.reviews,
  schema.pointsBatches,
  schema.pointsLedger,
  schema.tierHistory,
  schema.events,
  schema.subscriptionEvents,
];

async function countRows(executor: Executor): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
  const [row] = await execute<Record<(typeof COUNTED_TABLES)[number], number>>(
    executor,
    sql.raw(`select ${COUNTED_TABLES.map((table) => `(select count(*)::int from ${table}) as ${table}`).join(', ')}`),
  );
  if (!row) throw new Error('row counts returned nothing');
  return row;
}
