import { sql } from 'drizzle-orm';
import type {
  AuditListResponse,
  CouponTemplateListResponse,
  CouponTemplateResponse,
  DashboardResponse,
  Member360Response,
  MemberFilterOptionsResponse,
  MemberListItem,
  MemberListResponse,
  RuleConfigResponse,
  RulePreviewResponse,
  SegmentPreviewResponse,
  SegmentResponse,
  StaffAccountResponse,
} from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../../db';
import { callApi, staffHeaders, type Headers } from '../../testing/http';
import { type TestServer } from '../../testing/server';
import { startSeededTestServer } from '../../testing/seeded-server';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

type FieldError = { error: { fields: { field: string }[] } };

for (const kind of DATABASE_KINDS) {
  describe(`console admin API [${kind}]`, () => {
    let test: TestServer;
    let operator: Headers;
    let admin: Headers;
    let clerk: Headers;
    let rep: Headers;
    const q = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
      execute<T>(test.testDatabase.database.db, query);

    beforeAll(async () => {
      test = await startSeededTestServer(kind, { now: SEEDED_AT, seed: 'admin-test', members: 150 });
      [operator, admin, clerk, rep] = await Promise.all([
        staffHeaders(test, 'operator', 'operator123456'),
        staffHeaders(test, 'admin', 'admin123456'),
        staffHeaders(test, 'staff.sh', 'staff123456'),
        staffHeaders(test, 'sales.li', 'sales123456'),
      ]);
    }, 240_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('pages through every member once with keyset cursors, in order, and filters', async () => {
      const [total] = await q<{ n: number }>(sql`select count(*)::int as n from members where deleted_at is null`);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: MemberListResponse } = await callApi<MemberListResponse>(
          test,
          'GET',
          `/api/staff/members?pageSize=40${cursor ? `&cursor=${cursor}` : ''}`,
          operator,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(total?.n ?? -1);
      expect(seen).toEqual([...seen].sort((a, b) => b - a));

      const lastOrder = await callApi<MemberListResponse>(
        test,
        'GET',
        '/api/staff/members?sort=last_order&pageSize=100&tier=gold,silver',
        operator,
      );
      const times = lastOrder.body.items.map((item) => item.lastOrderAt ?? '');
      expect(times).toEqual([...times].sort().reverse());
      expect(lastOrder.body.items.every((item) => item.tier === 'gold' || item.tier === 'silver')).toBe(true);
      const [goldSilver] = await q<{ n: number }>(
        sql`select count(*)::int as n from members m join member_metrics mm on mm.member_id = m.id
             where m.tier in ('gold', 'silver') and mm.last_order_at is not null`,
      );
      expect(lastOrder.body.items).toHaveLength(Math.min(goldSilver?.n ?? 0, 100));

      const bad = await callApi<FieldError>(test, 'GET', '/api/staff/members?tier=platinum&cursor=zzz', operator);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.some((f) => f.field.startsWith('query.tier'))).toBe(true);
      const badCursor = await callApi<FieldError>(test, 'GET', '/api/staff/members?cursor=zzz', operator);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.fields[0]?.field).toBe('query.cursor');
    });

    it('scopes members to the store for store staff and to the portfolio for reps', async () => {
      const [clerkRow] = await q<{ store_id: number }>(sql`select store_id from staff_accounts where username = 'staff.sh'`);
      const [repRow] = await q<{ id: number }>(sql`select id from staff_accounts where username = 'sales.li'`);
      const storeList = await callApi<MemberListResponse>(test, 'GET', '/api/staff/members?pageSize=100', clerk);
      expect(storeList.body.items.length).toBeGreaterThan(0);
      expect(storeList.body.items.every((item) => item.storeId === clerkRow?.store_id)).toBe(true);
      const repList = await callApi<MemberListResponse>(test, 'GET', '/api/staff/members?pageSize=100', rep);
      const [owned] = await q<{ n: number }>(sql`select count(*)::int as n from members where owner_rep_id = ${repRow?.id}`);
      expect(repList.body.items).toHaveLength(owned?.n ?? -1);

      const [foreign] = await q<{ id: number }>(
        sql`select id from members where owner_rep_id is distinct from ${repRow?.id} limit 1`,
      );
      expect((await callApi(test, 'GET', `/api/staff/members/${foreign?.id}/360`, rep)).status).toBe(404);
      const [otherStore] = await q<{ id: number }>(
        sql`select id from members where store_id is distinct from ${clerkRow?.store_id} limit 1`,
      );
      expect((await callApi(test, 'GET', `/api/staff/members/${otherStore?.id}/360`, clerk)).status).toBe(404);
      expect((await callApi(test, 'GET', '/api/admin/dashboard', clerk)).status).toBe(403);
      expect((await callApi(test, 'POST', '/api/admin/segments/preview', clerk, { rule: { all: [] } })).status).toBe(403);
    });

    it('shows a member 360 with a masked phone, tier progress and a timeline', async () => {
      const [buyer] = await q<{ id: number; orders: number }>(
        sql`select m.id, (select count(*)::int from orders o where o.member_id = m.id) as orders
              from members m join member_metrics mm on mm.member_id = m.id
             where mm.orders_total >= 2 and m.phone_cipher is not null order by m.id limit 1`,
      );
      const view = await callApi<Member360Response>(test, 'GET', `/api/staff/members/${buyer?.id}/360`, operator);
      expect(view.status).toBe(200);
      expect(view.body.profile.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(view.body.metrics.ordersTotal).toBeGreaterThanOrEqual(2);
      const orderEntries = view.body.timeline.filter((entry) => entry.kind === 'order');
      expect(orderEntries.length).toBe(Math.min(buyer?.orders ?? 0, 20));
      const times = view.body.timeline.map((entry) => entry.at);
      expect(times).toEqual([...times].sort().reverse());
      if (view.body.tier.nextTier) expect(view.body.tier.toNextFen).toBeGreaterThanOrEqual(0);
    });

    it('reports dashboard figures that match the database', async () => {
      const dash = await callApi<DashboardResponse>(test, 'GET', '/api/admin/dashboard', operator);
      expect(dash.status).toBe(200);
      const tiers = await q<{ tier: string; n: number }>(sql`select tier, count(*)::int as n from members group by tier`);
      for (const { tier, n } of tiers) expect(dash.body.byTier.find((t) => t.tier === tier)?.members).toBe(n);
      const [repeat] = await q<{ buyers: number; repeaters: number }>(
        sql`select count(*) filter (where orders_total >= 1)::int as buyers, count(*) filter (where orders_total >= 2)::int as repeaters
              from member_metrics`,
      );
      expect(dash.body.buyers).toBe(repeat?.buyers);
      expect(dash.body.repeatPurchaseRate).toBeCloseTo((repeat?.repeaters ?? 0) / (repeat?.buyers ?? 1), 10);
      const shares = dash.body.rfmMatrix.reduce((sum, row) => sum + row.revenueShare, 0);
      if (dash.body.rfmMatrix.some((row) => row.members > 0)) expect(shares).toBeCloseTo(1, 6);
      expect(dash.body.lifecycleFunnel.reduce((sum, row) => sum + row.members, 0)).toBe(dash.body.members);
      const [moves] = await q<{ n: number }>(
        sql`select count(*)::int as n from tier_history
             where from_tier is not null and at >= ${new Date(SEEDED_AT.getTime() - 12 * 31 * 86_400_000)} and at <= ${SEEDED_AT}`,
      );
      expect(moves?.n).toBeGreaterThan(0);
      expect(dash.body.tierMigrations.reduce((sum, row) => sum + row.members, 0)).toBe(moves?.n);
    });

    it('previews a rule live, saves it as a segment with its members, and audits it', async () => {
      const everyone = await callApi<SegmentPreviewResponse>(test, 'POST', '/api/admin/segments/preview', operator, {
        rule: { all: [] },
      });
      const gold = await callApi<SegmentPreviewResponse>(test, 'POST', '/api/admin/segments/preview', operator, {
        rule: { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
      });
      const [golds] = await q<{ n: number }>(sql`select count(*)::int as n from members where tier in ('gold', 'diamond')`);
      expect(gold.body.count).toBe(golds?.n);
      expect(gold.body.count).toBeLessThan(everyone.body.count);
      expect(gold.body.sample.every((m) => m.tier === 'gold' || m.tier === 'diamond')).toBe(true);
      expect(gold.body.ruleText).toContain('金卡会员');

      const bad = await callApi<FieldError>(test, 'POST', '/api/admin/segments/preview', operator, {
        rule: { field: 'tier', op: 'gt', value: 1 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0]?.field).toMatch(/^body\.rule/);
      const before = await q<{ n: number }>(sql`select count(*)::int as n from segments`);
      const badSave = await callApi(test, 'POST', '/api/admin/segments', operator, { name: '坏规则', rule: { nope: 1 } });
      expect(badSave.status).toBe(400);
      expect(await q<{ n: number }>(sql`select count(*)::int as n from segments`)).toEqual(before);

      const saved = await callApi<SegmentResponse>(test, 'POST', '/api/admin/segments', operator, {
        name: '高等级会员',
        rule: { field: 'tier', op: 'in', value: ['gold', 'diamond'] },
      });
      expect(saved.status).toBe(201);
      expect(saved.body.segment.memberCount).toBe(golds?.n);
      const [members] = await q<{ n: number }>(
        sql`select count(*)::int as n from segment_memberships where segment_id = ${saved.body.segment.id}`,
      );
      expect(members?.n).toBe(golds?.n);
      const audit = await q<{ action: string }>(sql`select action from audit_log where target_type = 'segment'`);
      expect(audit.map((a) => a.action)).toEqual(['segment.create']);
    });

    it('lets admins manage staff with audited role changes, and nobody else', async () => {
      expect((await callApi(test, 'GET', '/api/admin/staff', operator)).status).toBe(403);
      const weak = await callApi<FieldError>(test, 'POST', '/api/admin/staff', admin, {
        username: 'new.clerk',
        displayName: '新店员',
        role: 'store_staff',
        password: 'short',
      });
      expect(weak.status).toBe(400);
      expect(weak.body.error.fields.map((f) => f.field).sort()).toEqual(['body.password', 'body.storeId']);
      const [store] = await q<{ id: number }>(sql`select id from stores order by id limit 1`);
      const created = await callApi<StaffAccountResponse>(test, 'POST', '/api/admin/staff', admin, {
        username: 'new.clerk',
        displayName: '新店员',
        role: 'store_staff',
        storeId: store?.id,
        password: 'long-enough-pass',
      });
      expect(created.status).toBe(201);
      const clerkHeaders = await staffHeaders(test, 'new.clerk', 'long-enough-pass');
      expect((await callApi(test, 'GET', '/api/staff/me', clerkHeaders)).status).toBe(200);
      const promoted = await callApi<StaffAccountResponse>(test, 'PATCH', `/api/admin/staff/${created.body.staff.id}`, admin, {
        role: 'operator',
      });
      expect(promoted.body.staff.role).toBe('operator');
      expect((await callApi(test, 'GET', '/api/staff/me', clerkHeaders)).status).toBe(401);
      const log = await callApi<AuditListResponse>(test, 'GET', '/api/admin/audit?action=staff.', admin);
      const changes = log.body.items.filter((i) => i.action === 'staff.create' || i.action === 'staff.role_change');
      expect(changes.map((i) => i.action)).toEqual(['staff.role_change', 'staff.create']);
      expect(changes[0]?.detail).toEqual({ role: { from: 'store_staff', to: 'operator' } });
    });

    it('previews a tier-rule change over the whole base, then saves it as the next version, audited', async () => {
      expect((await callApi(test, 'GET', '/api/admin/rules/tier', clerk)).status).toBe(403);
      const current = await callApi<RuleConfigResponse>(test, 'GET', '/api/admin/rules/tier', operator);
      expect(current.status).toBe(200);
      const config = structuredClone(current.body.config) as { tiers: Record<string, { entryFen: number; keepFen: number }> };
      const silverEntry = 1000;
      config.tiers.silver = { ...config.tiers.silver!, entryFen: silverEntry, keepFen: silverEntry };
      const preview = await callApi<RulePreviewResponse>(test, 'POST', '/api/admin/rules/tier/preview', operator, { config });
      expect(preview.status).toBe(200);
      expect(preview.body.changes.map((c) => c.path).sort()).toEqual(['tiers.silver.entryFen', 'tiers.silver.keepFen']);
      const [expected] = await q<{ n: number }>(
        sql`select count(*)::int as n from members m left join member_metrics mm on mm.member_id = m.id
             where m.tier = 'normal' and coalesce(mm.growth_value_fen, 0) >= ${silverEntry}
               and coalesce(mm.growth_value_fen, 0) < ${config.tiers.gold!.entryFen}`,
      );
      expect(expected?.n).toBeGreaterThan(0);
      expect(preview.body.tier?.moves.find((m) => m.from === 'normal' && m.to === 'silver')?.members).toBe(expected?.n);
      expect(preview.body.tier!.proposed.upgrades).toBeGreaterThan(preview.body.tier!.current.upgrades);

      const bad = await callApi<FieldError>(test, 'POST', '/api/admin/rules/tier', operator, {
        config: { ...config, windowDays: -5 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0]?.field).toBe('body.config.windowDays');
      const saved = await callApi<RuleConfigResponse>(test, 'POST', '/api/admin/rules/tier', operator, {
        config,
        note: '降低银卡门槛',
      });
      expect(saved.status).toBe(201);
      const firstVersion = saved.body.version ?? 0;
      expect(saved.body.versions[0]).toMatchObject({ version: firstVersion, note: '降低银卡门槛' });
      expect((await callApi(test, 'POST', '/api/admin/rules/tier', operator, { config })).status).toBe(409);
      const audit = await q<{ target_id: string }>(sql`select target_id from audit_log where action = 'rules.change'`);
      expect(audit.map((a) => a.target_id)).toEqual([`tier:${firstVersion}`]);
    });

    it('edits a coupon template’s stock and status with validation and an audit trail', async () => {
      const list = await callApi<CouponTemplateListResponse>(test, 'GET', '/api/admin/coupon-templates', operator);
      expect(list.status).toBe(200);
      const issued = list.body.items.find((t) => t.issuedCount > 0);
      expect(issued).toBeDefined();
      const tooLow = await callApi<FieldError>(test, 'PATCH', `/api/admin/coupon-templates/${issued?.id}`, operator, {
        totalStock: (issued?.issuedCount ?? 1) - 1,
      });
      expect(tooLow.status).toBe(400);
      expect(tooLow.body.error.fields[0]?.field).toBe('body.totalStock');
      const changed = await callApi<CouponTemplateResponse>(
        test,
        'PATCH',
        `/api/admin/coupon-templates/${issued?.id}`,
        operator,
        {
          totalStock: (issued?.issuedCount ?? 0) + 100,
          status: 'paused',
        },
      );
      expect(changed.status).toBe(200);
      expect(changed.body.template).toMatchObject({
        totalStock: (issued?.issuedCount ?? 0) + 100,
        status: 'paused',
        terms: issued?.terms,
      });
      const [row] = await q<{ status: string }>(sql`select status from coupon_templates where id = ${issued?.id}`);
      expect(row?.status).toBe('paused');
      const audit = await q<{ detail: Record<string, { from: unknown; to: unknown }> }>(
        sql`select detail from audit_log where action = 'coupon_template.update'`,
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]?.detail.status).toEqual({ from: issued?.status, to: 'paused' });
      expect(
        (await callApi(test, 'PATCH', `/api/admin/coupon-templates/${issued?.id}`, clerk, { status: 'active' })).status,
      ).toBe(403);
    });

    it('offers stores and reps as member filters to managers, and filters members by store and rep across pages', async () => {
      expect((await callApi(test, 'GET', '/api/admin/member-filters', clerk)).status).toBe(403);
      expect((await callApi(test, 'GET', '/api/admin/member-filters', rep)).status).toBe(403);
      const options = await callApi<MemberFilterOptionsResponse>(test, 'GET', '/api/admin/member-filters', operator);
      expect(options.status).toBe(200);
      expect(options.body.stores).toEqual(await q<{ id: number; name: string }>(sql`select id, name from stores order by id`));
      const reps = await q<{ id: number }>(sql`select id from staff_accounts where role = 'sales_rep' order by id`);
      expect(reps.length).toBeGreaterThan(0);
      expect(options.body.reps.map((r) => r.id).sort((a, b) => a - b)).toEqual(reps.map((r) => r.id));

      const pageSize = 10;
      const everyPage = async (filter: string, headers: Headers) => {
        const items: MemberListItem[] = [];
        let pages = 0;
        let cursor: string | null = null;
        do {
          const page: { status: number; body: MemberListResponse } = await callApi<MemberListResponse>(
            test,
            'GET',
            `/api/staff/members?pageSize=${pageSize}&${filter}${cursor ? `&cursor=${cursor}` : ''}`,
            headers,
          );
          expect(page.status).toBe(200);
          items.push(...page.body.items);
          pages += 1;
          cursor = page.body.nextCursor;
        } while (cursor);
        return { items, pages };
      };

      const [store] = await q<{ store_id: number; n: number }>(
        sql`select store_id, count(*)::int as n from members where deleted_at is null and store_id is not null
             group by store_id order by n desc, store_id limit 1`,
      );
      expect(store?.n).toBeGreaterThan(pageSize);
      const byStore = await everyPage(`storeId=${store?.store_id}`, operator);
      expect(byStore.pages).toBeGreaterThan(1);
      expect(byStore.items).toHaveLength(store?.n ?? -1);
      expect(byStore.items.every((item) => item.storeId === store?.store_id)).toBe(true);

      const [owner] = await q<{ owner_rep_id: number; n: number }>(
        sql`select owner_rep_id, count(*)::int as n from members where deleted_at is null and owner_rep_id is not null
             group by owner_rep_id order by n desc, owner_rep_id limit 1`,
      );
      expect(owner?.n).toBeGreaterThan(0);
      const byRep = await everyPage(`repId=${owner?.owner_rep_id}`, admin);
      expect(byRep.items).toHaveLength(owner?.n ?? -1);
      expect(byRep.items.every((item) => item.ownerRepId === owner?.owner_rep_id)).toBe(true);

      const [both] = await q<{ n: number }>(
        sql`select count(*)::int as n from members
             where deleted_at is null and store_id = ${store?.store_id} and owner_rep_id = ${owner?.owner_rep_id}`,
      );
      const byBoth = await everyPage(`storeId=${store?.store_id}&repId=${owner?.owner_rep_id}`, operator);
      expect(byBoth.items).toHaveLength(both?.n ?? -1);
      expect(byBoth.items.every((item) => item.storeId === store?.store_id && item.ownerRepId === owner?.owner_rep_id)).toBe(
        true,
      );

      const [clerkRow] = await q<{ store_id: number }>(sql`select store_id from staff_accounts where username = 'staff.sh'`);
      const [otherStore] = await q<{ id: number }>(sql`select id from stores where id <> ${clerkRow?.store_id} limit 1`);
      const outside = await callApi<MemberListResponse>(test, 'GET', `/api/staff/members?storeId=${otherStore?.id}`, clerk);
      expect(outside.status).toBe(200);
      expect(outside.body.items).toEqual([]);
      const bad = await callApi<FieldError>(test, 'GET', '/api/staff/members?storeId=abc', operator);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0]?.field).toBe('query.storeId');
    });

    it('edits a custom segment’s name and rule, rematerialises its members and audits it; built-ins are refused', async () => {
      const created = await callApi<SegmentResponse>(test, 'POST', '/api/admin/segments', operator, {
        name: '待编辑人群',
        description: '编辑测试',
        rule: { field: 'tier', op: 'eq', value: 'normal' },
      });
      expect(created.status).toBe(201);
      const id = created.body.segment.id;
      const [silver] = await q<{ n: number }>(sql`select count(*)::int as n from members where tier = 'silver'`);
      expect(silver?.n).not.toBe(created.body.segment.memberCount);

      const edited = await callApi<SegmentResponse>(test, 'PUT', `/api/admin/segments/${id}`, operator, {
        name: '银卡人群',
        description: '编辑测试',
        rule: { all: [{ field: 'tier', op: 'eq', value: 'silver' }] },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.segment).toMatchObject({ id, name: '银卡人群', kind: 'custom', memberCount: silver?.n });
      expect(edited.body.segment.ruleText).toContain('银卡会员');
      const members = await q<{ member_id: number }>(
        sql`select member_id from segment_memberships where segment_id = ${id} order by member_id`,
      );
      const silverIds = await q<{ id: number }>(sql`select id from members where tier = 'silver' order by id`);
      expect(members.map((m) => m.member_id)).toEqual(silverIds.map((m) => m.id));

      const bad = await callApi<FieldError>(test, 'PUT', `/api/admin/segments/${id}`, operator, {
        name: '坏规则',
        rule: { field: 'tier', op: 'gt', value: 1 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0]?.field).toMatch(/^body\.rule/);
      const [kept] = await q<{ name: string; member_count: number }>(
        sql`select name, member_count from segments where id = ${id}`,
      );
      expect(kept).toEqual({ name: '银卡人群', member_count: silver?.n });

      const audit = await q<{ detail: { before: unknown; after: unknown; name: string } }>(
        sql`select detail from audit_log where action = 'segment.update' and target_id = ${String(id)}`,
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]?.detail).toEqual({
        before: { field: 'tier', op: 'eq', value: 'normal' },
        after: { all: [{ field: 'tier', op: 'eq', value: 'silver' }] },
        name: '银卡人群',
      });

      const [builtin] = await q<{ id: number }>(
        sql`insert into segments (code, name, kind, rule, created_at, updated_at)
            values ('test_builtin', '内置测试人群', 'builtin', '{"all": []}'::jsonb, ${SEEDED_AT}, ${SEEDED_AT}) returning id`,
      );
      const rule = { field: 'tier', op: 'eq', value: 'gold' };
      expect((await callApi(test, 'PUT', `/api/admin/segments/${builtin?.id}`, operator, { name: '改名', rule })).status).toBe(
        409,
      );
      const [untouched] = await q<{ name: string }>(sql`select name from segments where id = ${builtin?.id}`);
      expect(untouched?.name).toBe('内置测试人群');
      expect((await callApi(test, 'PUT', `/api/admin/segments/${id}`, rep, { name: '改名', rule })).status).toBe(403);
      expect((await callApi(test, 'PUT', '/api/admin/segments/99999999', operator, { name: '改名', rule })).status).toBe(404);
    });

    it('creates coupon templates with validated terms and an audit entry; bad input is refused by field and writes nothing', async () => {
      const valid = {
        name: '满200减30',
        type: 'amount_off',
        thresholdFen: 20000,
        amountOffFen: 3000,
        validityKind: 'days_after_issue',
        validDays: 14,
        totalStock: 500,
        perMemberLimit: 2,
        pointsPrice: 800,
      };
      const written = async () =>
        (
          await q<{ templates: number; audits: number }>(
            sql`select (select count(*)::int from coupon_templates) as templates,
                       (select count(*)::int from audit_log where action = 'coupon_template.create') as audits`,
          )
        )[0];
      const before = await written();
      const cases: [string, Record<string, unknown>, string][] = [
        ['blank name', { ...valid, name: '  ' }, 'body.name'],
        ['unknown kind', { ...valid, type: 'cashback' }, 'body.type'],
        ['fractional fen', { ...valid, amountOffFen: 29.5 }, 'body.amountOffFen'],
        ['amount off without an amount', { ...valid, amountOffFen: null }, 'body.amountOffFen'],
        ['amount off not below the threshold', { ...valid, amountOffFen: 20000 }, 'body.amountOffFen'],
        ['negative threshold', { ...valid, thresholdFen: -100 }, 'body.thresholdFen'],
        ['no-threshold coupon with a threshold', { ...valid, type: 'no_threshold' }, 'body.thresholdFen'],
        ['percent off of 100 %', { ...valid, type: 'percent_off', amountOffFen: null, percentOffBp: 10000 }, 'body.percentOffBp'],
        ['percent off without a percentage', { ...valid, type: 'percent_off', amountOffFen: null }, 'body.percentOffBp'],
        ['a cap on an amount-off coupon', { ...valid, capFen: 1000 }, 'body.capFen'],
        ['validity after issue without days', { ...valid, validDays: null }, 'body.validDays'],
        [
          'fixed validity ending before it starts',
          {
            ...valid,
            validityKind: 'fixed',
            validDays: null,
            validFrom: '2026-04-01T00:00:00+08:00',
            validTo: '2026-03-01T00:00:00+08:00',
          },
          'body.validTo',
        ],
        ['unknown validity kind', { ...valid, validityKind: 'forever' }, 'body.validityKind'],
        ['negative stock', { ...valid, totalStock: -1 }, 'body.totalStock'],
        ['per-member limit of 0', { ...valid, perMemberLimit: 0 }, 'body.perMemberLimit'],
        ['points price of 0', { ...valid, pointsPrice: 0 }, 'body.pointsPrice'],
      ];
      for (const [label, body, field] of cases) {
        const answer = await callApi<FieldError>(test, 'POST', '/api/admin/coupon-templates', operator, body);
        expect({ label, status: answer.status, fields: answer.body.error.fields.map((f) => f.field) }).toEqual({
          label,
          status: 400,
          fields: [field],
        });
      }
      expect((await callApi(test, 'POST', '/api/admin/coupon-templates', rep, valid)).status).toBe(403);
      expect((await callApi(test, 'POST', '/api/admin/coupon-templates', clerk, valid)).status).toBe(403);
      expect(await written()).toEqual(before);

      const created = await callApi<CouponTemplateResponse>(test, 'POST', '/api/admin/coupon-templates', operator, valid);
      expect(created.status).toBe(201);
      expect(created.body.template).toMatchObject({
        name: '满200减30',
        terms: '满200减30',
        status: 'draft',
        totalStock: 500,
        issuedCount: 0,
        usedCount: 0,
        perMemberLimit: 2,
        claimable: false,
        pointsPrice: 800,
        validity: '领取后 14 天内有效',
      });
      const id = created.body.template.id;
      const [operatorRow] = await q<{ id: number }>(sql`select id from staff_accounts where username = 'operator'`);
      const [row] = await q<Record<string, unknown>>(
        sql`select type, threshold_fen, amount_off_fen, percent_off_bp, validity_kind, valid_days, created_by
              from coupon_templates where id = ${id}`,
      );
      expect(row).toEqual({
        type: 'amount_off',
        threshold_fen: 20000,
        amount_off_fen: 3000,
        percent_off_bp: null,
        validity_kind: 'days_after_issue',
        valid_days: 14,
        created_by: operatorRow?.id,
      });
      const audit = await q<{ actor_staff_id: number; target_id: string; detail: Record<string, unknown> }>(
        sql`select actor_staff_id, target_id, detail from audit_log where action = 'coupon_template.create'`,
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor_staff_id: operatorRow?.id,
        target_id: String(id),
        detail: { name: '满200减30', terms: '满200减30', totalStock: 500 },
      });

      const percent = await callApi<CouponTemplateResponse>(test, 'POST', '/api/admin/coupon-templates', operator, {
        name: '四月85折',
        type: 'percent_off',
        percentOffBp: 1500,
        capFen: 5000,
        validityKind: 'fixed',
        validFrom: '2026-04-01T00:00:00+08:00',
        validTo: '2026-04-30T23:59:59+08:00',
        status: 'active',
        claimable: true,
      });
      expect(percent.status).toBe(201);
      expect(percent.body.template).toMatchObject({
        terms: '8.5折 最高减50',
        validity: '2026-04-01 至 2026-04-30',
        status: 'active',
        claimable: true,
        totalStock: null,
        pointsPrice: null,
      });
      const list = await callApi<CouponTemplateListResponse>(test, 'GET', '/api/admin/coupon-templates', operator);
      expect(list.body.items.map((t) => t.id)).toEqual(expect.arrayContaining([id, percent.body.template.id]));
      expect(await written()).toEqual({ templates: (before?.templates ?? 0) + 2, audits: 2 });
    });
  });
}
