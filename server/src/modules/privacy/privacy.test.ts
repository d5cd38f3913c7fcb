import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EraseMemberResponse, MemberDataExport } from '@member-ops/shared';
import { DATABASE_KINDS, execute } from '../../db';
import { encryptPhone } from '../../security/phone-crypto';
import { callApi, staffHeaders, type Headers } from '../../testing/http';
import { TEST_PHONE_KEYS, startSeededTestServer } from '../../testing/seeded-server';
import type { TestServer } from '../../testing/server';
import { call, signIn } from '../auth/auth.testing';
import { refreshSegments } from '../segmentation';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');
const HOUR = 3_600_000;
const everyoneSegment = { name: '全部会员', rule: { field: 'tier', op: 'in', value: ['normal', 'silver', 'gold', 'diamond'] } };

type ErrorBody = { error: { code: string; message: string; fields?: { field: string }[] } };

/** What money, points and coupons add up to for one member (or everyone, with memberId null). */
interface Totals extends Record<string, unknown> {
  orders: number;
  payable: number;
  paid: number;
  refunded: number;
  payments: number;
  payments_fen: number;
  refunds: number;
  refunds_fen: number;
  ledger_entries: number;
  ledger_sum: number;
  balance: number;
  coupons: number;
}

for (const kind of DATABASE_KINDS) {
  describe(`member data export and erasure [${kind}]`, () => {
    let test: TestServer;
    let admin: Headers;
    let operator: Headers;
    const q = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
      execute<T>(test.testDatabase.database.db, query);

    const totals = async (memberId: number | null): Promise<Totals> => {
      const only = (column: string) => (memberId === null ? sql`true` : sql`${sql.raw(column)} = ${memberId}`);
      const [row] = await q<Totals>(
        sql`select (select count(*) from orders where ${only('member_id')})::int as orders,
                   (select coalesce(sum(payable_fen), 0) from orders where ${only('member_id')})::int8 as payable,
                   (select coalesce(sum(paid_fen), 0) from orders where ${only('member_id')})::int8 as paid,
                   (select coalesce(sum(refunded_fen), 0) from orders where ${only('member_id')})::int8 as refunded,
                   (select count(*) from payments where ${only('member_id')})::int as payments,
                   (select coalesce(sum(amount_fen), 0) from payments where ${only('member_id')})::int8 as payments_fen,
                   (select count(*) from refunds where ${only('member_id')})::int as refunds,
                   (select coalesce(sum(amount_fen), 0) from refunds where ${only('member_id')})::int8 as refunds_fen,
                   (select count(*) from points_ledger where ${only('member_id')})::int as ledger_entries,
                   (select coalesce(sum(points), 0) from points_ledger where ${only('member_id')})::int8 as ledger_sum,
                   (select coalesce(sum(points_balance), 0) from member_metrics where ${only('member_id')})::int8 as balance,
                   (select count(*) from coupons where ${only('member_id')})::int as coupons`,
      );
      if (!row) throw new Error('no totals');
      return row;
    };

    /** How many rows of every table (each events partition included) contain each string, in their text form. */
    const occurrences = async (needles: string[]): Promise<Map<string, string[]>> => {
      const tables = await q<{ name: string }>(
        sql`select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind = 'r' order by 1`,
      );
      const found = new Map<string, string[]>(needles.map((needle) => [needle, []]));
      for (const { name } of tables) {
        const hits = await q<{ needle: string }>(
          sql`select s.needle from jsonb_array_elements_text(${JSON.stringify(needles)}::jsonb) as s(needle)
               where exists (select 1 from ${sql.identifier(name)} x where strpos(x::text, s.needle) > 0)`,
        );
        for (const { needle } of hits) found.get(needle)?.push(name);
      }
      return found;
    };
    /** The strings still found somewhere, with the tables holding them (empty when none is left). */
    const leftovers = async (needles: string[]) =>
      Object.fromEntries([...(await occurrences(needles))].filter(([, tables]) => tables.length > 0));

    beforeAll(async () => {
      test = await startSeededTestServer(kind, { now: SEEDED_AT, seed: 'privacy-test', members: 60 });
      [admin, operator] = await Promise.all([
        staffHeaders(test, 'admin', 'admin123456'),
        staffHeaders(test, 'operator', 'operator123456'),
      ]);
      await refreshSegments(test.testDatabase.database, { asOf: SEEDED_AT });
      expect((await callApi(test, 'POST', '/api/admin/segments', operator, everyoneSegment)).status).toBe(201);
    }, 240_000);
    afterAll(async () => {
      await test?.stop();
    });

    /**
     * A seeded buyer (paid orders with payments, points, coupons; nothing in flight) taken over by a sandbox
     * WeChat user, with a phone, nickname, shipping address, order note, follow-up note, review, search keyword
     * and page query string that no other member has, so a search of the whole database finds exactly theirs.
     */
    async function buyerWithPersonalData(name: string) {
      const [seeded] = await q<{ id: number; openid: string }>(
        sql`select m.id, m.openid from members m
             where m.deleted_at is null and m.privacy_consent_at is not null
               and exists (select 1 from payments p where p.member_id = m.id and p.status = 'succeeded')
               and exists (select 1 from points_ledger l where l.member_id = m.id)
               and exists (select 1 from coupons c where c.member_id = m.id)
               and not exists (select 1 from orders o where o.member_id = m.id and o.status in ('pending', 'refunding'))
               and not exists (select 1 from refunds r where r.member_id = m.id and r.status in ('pending', 'processing'))
               and not exists (select 1 from followup_tasks f where f.member_id = m.id)
               and not exists (select 1 from members other where other.openid = ${`o_sandbox_${name}`})
             order by m.id limit 1`,
      );
      if (!seeded) throw new Error('no seeded buyer fits');
      const memberId = seeded.id;
      const marker = `${name}${kind}`;
      const phone = `139${String(10_000_000 + memberId * 7 + (kind === 'pglite' ? 1 : 2)).slice(-8)}`;
      const recipientPhone = `137${String(20_000_000 + memberId * 7 + (kind === 'pglite' ? 3 : 4)).slice(-8)}`;
      await q(sql`update members set openid = ${`o_sandbox_${name}`}, unionid = ${`u_sandbox_${name}`} where id = ${memberId}`);
      const login = await signIn(test.url, `sandbox-${name}`);
      expect(login.member.id).toBe(memberId);
      const token = login.token;
      expect((await call(test.url, 'POST', '/api/me/phone', token, { code: `phone-${phone}` })).status).toBe(200);
      expect(
        (await call(test.url, 'PATCH', '/api/me', token, { nickname: `昵称${marker}`, region: `区域${marker}` })).status,
      ).toBe(200);
      const [order] = await q<{ id: number; item_id: number; product_id: number }>(
        sql`select o.id, i.id as item_id, i.product_id from orders o join order_items i on i.order_id = o.id
             where o.member_id = ${memberId} and o.status = 'paid' order by o.id limit 1`,
      );
      if (!order) throw new Error('the buyer has no paid order');
      const address = {
        name: `收件人${marker}`,
        phoneMasked: `${recipientPhone.slice(0, 3)}****${recipientPhone.slice(-4)}`,
        phoneCipher: encryptPhone(recipientPhone, TEST_PHONE_KEYS),
        province: '上海市',
        city: '上海市',
        district: '浦东新区',
        detail: `幸福路${marker}号`,
      };
      await q(
        sql`update orders set address = ${JSON.stringify(address)}::jsonb, note = ${`放门卫${marker}`} where id = ${order.id}`,
      );
      await q(sql`update payments set notification = jsonb_build_object('payer', jsonb_build_object('openid', ${`o_sandbox_${name}`}::text))
                   where member_id = ${memberId} and status = 'succeeded'`);
      const [rep] = await q<{ id: number }>(sql`select id from staff_accounts where role = 'sales_rep' order by id limit 1`);
      await q(sql`insert into followup_tasks (member_id, rep_id, title, due_at, outcome_note)
                   values (${memberId}, ${rep?.id}, ${`回访${marker}`}, ${SEEDED_AT}, ${`备注${marker}`})`);
      await q(sql`insert into reviews (member_id, order_item_id, product_id, rating, content)
                   values (${memberId}, ${order.item_id}, ${order.product_id}, 5, ${`评价${marker}`})
                   on conflict (member_id, order_item_id) do update set content = excluded.content`);
      const events = await call(test.url, 'POST', '/api/events', token, {
        events: [
          { type: 'search', clientEventId: `${marker}-s`, occurredAt: SEEDED_AT.toISOString(), keyword: `关键词${marker}` },
          {
            type: 'page_view',
            clientEventId: `${marker}-p`,
            occurredAt: SEEDED_AT.toISOString(),
            path: `pages/index/index?invite=${marker}`,
            dwellMs: 1200,
          },
        ],
      });
      expect(events.status, JSON.stringify(events.body)).toBe(200);
      const [stored] = await q<{ phone_hash: string; phone_cipher: string }>(
        sql`select phone_hash, phone_cipher from members where id = ${memberId}`,
      );
      /** Every personal string as stored (the phone numbers themselves are only ever stored encrypted). */
      const personal = [
        `o_sandbox_${name}`,
        `u_sandbox_${name}`,
        String(stored?.phone_hash),
        String(stored?.phone_cipher),
        address.phoneCipher,
        `昵称${marker}`,
        `区域${marker}`,
        `收件人${marker}`,
        `幸福路${marker}号`,
        `放门卫${marker}`,
        `回访${marker}`,
        `备注${marker}`,
        `评价${marker}`,
        `关键词${marker}`,
        `invite=${marker}`,
      ];
      return { memberId, token, phone, recipientPhone, personal, everything: [...personal, phone, recipientPhone], name };
    }

    it('exports the member’s own data, and nobody else’s, to the member and to an admin; audited and rate-limited', async () => {
      const buyer = await buyerWithPersonalData('exporter');
      const exported = await call<MemberDataExport>(test.url, 'GET', '/api/me/export', buyer.token);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="member-\d+-data-2026-03-15\.json"/);
      const data = exported.body;
      expect(data.profile).toMatchObject({
        id: buyer.memberId,
        openid: 'o_sandbox_exporter',
        unionid: 'u_sandbox_exporter',
        phone: buyer.phone,
        nickname: `昵称exporter${kind}`,
      });
      expect(data.addresses).toContainEqual(
        expect.objectContaining({
          name: `收件人exporter${kind}`,
          phone: buyer.recipientPhone,
          detail: `幸福路exporter${kind}号`,
        }),
      );

      // Exactly the member's orders, payments, refunds, ledger entries and coupons; the balance is the ledger's sum.
      const mine = await q<{ orders: string[]; payments: string[]; refunds: string[]; coupons: string[] }>(
        sql`select array(select order_no from orders where member_id = ${buyer.memberId} order by order_no) as orders,
                   array(select coalesce(transaction_id, '') from payments where member_id = ${buyer.memberId} order by 1) as payments,
                   array(select out_refund_no from refunds where member_id = ${buyer.memberId} order by 1) as refunds,
                   array(select code from coupons where member_id = ${buyer.memberId} order by 1) as coupons`,
      );
      expect(data.orders.map((order) => order.orderNo).sort()).toEqual(mine[0]?.orders);
      expect(data.payments.map((payment) => payment.transactionId ?? '').sort()).toEqual(mine[0]?.payments);
      expect(data.refunds.map((refund) => refund.outRefundNo).sort()).toEqual(mine[0]?.refunds);
      expect(data.coupons.map((coupon) => coupon.code).sort()).toEqual(mine[0]?.coupons);
      const memberTotals = await totals(buyer.memberId);
      expect(data.pointsLedger).toHaveLength(memberTotals.ledger_entries);
      expect(data.pointsLedger.reduce((sum, entry) => sum + entry.points, 0)).toBe(data.membership.pointsBalance);
      expect(data.orders.reduce((sum, order) => sum + order.paidFen, 0)).toBe(memberTotals.paid);
      expect(data.orders.every((order) => order.items.length > 0)).toBe(true);
      expect(data.events.map((event) => event.keyword)).toContain(`关键词exporter${kind}`);
      expect(data.followups).toEqual([expect.objectContaining({ outcomeNote: `备注exporter${kind}` })]);
      expect(data.consents.privacyConsentAt).not.toBeNull();

      // Nobody else's identity appears anywhere in it.
      const others = await q<{ openid: string; nickname: string | null }>(
        sql`select openid, nickname from members where id <> ${buyer.memberId} and nickname is not null`,
      );
      const text = JSON.stringify(data);
      expect(others.length).toBeGreaterThan(10);
      expect(others.filter((other) => text.includes(other.openid))).toEqual([]);

      // An admin gets the same document; an operator may not.
      const byAdmin = await callApi<MemberDataExport>(test, 'GET', `/api/admin/members/${buyer.memberId}/export`, admin);
      expect(byAdmin.status).toBe(200);
      expect({ ...byAdmin.body, exportedAt: data.exportedAt }).toEqual(data);
      expect((await callApi(test, 'GET', `/api/admin/members/${buyer.memberId}/export`, operator)).status).toBe(403);
      expect((await callApi<ErrorBody>(test, 'GET', '/api/admin/members/99999999/export', admin)).status).toBe(404);

      const audits = await q<{ actor_member_id: number | null; actor_staff_id: number | null; detail: Record<string, unknown> }>(
        sql`select actor_member_id, actor_staff_id, detail from audit_log
             where action = 'member.export' and target_id = ${String(buyer.memberId)} order by id`,
      );
      expect(audits).toHaveLength(2);
      expect(audits[0]).toMatchObject({ actor_member_id: buyer.memberId, actor_staff_id: null });
      expect(audits[1]?.actor_staff_id).not.toBeNull();
      expect(JSON.stringify(audits)).not.toContain(buyer.phone);

      // Three member exports an hour; the fourth waits, and the clock moving on lets it through.
      expect((await call(test.url, 'GET', '/api/me/export', buyer.token)).status).toBe(200);
      expect((await call(test.url, 'GET', '/api/me/export', buyer.token)).status).toBe(200);
      const limited = await call<ErrorBody>(test.url, 'GET', '/api/me/export', buyer.token);
      expect(limited.status).toBe(429);
      expect(limited.body.error.message).toMatch(/每小时最多3次/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      test.setNow(new Date(SEEDED_AT.getTime() + HOUR + 1000));
      try {
        expect((await call(test.url, 'GET', '/api/me/export', buyer.token)).status).toBe(200);
      } finally {
        test.setNow(SEEDED_AT);
      }
    });

    it('erases personal data everywhere while money, points and coupons still add up; the same WeChat user comes back new', async () => {
      const buyer = await buyerWithPersonalData('eraser');
      const before = await occurrences(buyer.personal);
      // The search works: every personal string is somewhere before the erasure.
      expect([...before].filter(([, tables]) => tables.length === 0).map(([needle]) => needle)).toEqual([]);
      const memberBefore = await totals(buyer.memberId);
      const everyoneBefore = await totals(null);
      const [segmentsBefore] = await q<{ n: number }>(
        sql`select count(*)::int as n from segment_memberships where member_id = ${buyer.memberId}`,
      );
      expect(segmentsBefore?.n).toBeGreaterThan(0);

      // Not without an explicit confirmation, and nothing changes.
      const unconfirmed = await call<ErrorBody>(test.url, 'POST', '/api/me/erase', buyer.token, {});
      expect(unconfirmed.status).toBe(400);
      expect(unconfirmed.body.error.fields?.map((f) => f.field)).toEqual(['body.confirm']);
      expect((await call(test.url, 'GET', '/api/me', buyer.token)).status).toBe(200);

      const erased = await call<EraseMemberResponse>(test.url, 'POST', '/api/me/erase', buyer.token, { confirm: true });
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({
        memberId: buyer.memberId,
        kept: {
          orders: memberBefore.orders,
          payments: memberBefore.payments,
          refunds: memberBefore.refunds,
          pointsEntries: memberBefore.ledger_entries,
          coupons: memberBefore.coupons,
        },
      });

      expect(await leftovers(buyer.everything)).toEqual({});

      // Money, points and coupons: same rows, same sums, balance = Σ ledger, for the member and the whole shop.
      expect(await totals(buyer.memberId)).toEqual(memberBefore);
      expect(await totals(null)).toEqual(everyoneBefore);
      const mismatched = await q<{ member_id: number }>(
        sql`select mm.member_id from member_metrics mm
             where mm.points_balance <> (select coalesce(sum(points), 0) from points_ledger l where l.member_id = mm.member_id)`,
      );
      expect(mismatched).toEqual([]);
      const [row] = await q<{ openid: string; deleted_at: Date | null; do_not_contact: boolean; owner_rep_id: number | null }>(
        sql`select openid, deleted_at, do_not_contact, owner_rep_id from members where id = ${buyer.memberId}`,
      );
      expect(row).toMatchObject({ openid: `erased:${buyer.memberId}`, do_not_contact: true, owner_rep_id: null });
      expect(row?.deleted_at).toBeInstanceOf(Date);

      // The session is gone; nothing more is collected; staff no longer see the member.
      expect((await call(test.url, 'GET', '/api/me', buyer.token)).status).toBe(401);
      expect(
        (
          await call(test.url, 'POST', '/api/events', buyer.token, {
            events: [{ type: 'sign_in', clientEventId: 'late', occurredAt: SEEDED_AT.toISOString() }],
          })
        ).status,
      ).toBe(401);
      expect((await callApi(test, 'GET', `/api/staff/members/${buyer.memberId}/360`, admin)).status).toBe(404);
      const [excluded] = await q<{ memberships: number; facts: number; open_journeys: number; due: number }>(
        sql`select (select count(*) from segment_memberships where member_id = ${buyer.memberId})::int as memberships,
                   (select count(*) from member_facts where member_id = ${buyer.memberId})::int as facts,
                   (select count(*) from campaign_enrollments where member_id = ${buyer.memberId} and exited_at is null)::int as open_journeys,
                   (select count(*) from deliveries where member_id = ${buyer.memberId} and status in ('pending', 'deferred'))::int as due`,
      );
      expect(excluded).toEqual({ memberships: 0, facts: 0, open_journeys: 0, due: 0 });
      // The next segment refresh and a newly saved segment leave them out too.
      await refreshSegments(test.testDatabase.database, { asOf: SEEDED_AT });
      expect((await callApi(test, 'POST', '/api/admin/segments', operator, everyoneSegment)).status).toBe(201);
      const [refreshed] = await q<{ n: number }>(
        sql`select count(*)::int as n from segment_memberships where member_id = ${buyer.memberId}`,
      );
      expect(refreshed?.n).toBe(0);

      // Audited: who and which member, never the data.
      const [audit] = await q<{ actor_member_id: number; detail: Record<string, unknown> }>(
        sql`select actor_member_id, detail from audit_log where action = 'member.erase' and target_id = ${String(buyer.memberId)}`,
      );
      expect(audit).toMatchObject({ actor_member_id: buyer.memberId, detail: { requestedBy: 'member' } });

      // Signing in again with the same WeChat account starts a new membership.
      const again = await signIn(test.url, `sandbox-${buyer.name}.2`);
      expect(again.member.id).not.toBe(buyer.memberId);
      expect(again.member).toMatchObject({ isNew: true, hasPhone: false, nickname: null });
      expect((await call(test.url, 'POST', '/api/me/erase', again.token, { confirm: true })).status).toBe(200);
    });

    it('refuses an erasure while an order awaits payment, and lets an admin (not an operator) erase once', async () => {
      const buyer = await buyerWithPersonalData('pending');
      const [order] = await q<{ id: number }>(
        sql`insert into orders (order_no, member_id, channel, status, items_total_fen, payable_fen, expires_at)
            values (${`PRIV-${kind}-1`}, ${buyer.memberId}, 'mini_program', 'pending', 5000, 5000, ${new Date(SEEDED_AT.getTime() + HOUR)})
            returning id`,
      );
      const refused = await call<ErrorBody>(test.url, 'POST', '/api/me/erase', buyer.token, { confirm: true });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/待支付的订单/);
      const byAdminRefused = await callApi<ErrorBody>(test, 'POST', `/api/admin/members/${buyer.memberId}/erase`, admin, {
        confirm: true,
      });
      expect(byAdminRefused.status).toBe(409);
      const [still] = await q<{ phone_hash: string | null; deleted_at: Date | null }>(
        sql`select phone_hash, deleted_at from members where id = ${buyer.memberId}`,
      );
      expect(still?.phone_hash).not.toBeNull();
      expect(still?.deleted_at).toBeNull();
      expect((await call(test.url, 'GET', '/api/me', buyer.token)).status).toBe(200);

      await q(sql`update orders set status = 'cancelled', cancelled_at = ${SEEDED_AT} where id = ${order?.id}`);
      const path = `/api/admin/members/${buyer.memberId}/erase`;
      expect((await callApi(test, 'POST', path, operator, { confirm: true })).status).toBe(403);
      // The member and an admin at the same moment: one erasure, the other finds nothing left to erase.
      const [mine, theirs] = await Promise.all([
        call(test.url, 'POST', '/api/me/erase', buyer.token, { confirm: true }),
        callApi(test, 'POST', path, admin, { confirm: true }),
      ]);
      // The loser is refused: 404 if it got past sign-in before the winner committed, else 401 (session revoked).
      const statuses = [mine.status, theirs.status];
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status !== 200).every((status) => status === 401 || status === 404)).toBe(true);
      const audits = await q<{ n: number }>(
        sql`select count(*)::int as n from audit_log where action = 'member.erase' and target_id = ${String(buyer.memberId)}`,
      );
      expect(audits[0]?.n).toBe(1);
      expect((await callApi(test, 'POST', path, admin, { confirm: true })).status).toBe(404);
      expect(await leftovers(buyer.everything)).toEqual({});
    });

    it('an event batch racing the erasure leaves no keyword behind', async () => {
      const buyer = await buyerWithPersonalData('racer');
      const batches = Array.from({ length: 6 }, (_, n) =>
        call(test.url, 'POST', '/api/events', buyer.token, {
          events: [
            { type: 'search', clientEventId: `race-${n}`, occurredAt: SEEDED_AT.toISOString(), keyword: `并发racer${kind}` },
          ],
        }),
      );
      const [erased, ...answers] = await Promise.all([
        call(test.url, 'POST', '/api/me/erase', buyer.token, { confirm: true }),
        ...batches,
      ]);
      expect(erased.status).toBe(200);
      // Each batch either landed before the erasure (and was anonymised) or was refused after it: 401 once the
      // session is revoked, or 403 CONSENT_REQUIRED when it signed in before the erasure committed and read after.
      const refusedAfter = (answer: (typeof answers)[number]) =>
        answer.status === 401 ||
        (answer.status === 403 && (answer.body as { error?: { code?: string } }).error?.code === 'CONSENT_REQUIRED');
      expect(answers.map((answer) => answer.status === 200 || refusedAfter(answer))).toEqual(answers.map(() => true));
      const [left] = await q<{ n: number }>(
        sql`select count(*)::int as n from events where member_id = ${buyer.memberId} and keyword is not null`,
      );
      expect(left?.n).toBe(0);
      expect(await leftovers([...buyer.everything, `并发racer${kind}`])).toEqual({});
    });
  });
}
