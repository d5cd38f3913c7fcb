import { PGlite } from '@electric-sql/pglite';
import { MEMBER_FACT_COLUMNS } from '../catalogue';
import { compileSegmentMemberIdsQuery, compileSegmentRuleToSql } from '../compile-sql';
import type { MemberFactKey, MemberFacts, SegmentMember, SegmentRule } from '../types';

/** The column types the server's `member_facts` view must have; the tests run against exactly these. */
export const MEMBER_FACT_SQL_TYPES: Readonly<Record<MemberFactKey, string>> = {
  memberId: 'bigint PRIMARY KEY',
  gender: 'text NOT NULL',
  birthday: 'date',
  region: 'text',
  storeId: 'int',
  sourceChannel: 'text',
  registeredAt: 'timestamptz NOT NULL',
  hasPhone: 'boolean NOT NULL',
  tier: 'text NOT NULL',
  growthValueFen: 'bigint NOT NULL',
  pointsBalance: 'int NOT NULL',
  recencyDays: 'int',
  frequency365: 'int NOT NULL',
  monetary365Fen: 'bigint NOT NULL',
  rfmR: 'smallint',
  rfmF: 'smallint',
  rfmM: 'smallint',
  rfmSegment: 'text',
  valueLayer: 'text',
  lifecycle: 'text NOT NULL',
  behaviour: 'text',
  activityScore: 'double precision NOT NULL',
  topCategories: 'text[] NOT NULL',
  topBrands: 'text[] NOT NULL',
  priceBand: 'text',
  tags: 'text[] NOT NULL',
  pAlive: 'double precision',
  expectedPurchases90: 'double precision',
  expectedValue365Fen: 'bigint',
  lastOrderAt: 'timestamptz',
  firstOrderAt: 'timestamptz',
  ordersTotal: 'int NOT NULL',
  spendTotalFen: 'bigint NOT NULL',
};

const FACT_KEYS = Object.keys(MEMBER_FACT_SQL_TYPES) as MemberFactKey[];

export async function createFactsDb(): Promise<PGlite> {
  const db = new PGlite();
  const columns = FACT_KEYS.map((key) => `${MEMBER_FACT_COLUMNS[key]} ${MEMBER_FACT_SQL_TYPES[key]}`);
  await db.exec(`
    CREATE TABLE member_facts (${columns.join(', ')});
    CREATE TABLE events (member_id bigint NOT NULL, type text NOT NULL, occurred_at timestamptz NOT NULL);
  `);
  return db;
}

const toSqlValue = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

function placeholders(rowCount: number, width: number): string {
  return Array.from({ length: rowCount }, (_, row) => {
    const cells = Array.from({ length: width }, (_, column) => `$${row * width + column + 1}`);
    return `(${cells.join(', ')})`;
  }).join(', ');
}

/** Replaces the whole member base (facts and events) with `members`. */
export async function replaceMembers(db: PGlite, members: readonly SegmentMember[]): Promise<void> {
  await db.exec('TRUNCATE member_facts; TRUNCATE events;');
  if (members.length > 0) {
    const columns = FACT_KEYS.map((key) => MEMBER_FACT_COLUMNS[key]).join(', ');
    const values = members.flatMap((member) => FACT_KEYS.map((key) => toSqlValue(member[key])));
    await db.query(`INSERT INTO member_facts (${columns}) VALUES ${placeholders(members.length, FACT_KEYS.length)}`, values);
  }
  const events = members.flatMap((member) =>
    (member.events ?? []).map((event) => [member.memberId, event.type, event.occurredAt.toISOString()]),
  );
  if (events.length > 0) {
    await db.query(`INSERT INTO events (member_id, type, occurred_at) VALUES ${placeholders(events.length, 3)}`, events.flat());
  }
}

/** Ids of the stored members the compiled SQL selects, ascending. */
export async function sqlMatchingIds(db: PGlite, rule: SegmentRule, now: Date): Promise<number[]> {
  const { sql, params } = compileSegmentMemberIdsQuery(rule, { now });
  const { rows } = await db.query<{ member_id: number }>(`${sql} ORDER BY 1`, params);
  return rows.map((row) => Number(row.member_id));
}

/**
 * The compiled predicate's value for one member, embedded after a parameter of the surrounding query.
 * Returns null if SQL gave NULL, which a correct compiler never does.
 */
export async function sqlVerdict(db: PGlite, rule: SegmentRule, member: SegmentMember, now: Date): Promise<boolean | null> {
  await replaceMembers(db, [member]);
  const { sql, params } = compileSegmentRuleToSql(rule, { now, firstParamIndex: 2 });
  const { rows } = await db.query<{ verdict: boolean | null }>(
    `SELECT ${sql} AS verdict FROM member_facts AS m WHERE m.member_id = $1::bigint`,
    [member.memberId, ...params],
  );
  if (rows.length !== 1) throw new Error(`member ${member.memberId} was not stored`);
  return rows[0]?.verdict ?? null;
}

/** A plausible gold member; tests override what they examine. */
export function memberWith(overrides: Partial<SegmentMember> = {}): SegmentMember {
  const base: MemberFacts = {
    memberId: 1,
    gender: 'female',
    birthday: '1990-06-20',
    region: '上海',
    storeId: 3,
    sourceChannel: 'store_qr',
    registeredAt: new Date('2024-01-10T02:00:00Z'),
    hasPhone: true,
    tier: 'gold',
    growthValueFen: 600_000,
    pointsBalance: 1_200,
    recencyDays: 12,
    frequency365: 6,
    monetary365Fen: 600_000,
    rfmR: 4,
    rfmF: 3,
    rfmM: 5,
    rfmSegment: 'important_value',
    valueLayer: 'high',
    lifecycle: 'active',
    behaviour: 'active',
    activityScore: 12.5,
    topCategories: ['护肤', '彩妆'],
    topBrands: ['A牌'],
    priceBand: 'mid',
    tags: ['VIP'],
    pAlive: 0.87,
    expectedPurchases90: 1.4,
    expectedValue365Fen: 250_000,
    lastOrderAt: new Date('2025-06-03T06:00:00Z'),
    firstOrderAt: new Date('2024-02-01T06:00:00Z'),
    ordersTotal: 9,
    spendTotalFen: 980_000,
  };
  return { ...base, events: [], ...overrides };
}
