import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { staffAccounts } from '../../db/schema';
import { loadConfig } from '../../config';
import { createLogger } from '../../logger';
import { hashPassword } from '../../security/password';
import { startServer, type RunningServer } from '../../server';
import { startTestServer, type TestServer } from '../../testing/server';
import { ACCOUNT_POLICY, ADDRESS_POLICY, accountKeyOf, lockSeconds, purgeSignInThrottles } from './sign-in-throttle';
import { registerStaffLoginRoutes } from './staff.routes';

const NOW = new Date('2026-05-10T04:00:00.000Z');
const MINUTE = 60_000;
/** This server believes forwarding headers from the test client (127.0.0.1) and from 10.0.0.0/8, like a proxy tier. */
const TRUSTED_PROXIES = '127.0.0.1,10.0.0.0/8';

describe('lockSeconds', () => {
  it('is free below the threshold, then doubles from one minute to the one-hour cap', () => {
    const seconds = Array.from({ length: 14 }, (_, n) => lockSeconds(n + 1, ADDRESS_POLICY));
    expect(seconds).toEqual([0, 0, 0, 0, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
    expect(lockSeconds(ACCOUNT_POLICY.lockAfter - 1, ACCOUNT_POLICY)).toBe(0);
    expect(lockSeconds(ACCOUNT_POLICY.lockAfter, ACCOUNT_POLICY)).toBe(60);
    expect(lockSeconds(1_000_000, ADDRESS_POLICY)).toBe(3600);
  });
});

for (const kind of DATABASE_KINDS) {
  describe(`sign-in throttle [${kind}]`, () => {
    let server: TestServer;
    let second: RunningServer | undefined;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-throttle-'));
    const db = () => server.testDatabase.database.db;
    const login = (username: string, password: string, from: string, url = server.url) =>
      fetch(`${url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username, password }),
      }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') }));
    const audits = async (action: string, staffId?: number) =>
      execute<{ ip: string; detail: Record<string, unknown> }>(
        db(),
        sql`select ip, detail from audit_log where action = ${action}
              ${staffId === undefined ? sql`` : sql`and actor_staff_id = ${staffId}`} order by id`,
      );
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      server = await startTestServer(kind, { now: NOW, registerRoutes: registerStaffLoginRoutes, env: { TRUSTED_PROXIES } });
      const passwordHash = await hashPassword('correct horse');
      const rows = await db()
        .insert(staffAccounts)
        .values(
          ['boss', 'racer', 'twin', 'target', 'victim'].map((username) => ({
            username,
            displayName: username,
            passwordHash,
            role: 'admin' as const,
          })),
        )
        .returning({ id: staffAccounts.id, username: staffAccounts.username });
      for (const row of rows) ids[row.username] = row.id;
    }, 60_000);
    afterAll(async () => {
      await second?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('takes the client from the right-most untrusted X-Forwarded-For hop of a trusted proxy, or X-Real-IP', async () => {
      await login('boss', 'correct horse', '1.1.1.1, 203.0.113.9, 10.0.0.7');
      const [signIn] = await audits('staff.login', ids.boss);
      expect(signIn?.ip).toBe('203.0.113.9');
      const viaRealIp = await fetch(`${server.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-real-ip': '198.51.100.23' },
        body: JSON.stringify({ username: 'boss', password: 'correct horse' }),
      });
      expect(viaRealIp.status).toBe(200);
      expect((await audits('staff.login', ids.boss)).map((row) => row.ip)).toEqual(['203.0.113.9', '198.51.100.23']);
    });

    it('lets a burst of 40 parallel guesses from one address check only five passwords', async () => {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => login('racer', `guess-${n}`, '203.0.113.40')));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(ADDRESS_POLICY.lockAfter - 1);
      expect(statuses.filter((s) => s === 429)).toHaveLength(40 - (ADDRESS_POLICY.lockAfter - 1));
      expect(await audits('staff.login_failed', ids.racer)).toHaveLength(ADDRESS_POLICY.lockAfter);
      expect(await audits('staff.login_refused', ids.racer)).toHaveLength(40 - ADDRESS_POLICY.lockAfter);
      expect(await audits('staff.login_locked', ids.racer)).toHaveLength(1);
      const [row] = await execute<{ failures: number }>(
        db(),
        sql`select failures from sign_in_throttles where account_key = ${accountKeyOf('racer')} and client_ip = '203.0.113.40'`,
      );
      expect(row?.failures).toBe(ADDRESS_POLICY.lockAfter);
      // The owner, elsewhere, is not locked out.
      expect((await login('racer', 'correct horse', '198.51.100.40')).status).toBe(200);
    });

    it('counts an IPv6 client by its /64, so hopping addresses inside it does not reset the count', async () => {
      const statuses = [];
      for (const host of ['a', 'b', 'c', 'd', 'e']) statuses.push((await login('boss', 'guess', `2001:db8:1:2::${host}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      expect((await login('boss', 'correct horse', '2001:db8:1:2:ffff::1')).status).toBe(429);
      expect((await login('boss', 'correct horse', '2001:db8:1:3::1')).status).toBe(200);
      const failed = await audits('staff.login_failed', ids.boss);
      expect(failed.map((row) => row.ip)).toEqual(['a', 'b', 'c', 'd', 'e'].map((host) => `2001:db8:1:2::${host}`));
    });

    it('shares the counters between two server instances on one database', async () => {
      second = await startServer(
        loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', JOBS_ENABLED: 'false', TRUSTED_PROXIES }),
        {
          database: server.testDatabase.database,
          logger: createLogger('silent'),
          clock: () => NOW,
          registerRoutes: registerStaffLoginRoutes,
        },
      );
      const urls = [server.url, second.url, server.url, second.url, server.url];
      const statuses = [];
      for (const [n, url] of urls.entries()) statuses.push((await login('twin', `guess-${n}`, '203.0.113.50', url)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const refused = await Promise.all(
        [server.url, second.url].map((url) => login('twin', 'correct horse', '203.0.113.50', url)),
      );
      expect(refused).toEqual([
        { status: 429, retryAfter: '60' },
        { status: 429, retryAfter: '60' },
      ]);
      // A burst split across both instances still checks only five passwords.
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, n) => login('twin', `burst-${n}`, '203.0.113.51', n % 2 === 0 ? server.url : second?.url)),
      );
      expect(burst.filter((a) => a.status === 401)).toHaveLength(ADDRESS_POLICY.lockAfter - 1);
      expect(burst.filter((a) => a.status === 429)).toHaveLength(20 - (ADDRESS_POLICY.lockAfter - 1));
      const failed = await audits('staff.login_failed', ids.twin);
      expect(failed.filter((row) => row.ip === '203.0.113.51')).toHaveLength(ADDRESS_POLICY.lockAfter);
      await second.close();
      second = undefined;
    });

    it('locks an account guessed from many addresses for every address but those its owner signed in from', async () => {
      // The owner signed in from the office last week.
      server.setNow(new Date(NOW.getTime() - 7 * 24 * 60 * MINUTE));
      expect((await login('victim', 'correct horse', '198.51.100.77')).status).toBe(200);
      server.setNow(NOW);
      // Twenty addresses guess once each: no address reaches its own threshold.
      const guesses = [];
      for (let n = 0; n < ACCOUNT_POLICY.lockAfter; n++)
        guesses.push((await login('victim', 'guess', `203.0.114.${n + 1}`)).status);
      expect(guesses.every((status) => status === 401)).toBe(true);
      expect((await login('victim', 'correct horse', '203.0.114.200')).status).toBe(429);
      expect((await login('victim', 'correct horse', '198.51.100.77')).status).toBe(200);
      const locks = await audits('staff.login_locked', ids.victim);
      expect(locks.map((row) => row.detail.scope)).toEqual(['account']);
      expect(locks[0]?.detail.failures).toBe(ACCOUNT_POLICY.lockAfter);

      // A name nobody has behaves the same way from a new address.
      for (let n = 0; n < ACCOUNT_POLICY.lockAfter; n++) await login('ghost', 'guess', `203.0.115.${n + 1}`);
      const ghost = await login('ghost', 'guess', '203.0.115.200');
      const victim = await login('victim', 'guess', '203.0.115.200');
      expect(ghost).toEqual(victim);
      expect(ghost.status).toBe(429);
    });

    it('purges counters a day without failures and no lock left', async () => {
      const before = await execute<{ n: number }>(db(), sql`select count(*)::int as n from sign_in_throttles`);
      expect(before[0]?.n).toBeGreaterThan(0);
      expect(await purgeSignInThrottles(db(), new Date(NOW.getTime() + 23 * 60 * MINUTE))).toBe(0);
      const purged = await purgeSignInThrottles(db(), new Date(NOW.getTime() + 25 * 60 * MINUTE));
      expect(purged).toBe(before[0]?.n);
    });
  });
}
