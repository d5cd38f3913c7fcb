import { sql } from 'drizzle-orm';
import type { AssignmentResponse, ContactListResponse, FollowupResponse, FullPhoneResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { callApi, staffHeaders, type Headers } from '../../testing/http';
import { type TestServer } from '../../testing/server';
import { startSeededTestServer } from '../../testing/seeded-server';
import { hashPassword } from '../../security/password';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

for (const kind of DATABASE_KINDS) {
  describe(`rep contact lists, follow-ups and assignment [${kind}]`, () => {
    let test: TestServer;
    let rep: Headers;
    let admin: Headers;
    let clerk: Headers;
    let repId: number;
    const q = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
      execute<T>(test.testDatabase.database.db, query);

    beforeAll(async () => {
      test = await startSeededTestServer(kind, { now: SEEDED_AT, seed: 'reps-test', members: 150 });
      rep = await staffHeaders(test, 'sales.li', 'sales123456');
      admin = await staffHeaders(test, 'admin', 'admin123456');
      clerk = await staffHeaders(test, 'staff.sh', 'staff123456');
      const [row] = await q<{ id: number }>(sql`select id from staff_accounts where username = 'sales.li'`);
      repId = row?.id ?? 0;
    }, 240_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('shows a rep only their own members, ranked, with the tier’s talk-tracks', async () => {
      const [owned] = await q<{ n: number }>(sql`select count(*)::int as n from members where owner_rep_id = ${repId}`);
      expect(owned?.n).toBeGreaterThan(0);
      const list = await callApi<ContactListResponse>(test, 'GET', '/api/staff/contacts?pageSize=100', rep);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(Math.min(owned?.n ?? 0, 100));
      const ids = list.body.items.map((item) => item.memberId);
      const foreign = await q<{ id: number }>(
        sql`select id from members where id = any(${`{${ids.join(',')}}`}::bigint[]) and owner_rep_id is distinct from ${repId}`,
      );
      expect(foreign).toEqual([]);
      const priorities = list.body.items.map((item) => item.priority);
      expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
      for (const item of list.body.items) if (item.phoneMasked) expect(item.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);

      const [tierRow] = await q<{ tier: string }>(sql`select tier from members where owner_rep_id = ${repId} limit 1`);
      const byTier = await callApi<ContactListResponse>(test, 'GET', `/api/staff/contacts?tier=${tierRow?.tier}`, rep);
      expect(byTier.body.talkTracks.length).toBeGreaterThan(0);
      expect(byTier.body.talkTracks.every((track) => track.tier === tierRow?.tier)).toBe(true);
      expect(byTier.body.items.every((item) => item.tier === tierRow?.tier)).toBe(true);
    });

    it('refuses other portfolios, other roles and bad input', async () => {
      const [other] = await q<{ id: number }>(sql`select id from staff_accounts where username = 'sales.zhang'`);
      expect((await callApi(test, 'GET', `/api/staff/contacts?repId=${other?.id}`, rep)).status).toBe(403);
      expect((await callApi(test, 'GET', '/api/staff/contacts', clerk)).status).toBe(403);
      expect((await callApi(test, 'GET', '/api/staff/contacts', { 'content-type': 'application/json' })).status).toBe(401);
      const noRep = await callApi<{ error: { fields: { field: string }[] } }>(test, 'GET', '/api/staff/contacts', admin);
      expect(noRep.status).toBe(400);
      expect(noRep.body.error.fields[0]?.field).toBe('query.repId');
      const badTier = await callApi<{ error: { fields: { field: string }[] } }>(
        test,
        'GET',
        '/api/staff/contacts?tier=platinum',
        rep,
      );
      expect(badTier.status).toBe(400);
      expect(badTier.body.error.fields[0]?.field).toBe('query.tier');
      const asAdmin = await callApi<ContactListResponse>(test, 'GET', `/api/staff/contacts?repId=${repId}`, admin);
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.repId).toBe(repId);
    });

    it('shows a full phone only inside the scope, and audits it', async () => {
      const [mine] = await q<{ id: number }>(
        sql`select id from members where owner_rep_id = ${repId} and phone_cipher is not null limit 1`,
      );
      const [theirs] = await q<{ id: number }>(
        sql`select id from members where owner_rep_id is distinct from ${repId} and phone_cipher is not null limit 1`,
      );
      expect((await callApi(test, 'GET', `/api/staff/members/${theirs?.id}/phone`, rep)).status).toBe(404);
      const before = await q<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'member.phone_view'`);
      const shown = await callApi<FullPhoneResponse>(test, 'GET', `/api/staff/members/${mine?.id}/phone`, rep);
      expect(shown.status).toBe(200);
      expect(shown.body.phone).toMatch(/^1\d{10}$/);
      const after = await q<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'member.phone_view'`);
      expect(after[0]?.n).toBe((before[0]?.n ?? 0) + 1);
    });

    it('plans and closes follow-ups with outcomes, only for the rep’s own members', async () => {
      const [mine] = await q<{ id: number }>(sql`select id from members where owner_rep_id = ${repId} order by id limit 1`);
      const [theirs] = await q<{ id: number }>(sql`select id from members where owner_rep_id is distinct from ${repId} limit 1`);
      const dueAt = '2026-03-16T02:00:00.000Z';
      expect((await callApi(test, 'POST', '/api/staff/followups', rep, { memberId: theirs?.id, dueAt })).status).toBe(404);
      const created = await callApi<FollowupResponse>(test, 'POST', '/api/staff/followups', rep, {
        memberId: mine?.id,
        dueAt,
        title: '回访',
      });
      expect(created.status).toBe(201);
      expect(created.body.followup).toMatchObject({ memberId: mine?.id, repId, status: 'open', closedAt: null });
      const id = created.body.followup.id;

      const [foreignOrder] = await q<{ id: number }>(
        sql`select id from orders where member_id <> ${mine?.id ?? 0} and paid_at is not null limit 1`,
      );
      const refused = await callApi<{ error: { fields: { field: string }[] } }>(
        test,
        'PATCH',
        `/api/staff/followups/${id}`,
        rep,
        {
          status: 'converted',
          convertedOrderId: foreignOrder?.id,
        },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields[0]?.field).toBe('body.convertedOrderId');
      const [unchanged] = await q<{ status: string }>(sql`select status from followup_tasks where id = ${id}`);
      expect(unchanged?.status).toBe('open');

      const done = await callApi<FollowupResponse>(test, 'PATCH', `/api/staff/followups/${id}`, rep, {
        status: 'contacted',
        outcomeNote: '已电话沟通，下周到店',
      });
      expect(done.status).toBe(200);
      expect(done.body.followup.status).toBe('contacted');
      expect(done.body.followup.closedAt).not.toBeNull();
      const [stored] = await q<{ status: string; outcome_note: string }>(
        sql`select status, outcome_note from followup_tasks where id = ${id}`,
      );
      expect(stored).toEqual({ status: 'contacted', outcome_note: '已电话沟通，下周到店' });

      const otherRep = await staffHeaders(test, 'sales.zhang', 'sales123456');
      expect((await callApi(test, 'PATCH', `/api/staff/followups/${id}`, otherRep, { status: 'open' })).status).toBe(404);
    });

    it('exports CSV for Excel with full phones only for the owner, and audits each export', async () => {
      await q(
        sql`update members set nickname = '=HYPERLINK("x")' where id = (select min(id) from members where owner_rep_id = ${repId})`,
      );
      const own = await callApi(test, 'GET', '/api/staff/contacts/export', rep);
      expect(own.status).toBe(200);
      expect(own.type).toContain('text/csv');
      const raw = await fetch(`${test.url}/api/staff/contacts/export`, { headers: rep });
      expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [withPhone] = await q<{ n: number }>(
        sql`select count(*)::int as n from members where owner_rep_id = ${repId} and phone_cipher is not null`,
      );
      expect(own.text.match(/,1\d{10},/g)?.length ?? 0).toBe(withPhone?.n);
      expect(own.text).toContain(`,"'=HYPERLINK(""x"")",`);
      const byAdmin = await callApi(test, 'GET', `/api/staff/contacts/export?repId=${repId}`, admin);
      expect(byAdmin.text.match(/,1\d{10},/g)).toBeNull();
      expect(byAdmin.text.match(/,\d{3}\*{4}\d{4},/g)?.length ?? 0).toBe(withPhone?.n);
      const audits = await q<{ detail: { phones: string } }>(
        sql`select detail from audit_log where action = 'contacts.export' order by id`,
      );
      expect(audits.map((a) => a.detail.phones)).toEqual(['full', 'full', 'masked']);
    });

    it('balances unowned members over a store’s reps, once, and hands a leaving rep’s members over', async () => {
      const [store] = await q<{ store_id: number }>(sql`select store_id from staff_accounts where id = ${repId}`);
      const [second] = await q<{ id: number }>(
        sql`insert into staff_accounts (username, display_name, password_hash, role, store_id)
            values ('sales.new', '新销售', ${await hashPassword('sales123456')}, 'sales_rep', ${store?.store_id}) returning id`,
      );
      const clerkTry = await callApi(test, 'POST', '/api/admin/reps/assign', clerk, {});
      expect(clerkTry.status).toBe(403);
      const [unownedBefore] = await q<{ n: number }>(
        sql`select count(*)::int as n from members where owner_rep_id is null and store_id is not null`,
      );
      const assigned = await callApi<AssignmentResponse>(test, 'POST', '/api/admin/reps/assign', admin, {});
      expect(assigned.status).toBe(200);
      expect(assigned.body.assigned).toBe(unownedBefore?.n);
      const [left] = await q<{ n: number }>(
        sql`select count(*)::int as n from members where owner_rep_id is null and store_id is not null`,
      );
      expect(left?.n).toBe(0);
      const loads = await q<{ id: number; n: number }>(
        sql`select s.id, count(m.id)::int as n from staff_accounts s left join members m on m.owner_rep_id = s.id
             where s.store_id = ${store?.store_id} and s.role = 'sales_rep' group by s.id`,
      );
      const sizes = loads.map((l) => l.n);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      const [openRows] = await q<{ n: number; owned: number }>(
        sql`select (select count(*)::int from rep_assignments where ended_at is null) as n,
                   (select count(*)::int from members where owner_rep_id is not null) as owned`,
      );
      expect(openRows?.n).toBe(openRows?.owned);
      const again = await callApi<AssignmentResponse>(test, 'POST', '/api/admin/reps/assign', admin, {});
      expect(again.body.assigned).toBe(0);

      const [secondLoad] = await q<{ n: number }>(sql`select count(*)::int as n from members where owner_rep_id = ${second?.id}`);
      const handed = await callApi<AssignmentResponse>(test, 'POST', '/api/admin/reps/handover', admin, {
        fromRepId: second?.id,
        toRepId: repId,
      });
      expect(handed.status).toBe(200);
      expect(handed.body.assigned).toBe(secondLoad?.n);
      const [remaining] = await q<{ n: number }>(sql`select count(*)::int as n from members where owner_rep_id = ${second?.id}`);
      expect(remaining?.n).toBe(0);
      const self = await callApi<{ error: { fields: { field: string }[] } }>(test, 'POST', '/api/admin/reps/handover', admin, {
        fromRepId: repId,
        toRepId: repId,
      });
      expect(self.status).toBe(400);
      expect(self.body.error.fields[0]?.field).toBe('body.toRepId');
      const [repLoad] = await q<{ n: number }>(sql`select count(*)::int as n from members where owner_rep_id = ${repId}`);
      const spread = await callApi<AssignmentResponse>(test, 'POST', '/api/admin/reps/handover', admin, { fromRepId: repId });
      expect(spread.body.assigned).toBe(repLoad?.n);
      const [afterSpread] = await q<{ mine: number; theirs: number; open: number; owned: number }>(
        sql`select (select count(*)::int from members where owner_rep_id = ${repId}) as mine,
                   (select count(*)::int from members where owner_rep_id = ${second?.id}) as theirs,
                   (select count(*)::int from rep_assignments where ended_at is null) as open,
                   (select count(*)::int from members where owner_rep_id is not null) as owned`,
      );
      expect(afterSpread).toMatchObject({ mine: 0, theirs: repLoad?.n });
      expect(afterSpread?.open).toBe(afterSpread?.owned);
      const audits = await q<{ action: string }>(sql`select action from audit_log where action like 'reps.%' order by id`);
      expect(audits.map((a) => a.action)).toEqual(['reps.assign', 'reps.assign', 'reps.handover', 'reps.handover']);
    });
  });
}
