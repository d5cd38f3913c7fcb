import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffLoginResponse } from '@member-ops/shared';
import { DATABASE_KINDS, execute } from '../../db';
import { staffAccounts } from '../../db/schema';
import { hashPassword } from '../../security/password';
import { startTestServer, type TestServer } from '../../testing/server';
import { call } from '../auth/auth.testing';
import { registerStaffLoginRoutes } from './staff.routes';

const NOW = new Date('2026-05-10T04:00:00.000Z');
const MINUTE = 60_000;

type Answer = StaffLoginResponse & { error?: { code: string; message: string; fields?: { field: string }[] } };

for (const kind of DATABASE_KINDS) {
  describe(`staff login [${kind}]`, () => {
    let server: TestServer;
    const db = () => server.testDatabase.database.db;
    const login = (username: string, password: string) =>
      call<Answer>(server.url, 'POST', '/api/staff/login', undefined, { username, password });
    const auditActions = async (staffId: number | null) =>
      (
        await execute<{ action: string; reason: string | null }>(
          db(),
          sql`select action, detail->>'reason' as reason from audit_log
              where ${staffId === null ? sql`actor_staff_id is null` : sql`actor_staff_id = ${staffId}`} order by id`,
        )
      ).map((row) => `${row.action}${row.reason ? `:${row.reason}` : ''}`);
    const accountState = async (id: number) =>
      (
        await execute<{ failed_login_count: number; locked_until: Date | null }>(
          db(),
          sql`select failed_login_count, locked_until from staff_accounts where id = ${id}`,
        )
      )[0];
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
      expect(await auditActions(null)).toEqual(['staff.login_failed:unknown_user']);
      // A success resets the count the wrong password started.
      expect((await accountState(managerId))?.failed_login_count).toBe(1);
      expect((await login('manager', 'correct horse')).status).toBe(200);
      expect(await accountState(managerId)).toEqual({ failed_login_count: 0, locked_until: null });
    });

    it('locks the account for 15 minutes after five wrong passwords', async () => {
      const statuses: number[] = [];
      for (let n = 0; n < 5; n++) statuses.push((await login('clerk', `guess-${n}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const locked = await login('clerk', 'correct horse');
      expect(locked.status).toBe(429);
      expect(locked.body.error?.message).toContain('locked until 12:15');
      expect(await accountState(clerkId)).toEqual({ failed_login_count: 5, locked_until: new Date(NOW.getTime() + 15 * MINUTE) });

      server.setNow(new Date(NOW.getTime() + 14 * MINUTE));
      expect((await login('clerk', 'correct horse')).status).toBe(429);
      server.setNow(new Date(NOW.getTime() + 15 * MINUTE));
      // An expired lock starts a fresh count: one more mistake does not lock again.
      expect((await login('clerk', 'still wrong')).status).toBe(401);
      expect(await accountState(clerkId)).toEqual({ failed_login_count: 1, locked_until: null });
      const ok = await login('clerk', 'correct horse');
      expect(ok.status).toBe(200);
      expect(await accountState(clerkId)).toEqual({ failed_login_count: 0, locked_until: null });
      expect(await auditActions(clerkId)).toEqual([
        ...Array.from({ length: 5 }, () => 'staff.login_failed:wrong_password'),
        'staff.login_refused:locked',
        'staff.login_refused:locked',
        'staff.login_failed:wrong_password',
        'staff.login',
      ]);
    });

    it('refuses bad input with the field named', async () => {
      const missing = await call<Answer>(server.url, 'POST', '/api/staff/login', undefined, { username: '' });
      expect(missing.status).toBe(400);
      expect(missing.body.error?.fields?.map((f) => f.field)).toEqual(['body.username', 'body.password']);
    });
  });
}
