import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffLoginResponse } from '@member-ops/shared';
import { DATABASE_KINDS, execute } from '../../db';
import { staffAccounts } from '../../db/schema';
import { hashPassword } from '../../security/password';
import { startTestServer, type TestServer } from '../../testing/server';
import { call } from '../auth/auth.testing';
import { accountKeyOf } from './sign-in-throttle';
import { registerStaffLoginRoutes } from './staff.routes';

const NOW = new Date('2026-05-10T04:00:00.000Z');
const MINUTE = 60_000;

type Answer = StaffLoginResponse & { error?: { code: string; message: string; fields?: { field: string }[] } };

for (const kind of DATABASE_KINDS) {
  describe(`staff login [${kind}]`, () => {
    let server: TestServer;
    const db = () => server.testDatabase.database.db;
    const login = (username: string, password: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ username, password }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Answer, retryAfter: r.headers.get('retry-after') }));
    const auditActions = async (staffId: number | null) =>
      (
        await execute<{ action: string; reason: string | null }>(
          db(),
          sql`select action, coalesce(detail->>'reason', detail->>'scope') as reason from audit_log
              where ${staffId === null ? sql`actor_staff_id is null` : sql`actor_staff_id = ${staffId}`} order by id`,
        )
      ).map((row) => `${row.action}${row.reason ? `:${row.reason}` : ''}`);
    /** The throttle counters of a typed name: per address, and '' for all addresses together. */
    const counters = async (username: string) =>
      execute<{ client_ip: string; failures: number; locked_until: Date | null }>(
        db(),
        sql`select client_ip, failures, locked_until from sign_in_throttles
             where account_key = ${accountKeyOf(username)} order by client_ip`,
      );
    let managerId = 0;
    let clerkId = 0;

    beforeAll(async () => {
      server = await startTestServer(kind, { now: NOW, registerRoutes: registerStaffLoginRoutes });
      const passwordHash = await hashPassword('correct horse');
      const rows = await db()
        .insert(staffAccounts)
        .values([
          { username: 'Manager', displayName: '王经理', passwordHash, role: 'admin' },
          { username: 'clerk', displayName: '李店员', passwordHash, role: 'operator' },
        ])
        .returning({ id: staffAccounts.id });
      managerId = rows[0]?.id ?? 0;
      clerkId = rows[1]?.id ?? 0;
    }, 60_000);
    afterAll(async () => {
      await server.stop();
    });

    it('signs in (username case-insensitive), shows the profile and logs out', async () => {
      const ok = await login('manager', 'correct horse');
      expect(ok.status).toBe(200);
      expect(ok.body.staff).toEqual({ id: managerId, username: 'Manager', displayName: '王经理', role: 'admin', storeId: null });
      const me = await call(server.url, 'GET', '/api/staff/me', ok.body.token);
      expect(me).toMatchObject({ status: 200, body: { id: managerId, role: 'admin' } });
      expect((await call(server.url, 'POST', '/api/staff/logout', ok.body.token)).status).toBe(200);
      expect((await call(server.url, 'GET', '/api/staff/me', ok.body.token)).status).toBe(401);
      expect((await call(server.url, 'GET', '/api/staff/me', 'not-a-real-token-but-long-enough')).status).toBe(401);
      expect(await auditActions(managerId)).toEqual(['staff.login', 'staff.logout']);
    });

    it('answers an unknown user exactly like a wrong password', async () => {
      const unknown = await login('nobody', 'correct horse');
      const wrong = await login('manager', 'wrong');
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(unknown.body.error).toEqual(wrong.body.error);
      expect(unknown.body.error?.message).toBe('账号或密码错误');
      expect(await auditActions(null)).toEqual(['staff.login_failed:unknown_user']);
      // Both names are counted alike: one failure from this address, one for the name overall.
      const shape = (rows: { client_ip: string; failures: number; locked_until: Date | null }[]) =>
        rows.map((r) => [r.client_ip, r.failures, r.locked_until]);
      expect(shape(await counters('nobody'))).toEqual([
        ['', 1, null],
        ['127.0.0.1', 1, null],
      ]);
      expect(shape(await counters('manager'))).toEqual(shape(await counters('nobody')));
      // A success clears this address's count; the count over all addresses stays.
      expect((await login('manager', 'correct horse')).status).toBe(200);
      expect(shape(await counters('manager'))).toEqual([['', 1, null]]);
    });

    it('locks an address out of an account after five wrong passwords, with a doubling backoff', async () => {
      const statuses: number[] = [];
      for (let n = 0; n < 5; n++) statuses.push((await login('clerk', `guess-${n}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const locked = await login('clerk', 'correct horse');
      expect(locked.status).toBe(429);
      expect(locked.retryAfter).toBe('60');
      expect(locked.body.error).toEqual({
        code: 'RATE_LIMITED',
        message: '登录失败次数过多，请于 12:01（北京时间）后再试，或请管理员解锁',
      });
      expect(await counters('clerk')).toContainEqual({
        client_ip: '127.0.0.1',
        failures: 5,
        locked_until: new Date(NOW.getTime() + MINUTE),
      });

      server.setNow(new Date(NOW.getTime() + MINUTE - 1000));
      expect((await login('clerk', 'correct horse')).retryAfter).toBe('1');
      // The lock ran out; the next mistake locks again for twice as long.
      server.setNow(new Date(NOW.getTime() + MINUTE));
      const again = await login('clerk', 'still wrong');
      expect([again.status, again.retryAfter]).toEqual([429, '120']);
      server.setNow(new Date(NOW.getTime() + 3 * MINUTE));
      const third = await login('clerk', 'wrong once more');
      expect([third.status, third.retryAfter]).toEqual([429, '240']);
      server.setNow(new Date(NOW.getTime() + 7 * MINUTE));
      const ok = await login('clerk', 'correct horse');
      expect(ok.status).toBe(200);
      expect((await counters('clerk')).map((r) => r.client_ip)).toEqual(['']);
      expect(await auditActions(clerkId)).toEqual([
        ...Array.from({ length: 4 }, () => 'staff.login_failed:wrong_password'),
        'staff.login_failed:wrong_password',
        'staff.login_locked:address',
        'staff.login_refused:locked',
        'staff.login_refused:locked',
        'staff.login_failed:wrong_password',
        'staff.login_locked:address',
        'staff.login_failed:wrong_password',
        'staff.login_locked:address',
        'staff.login',
      ]);
      server.setNow(NOW);
    });

    it('answers a locked unknown name with the same status, words and Retry-After as a locked account', async () => {
      const run = async (username: string) => {
        const answers = [];
        for (let n = 0; n < 7; n++) {
          const answer = await login(username, `guess-${n}`, {});
          answers.push([answer.status, answer.retryAfter, answer.body.error]);
        }
        return answers;
      };
      server.setNow(new Date(NOW.getTime() + 60 * MINUTE));
      const real = await run('manager');
      const made_up = await run('no-such-person');
      expect(made_up).toEqual(real);
      expect(real.map(([status]) => status)).toEqual([401, 401, 401, 401, 429, 429, 429]);
      server.setNow(NOW);
    });

    it('records the socket address in the audit log and ignores a forged X-Forwarded-For from an untrusted peer', async () => {
      await login('forger', 'x', { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '198.51.100.1' });
      const [row] = await execute<{ ip: string }>(db(), sql`select ip from audit_log order by id desc limit 1`);
      expect(row?.ip).toBe('127.0.0.1');
      expect((await counters('forger')).map((r) => r.client_ip)).toEqual(['', '127.0.0.1']);
    });

    it('refuses bad input with the field named', async () => {
      const missing = await call<Answer>(server.url, 'POST', '/api/staff/login', undefined, { username: '' });
      expect(missing.status).toBe(400);
      expect(missing.body.error?.fields?.map((f) => f.field)).toEqual(['body.username', 'body.password']);
    });
  });
}
