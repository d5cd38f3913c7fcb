import { createHash } from 'node:crypto';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { execute, type Executor } from '../../db';
import { signInThrottles } from '../../db/schema';
import { throttleAddressOf } from '../../http/client-address';

/**
 * How failed staff sign-ins are throttled. Each counter locks after `lockAfter` failures, first for
 * `firstLockSeconds`, then twice as long with every further failure, up to `maxLockSeconds`; a day without failures
 * forgets the counter.
 */
export interface ThrottlePolicy {
  lockAfter: number;
  firstLockSeconds: number;
  maxLockSeconds: number;
}

/** One address guessing one account: 5 tries, then 1, 2, 4 … 60 minutes between tries. */
export const ADDRESS_POLICY: ThrottlePolicy = { lockAfter: 5, firstLockSeconds: 60, maxLockSeconds: 3600 };

/**
 * Every address together guessing one account (distributed guessing). While this lock holds, only addresses the
 * account has signed in from within KNOWN_ADDRESS_DAYS may still try, so an attack cannot shut its owner out.
 */
export const ACCOUNT_POLICY: ThrottlePolicy = { lockAfter: 20, firstLockSeconds: 60, maxLockSeconds: 3600 };

export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
export const KNOWN_ADDRESS_DAYS = 30;

/** The account-wide counter's client_ip. */
const ALL_ADDRESSES = '';

/**
 * The per-address counter's client_ip: an IPv4 address, an IPv6 /64. A request whose socket address is gone is
 * counted under one shared name, never as the account-wide counter.
 */
const addressKeyOf = (clientIp: string) => (clientIp ? throttleAddressOf(clientIp) : 'unknown');

/**
 * Seconds a counter is locked after its `failures`-th failure (0 below the threshold).
 * @example lockSeconds(6, ADDRESS_POLICY) // 120
 */
export function lockSeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.lockAfter) return 0;
  const doublings = Math.min(failures - policy.lockAfter, 30);
  return Math.min(policy.firstLockSeconds * 2 ** doublings, policy.maxLockSeconds);
}

/** The same expression in SQL, over the new failure count. */
function lockedUntilSql(failures: ReturnType<typeof sql>, policy: ThrottlePolicy, now: Date) {
  return sql`case when ${failures} >= ${policy.lockAfter}
                  then ${now.toISOString()}::timestamptz + least(${policy.firstLockSeconds}::float8 * power(2::float8, least(${failures} - ${policy.lockAfter}, 30)), ${policy.maxLockSeconds}) * interval '1 second'
                  end`;
}

/** The stored key of a typed account name (any name, real or not). */
export function accountKeyOf(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase(), 'utf8').digest('hex');
}

export interface ThrottleCount {
  failures: number;
  /** Set when this failure locked the counter. */
  lockedUntil: Date | null;
}

export type Reservation = ({ refused: false } & ThrottleCount) | { refused: true; lockedUntil: Date };

/**
 * One failure added to a counter in one upsert (a day without failures starts it again at 1), with the policy's
 * lock for the new count. `unless-locked` leaves a locked counter alone and returns nothing; `keep-longer-lock`
 * counts it and keeps the later of the held and the new lock.
 */
async function countFailure(
  executor: Executor,
  counter: { accountKey: string; clientIp: string },
  policy: ThrottlePolicy,
  now: Date,
  whileLocked: 'unless-locked' | 'keep-longer-lock',
): Promise<{ failures: number; locked_until: Date | null } | undefined> {
  const at = now.toISOString();
  const next = sql`case when t.last_failure_at is null or t.last_failure_at <= ${new Date(now.getTime() - FORGET_AFTER_MS).toISOString()}::timestamptz
                        then 1 else t.failures + 1 end`;
  const lockedUntil =
    whileLocked === 'keep-longer-lock'
      ? sql`greatest(t.locked_until, ${lockedUntilSql(next, policy, now)})`
      : lockedUntilSql(next, policy, now);
  const onlyUnlocked =
    whileLocked === 'unless-locked' ? sql`where t.locked_until is null or t.locked_until <= ${at}::timestamptz` : sql``;
  const [row] = await execute<{ failures: number; locked_until: Date | null }>(
    executor,
    sql`insert into sign_in_throttles as t (account_key, client_ip, failures, last_failure_at, locked_until)
        values (${counter.accountKey}, ${counter.clientIp}, 1, ${at}::timestamptz, ${lockedUntilSql(sql`1`, policy, now)})
        on conflict (account_key, client_ip) do update set
          failures = ${next},
          last_failure_at = ${at}::timestamptz,
          locked_until = ${lockedUntil}
        ${onlyUnlocked}
        returning t.failures, t.locked_until`,
  );
  return row;
}

/**
 * Counts an attempt from `clientIp` at `accountKey` as a failure before its password is checked, in one statement:
 * concurrent attempts are serialised on the row, so a burst of guesses cannot slip past the threshold while the
 * first ones are being checked. A locked counter refuses the attempt without counting it. A successful sign-in
 * then clears the counter (`clearAddress`).
 */
export async function reserveAttempt(executor: Executor, accountKey: string, clientIp: string, now: Date): Promise<Reservation> {
  const address = addressKeyOf(clientIp);
  // Two rounds at most: the second runs only if an unlock deleted the row between the two statements.
  for (let round = 0; round < 2; round++) {
    const counted = await countFailure(executor, { accountKey, clientIp: address }, ADDRESS_POLICY, now, 'unless-locked');
    if (counted) return { refused: false, failures: counted.failures, lockedUntil: counted.locked_until };
    const [held] = await executor
      .select({ lockedUntil: signInThrottles.lockedUntil })
      .from(signInThrottles)
      .where(
        and(
          eq(signInThrottles.accountKey, accountKey),
          eq(signInThrottles.clientIp, address),
          gt(signInThrottles.lockedUntil, now),
        ),
      );
    if (held?.lockedUntil) return { refused: true, lockedUntil: held.lockedUntil };
  }
  throw new Error('sign-in throttle: the counter row kept disappearing');
}

/** A wrong password counted against the account from every address; only checked failures count here. */
export async function countAccountFailure(executor: Executor, accountKey: string, now: Date): Promise<ThrottleCount> {
  const row = await countFailure(executor, { accountKey, clientIp: ALL_ADDRESSES }, ACCOUNT_POLICY, now, 'keep-longer-lock');
  const lockedUntil = row?.locked_until && row.failures >= ACCOUNT_POLICY.lockAfter ? row.locked_until : null;
  return { failures: row?.failures ?? 0, lockedUntil };
}

/**
 * Whether the account-wide lock refuses this address: it holds unless the account (if it exists) signed in from
 * this address within KNOWN_ADDRESS_DAYS. One statement for real and unknown names alike.
 */
export async function accountLockFor(
  executor: Executor,
  accountKey: string,
  username: string,
  clientIp: string,
  now: Date,
): Promise<Date | null> {
  const since = new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 24 * 60 * 60 * 1000);
  const [row] = await execute<{ locked_until: Date | null; known_address: boolean }>(
    executor,
    sql`select (select locked_until from sign_in_throttles
                 where account_key = ${accountKey} and client_ip = ${ALL_ADDRESSES} and locked_until > ${now.toISOString()}::timestamptz) as locked_until,
               exists (select 1 from staff_sessions s join staff_accounts a on a.id = s.staff_id
                        where lower(a.username) = ${username.trim().toLowerCase()} and ${clientIp} <> '' and s.ip = ${clientIp}
                          and s.created_at > ${since.toISOString()}::timestamptz) as known_address`,
  );
  return row?.locked_until && !row.known_address ? row.locked_until : null;
}

/** After a successful sign-in: this address starts afresh (the account-wide counter keeps counting). */
export async function clearAddress(executor: Executor, accountKey: string, clientIp: string): Promise<void> {
  await executor
    .delete(signInThrottles)
    .where(and(eq(signInThrottles.accountKey, accountKey), eq(signInThrottles.clientIp, addressKeyOf(clientIp))));
}

/** An admin's unlock (or password reset): every counter of the account, all addresses and the account-wide one. */
export async function clearAccountThrottle(
  executor: Executor,
  username: string,
  now: Date,
): Promise<{ lockedAddresses: number; accountLocked: boolean }> {
  const rows = await executor
    .delete(signInThrottles)
    .where(eq(signInThrottles.accountKey, accountKeyOf(username)))
    .returning({ clientIp: signInThrottles.clientIp, lockedUntil: signInThrottles.lockedUntil });
  const locked = rows.filter((row) => row.lockedUntil && row.lockedUntil > now);
  return {
    lockedAddresses: locked.filter((row) => row.clientIp !== ALL_ADDRESSES).length,
    accountLocked: locked.some((row) => row.clientIp === ALL_ADDRESSES),
  };
}

/** The latest lock (any address or account-wide) still holding for each of these account names, by lower-case name. */
export async function signInLocksOf(executor: Executor, usernames: string[], now: Date): Promise<Map<string, Date>> {
  const byKey = new Map(usernames.map((name) => [accountKeyOf(name), name.trim().toLowerCase()]));
  if (byKey.size === 0) return new Map();
  const rows = await executor
    .select({ accountKey: signInThrottles.accountKey, lockedUntil: sql<Date>`max(${signInThrottles.lockedUntil})` })
    .from(signInThrottles)
    .where(and(inArray(signInThrottles.accountKey, [...byKey.keys()]), gt(signInThrottles.lockedUntil, now)))
    .groupBy(signInThrottles.accountKey);
  const locks = new Map<string, Date>();
  for (const row of rows) {
    const name = byKey.get(row.accountKey);
    if (name !== undefined) locks.set(name, new Date(row.lockedUntil));
  }
  return locks;
}

/** Counters with no failure for a day and no lock left; run daily. */
export async function purgeSignInThrottles(executor: Executor, now: Date): Promise<number> {
  const rows = await execute<{ account_key: string }>(
    executor,
    sql`delete from sign_in_throttles
         where last_failure_at <= ${new Date(now.getTime() - FORGET_AFTER_MS).toISOString()}::timestamptz
           and (locked_until is null or locked_until <= ${now.toISOString()}::timestamptz)
        returning account_key`,
  );
  return rows.length;
}
