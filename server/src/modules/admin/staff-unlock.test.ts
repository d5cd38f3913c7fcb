import { sql } from 'drizzle-orm';
import type { StaffAccountResponse, StaffListResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { staffAccounts } from '../../db/schema';
import { hashPassword } from '../../security/password';
import { callApi, type Headers } from '../../testing/http';
import { startTestServer, type TestServer } from '../../testing/server';
import { registerStaffLoginRoutes } from '../staff';
import { registerAdminRoutes } from './admin.routes';

const NOW = new Date('2026-05-10T04:00:00.000Z');

for (const kind of DATABASE_KINDS) {
  describe(`admin unlock of staff sign-ins [${kind}]`, () => {
    let test: TestServer;
    const ids: Record<string, number> = {};
    const login = (username: string, password: string, from: string) =>
      fetch(`${test.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username, password }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { token: string } }));
    const headersOf = async (username: string, from: string): Promise<Headers> => {
      const answer = await login(username, 'correct horse', from);
      expect(answer.status).toBe(200);
      return { authorization: `Bearer ${answer.body.token}`, 'content-type': 'application/json', 'x-forwarded-for': from };
    };

    beforeAll(async () => {
      test = await startTestServer(kind, {
        now: NOW,
        env: { TRUSTED_PROXIES: '127.0.0.1' },
        registerRoutes: (api, context) => {
          registerStaffLoginRoutes(api, context);
          registerAdminRoutes(api, context);
        },
      });
      const passwordHash = await hashPassword('correct horse');
      const rows = await test.testDatabase.database.db
        .insert(staffAccounts)
        .values([
          { username: 'Chief', displayName: '管理员', passwordHash, role: 'admin' as const },
          { username: 'ops', displayName: '运营', passwordHash, role: 'operator' as const },
          { username: 'admin2', displayName: '另一位管理员', passwordHash, role: 'admin' as const },
        ])
        .returning({ id: staffAccounts.id, username: staffAccounts.username });
      for (const row of rows) ids[row.username] = row.id;
    }, 60_000);
    afterAll(async () => {
      await test.stop();
    });

    it('shows the lock, lets an admin lift it (audited), and nobody else', async () => {
      const chief = await headersOf('Chief', '198.51.100.1');
      const operator = await headersOf('ops', '198.51.100.2');
      // Someone guesses the other admin's password from two addresses.
      for (const from of ['203.0.113.1', '203.0.113.2']) {
        for (let n = 0; n < 5; n++) await login('admin2', `guess-${n}`, from);
      }
      expect((await login('admin2', 'correct horse', '203.0.113.1')).status).toBe(429);

      const list = await callApi<StaffListResponse>(test, 'GET', '/api/admin/staff', chief);
      const locked = list.body.items.find((s) => s.id === ids.admin2);
      expect(locked?.lockedUntil).toBe(new Date(NOW.getTime() + 60_000).toISOString());
      expect(list.body.items.find((s) => s.id === ids.Chief)?.lockedUntil).toBeNull();

      expect((await callApi(test, 'POST', `/api/admin/staff/${ids.admin2}/unlock`, operator)).status).toBe(403);
      expect((await callApi(test, 'POST', `/api/admin/staff/${ids.admin2}/unlock`, {})).status).toBe(401);
      const missing = await callApi<{ error: { message: string } }>(test, 'POST', '/api/admin/staff/999999/unlock', chief);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe('员工账号 999999 不存在');
      const bad = await callApi<{ error: { fields: { field: string }[] } }>(test, 'POST', '/api/admin/staff/abc/unlock', chief);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((f) => f.field)).toEqual(['params.staffId']);
      expect(
        (await callApi<StaffListResponse>(test, 'GET', '/api/admin/staff', chief)).body.items.find((s) => s.id === ids.admin2)
          ?.lockedUntil,
      ).not.toBeNull();

      const unlocked = await callApi<StaffAccountResponse>(test, 'POST', `/api/admin/staff/${ids.admin2}/unlock`, chief);
      expect(unlocked.status).toBe(200);
      expect(unlocked.body.staff).toMatchObject({ id: ids.admin2, lockedUntil: null });
      expect((await login('admin2', 'correct horse', '203.0.113.1')).status).toBe(200);

      const [audit] = await execute<{ actor_staff_id: number; target_id: string; detail: unknown; ip: string }>(
        test.testDatabase.database.db,
        sql`select actor_staff_id, target_id, detail, ip from audit_log where action = 'staff.unlock'`,
      );
      expect(audit).toEqual({
        actor_staff_id: ids.Chief,
        target_id: String(ids.admin2),
        detail: { lockedAddresses: 2, accountLocked: false },
        ip: '198.51.100.1',
      });
      const [counters] = await execute<{ n: number }>(
        test.testDatabase.database.db,
        sql`select count(*)::int as n from sign_in_throttles where client_ip like '203.0.113.%'`,
      );
      expect(counters?.n).toBe(0);
    });

    it('lifts locks on a password reset too', async () => {
      const chief = await headersOf('Chief', '198.51.100.1');
      for (let n = 0; n < 5; n++) await login('ops', `guess-${n}`, '203.0.113.9');
      expect((await login('ops', 'correct horse', '203.0.113.9')).status).toBe(429);
      const reset = await callApi<StaffAccountResponse>(test, 'PATCH', `/api/admin/staff/${ids.ops}`, chief, {
        password: 'a brand new password',
      });
      expect(reset.status).toBe(200);
      expect(reset.body.staff.lockedUntil).toBeNull();
      expect((await login('ops', 'a brand new password', '203.0.113.9')).status).toBe(200);
    });
  });
}
