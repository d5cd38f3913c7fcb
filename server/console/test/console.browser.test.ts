import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuild } from '../../../scripts/src/lib/console-build';
import { DEFAULT_CONSOLE_DIR } from '../../src/config';
import { execute } from '../../src/db';
import { horizontalOverflow, launchBrowser, saveScreenshot, signInToConsole } from '../../src/testing/browser';
import { type TestServer } from '../../src/testing/server';
import { startSeededTestServer } from '../../src/testing/seeded-server';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');
const SUITE = 'console';

describe('web console in Chromium against the real server', () => {
  let test: TestServer;
  let browser: Browser;
  const q = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
    execute<T>(test.testDatabase.database.db, query);

  const signIn = (username: string, password: string): Promise<Page> =>
    signInToConsole(browser, test.url, { username, password });

  beforeAll(async () => {
    await ensureConsoleBuild(DEFAULT_CONSOLE_DIR, () => undefined);
    test = await startSeededTestServer('pglite', { now: SEEDED_AT, seed: 'console-browser', members: 300 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.stop();
  });

  it('an operator sees the dashboard, the members list and a member 360', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.getByTestId('chart-rfm').locator('canvas').waitFor();
    const [total] = await q<{ n: number }>(sql`select count(*)::int as n from members`);
    await expect(page.getByText(String(total?.n)).first().isVisible()).resolves.toBe(true);
    await saveScreenshot(page, SUITE, '01-dashboard');

    await page.getByRole('menuitem', { name: '会员' }).click();
    await page.waitForURL(/\/console\/members$/);
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(20);
    await saveScreenshot(page, SUITE, '02-members');
    const firstId = await page.locator('.ant-table-row').first().locator('a').first().innerText();
    await page.locator('.ant-table-row').first().locator('a').first().click();
    await page.getByText('等级进度').waitFor();
    await expect(page.getByTestId('member-phone').innerText()).resolves.toMatch(/^\d{3}\*{4}\d{4}$|未绑定/);
    expect(page.url()).toContain(`/console/members/${firstId}`);
    await saveScreenshot(page, SUITE, '03-member-360');
    await page.context().close();
  });

  it('an operator builds a segment and sees the live count change, then saves it', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.getByRole('menuitem', { name: '人群圈选' }).click();
    const [total] = await q<{ n: number }>(sql`select count(*)::int as n from members`);
    const count = page.getByTestId('segment-count');
    await expect.poll(() => count.getAttribute('data-count')).toBe(String(total?.n));

    await page.getByRole('button', { name: '添加属性条件' }).click();
    const [normal] = await q<{ n: number }>(sql`select count(*)::int as n from members where tier = 'normal'`);
    await expect.poll(() => count.getAttribute('data-count')).toBe(String(normal?.n));

    await page.getByTestId('rule-condition').locator('.ant-select').nth(1).click();
    await page.locator('.ant-select-item-option[title="属于"]').click();
    await page.getByTestId('rule-condition').locator('.ant-select').nth(2).click();
    await page.locator('.ant-select-item-option[title="金卡会员"]').click();
    await page.locator('.ant-select-item-option[title="钻石会员"]').click();
    await page.keyboard.press('Escape');
    const [high] = await q<{ n: number }>(sql`select count(*)::int as n from members where tier in ('gold', 'diamond')`);
    await expect.poll(() => count.getAttribute('data-count')).toBe(String(high?.n));
    expect(high?.n).not.toBe(total?.n);

    await page.getByPlaceholder('人群名称').fill('高等级会员');
    await page.getByRole('button', { name: '保存人群' }).click();
    await page.getByRole('cell', { name: '高等级会员' }).waitFor();
    const [saved] = await q<{ member_count: number }>(sql`select member_count from segments where name = '高等级会员'`);
    expect(saved?.member_count).toBe(high?.n);
    await saveScreenshot(page, SUITE, '04-segment-builder');
    await page.context().close();
  });

  it('an operator copies the wake-up campaign into a variant, previews it and reads its report', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.getByRole('menuitem', { name: '营销活动' }).click();
    await page.getByRole('link', { name: '沉睡唤醒' }).click();
    await page.getByRole('button', { name: '复制为变体' }).click();
    await expect.poll(() => page.getByLabel('活动名称').inputValue()).toBe('沉睡唤醒（变体）');
    await page.getByLabel('对照组比例 %').fill('20');
    await saveScreenshot(page, SUITE, '05-campaign-variant-editor');
    await page.getByRole('button', { name: '保存活动' }).click();
    await page.getByRole('button', { name: '预览人群' }).click();
    await page.getByTestId('campaign-preview').waitFor();
    await page.getByTestId('campaign-report').waitFor();
    const [variant] = await q<{ id: number; holdout_ratio_bp: number; steps: number }>(
      sql`select c.id, c.holdout_ratio_bp, (select count(*)::int from campaign_steps s where s.campaign_id = c.id) as steps
            from campaigns c where c.name = '沉睡唤醒（变体）'`,
    );
    expect(variant?.holdout_ratio_bp).toBe(2000);
    expect(variant?.steps).toBeGreaterThan(1);
    expect(page.url()).toContain(`/console/campaigns/${variant?.id}`);
    // Messages whose outcome is unknown are counted apart, in Chinese.
    const reportText = await page.getByTestId('campaign-report').innerText();
    expect(reportText).toContain('已发送');
    expect(reportText).toContain('结果未知');
    expect(reportText).not.toMatch(/unknown|interrupted/);
    await saveScreenshot(page, SUITE, '06-campaign-preview-report');
    await page.context().close();
  });

  it('a sales rep sees only their own members, works the contact list and records an outcome', async () => {
    const page = await signIn('sales.li', 'sales123456');
    const [rep] = await q<{ id: number }>(sql`select id from staff_accounts where username = 'sales.li'`);
    const [busiest] = await q<{ tier: string; n: number }>(
      sql`select tier, count(*)::int as n from members where owner_rep_id = ${rep?.id} group by tier order by n desc, tier limit 1`,
    );
    const label = { normal: '普通会员', silver: '银卡会员', gold: '金卡会员', diamond: '钻石会员' }[busiest?.tier ?? 'normal'];
    await page.getByRole('tab', { name: new RegExp(label ?? '') }).click();
    await page.getByText(`${label}话术（FABE）`).waitFor();
    await page.locator('.ant-table-row').first().waitFor();
    const links = await page.locator('.ant-table-row a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const ids = links.map((href) => Number(href.split('/').pop()));
    const owned = await q<{ id: number }>(
      sql`select id from members where owner_rep_id = ${rep?.id} and tier = ${busiest?.tier}`,
    );
    const ownedIds = new Set(owned.map((m) => m.id));
    expect(ids.length).toBe(Math.min(owned.length, 20));
    expect(ids.every((id) => ownedIds.has(id))).toBe(true);
    await saveScreenshot(page, SUITE, '07-rep-contacts');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /导出名单/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    const memberId = ids[0];
    await page.locator('.ant-table-row').first().getByRole('button', { name: '新建跟进' }).click();
    await page.getByLabel('事项').fill('回访金卡权益');
    await page.getByRole('button', { name: /创\s*建/ }).click();
    await page.locator('.ant-table-row').first().getByRole('button', { name: '记录结果' }).click();
    await page.getByLabel('沟通记录').fill('客户周末到店');
    await saveScreenshot(page, SUITE, '08-rep-outcome');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await expect
      .poll(
        async () =>
          (await q<{ status: string }>(sql`select status from followup_tasks where member_id = ${memberId}`))[0]?.status,
      )
      .toBe('contacted');

    const [foreign] = await q<{ id: number }>(sql`select id from members where owner_rep_id is distinct from ${rep?.id} limit 1`);
    await page.goto(`${test.url}/console/members/${foreign?.id}`);
    await page.getByText(/不在您的权限范围内/).waitFor();
    await saveScreenshot(page, SUITE, '09-rep-foreign-member');
    await page.context().close();
  });

  it('a store clerk cannot open the campaign pages: the API answers 403', async () => {
    const page = await signIn('staff.sh', 'staff123456');
    expect(await page.getByRole('menuitem', { name: '营销活动' }).count()).toBe(0);
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/admin/campaigns')) answers.push(response.status());
    });
    await page.goto(`${test.url}/console/campaigns`);
    await page.getByTestId('campaigns-error').waitFor();
    await expect(page.getByTestId('campaigns-error').innerText()).resolves.toContain('403');
    expect(answers).toContain(403);
    await saveScreenshot(page, SUITE, '10-clerk-campaigns-403');
    await page.context().close();
  });

  it('an operator previews and saves a tier-rule change', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.getByRole('menuitem', { name: '规则配置' }).click();
    await page.getByLabel('银卡会员升级门槛').fill('10');
    await page.getByLabel('银卡会员保级门槛').fill('10');
    await page.getByRole('button', { name: '预览影响' }).click();
    await page.getByTestId('rule-preview').waitFor();
    await expect(page.getByTestId('rule-preview').innerText()).resolves.toContain('tiers.silver.entryFen');
    await saveScreenshot(page, SUITE, '11-rules-preview');
    await page.getByPlaceholder('修改说明').fill('降低银卡门槛');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByRole('cell', { name: '降低银卡门槛' }).waitFor();
    const [saved] = await q<{ entry: number }>(
      sql`select (config->'tiers'->'silver'->>'entryFen')::int as entry from rule_configs where kind = 'tier' order by version desc limit 1`,
    );
    expect(saved?.entry).toBe(1000);
    await page.context().close();
  });

  it('an admin reviews follow-ups, rep portfolios, staff and the audit log', async () => {
    const page = await signIn('admin', 'admin123456');
    await page.getByRole('menuitem', { name: '跟进任务' }).click();
    await page.getByText('回访金卡权益').waitFor();
    await saveScreenshot(page, SUITE, '12-followups');
    await page.getByRole('menuitem', { name: '顾问分配' }).click();
    await page.getByRole('cell', { name: /销售/ }).first().waitFor();
    await saveScreenshot(page, SUITE, '13-reps');
    await page.getByRole('menuitem', { name: '员工管理' }).click();
    await page.getByRole('cell', { name: 'sales.li' }).waitFor();
    await saveScreenshot(page, SUITE, '14-staff');
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.getByText('导出名单').first().waitFor();
    await page.getByText('修改规则').first().waitFor();
    await saveScreenshot(page, SUITE, '15-audit');
    await page.context().close();
  });

  it('an admin lifts a staff account’s sign-in lock with the 解锁 button, audited', async () => {
    for (let n = 0; n < 5; n++) {
      await fetch(`${test.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'staff.bj', password: `guess-${n}` }),
      });
    }
    const page = await signIn('admin', 'admin123456');
    await page.getByRole('menuitem', { name: '员工管理' }).click();
    const lock = page.getByTestId('staff-lock-staff.bj');
    await lock.getByText(/^至 /).waitFor();
    await saveScreenshot(page, SUITE, '14b-staff-locked');
    await lock.getByRole('button', { name: /解\s*锁/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /解\s*锁/ })
      .click();
    await lock.waitFor({ state: 'detached' });
    const [audit] = await q<{ target_id: string; actor: string }>(
      sql`select a.target_id, s.username as actor from audit_log a join staff_accounts s on s.id = a.actor_staff_id
           where a.action = 'staff.unlock' order by a.id desc limit 1`,
    );
    const [clerk] = await q<{ id: number }>(sql`select id from staff_accounts where username = 'staff.bj'`);
    expect(audit).toEqual({ target_id: String(clerk?.id), actor: 'admin' });
    const signedIn = await fetch(`${test.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'staff.bj', password: 'staff123456' }),
    });
    expect(signedIn.status).toBe(200);
    await page.context().close();
  });

  it('an operator edits a custom segment’s rule and sees the new member count; built-ins offer no editing', async () => {
    await q(
      sql`insert into segments (code, name, kind, rule, member_count, created_at, updated_at)
          values ('all_members', '内置全部会员', 'builtin', '{"all": []}'::jsonb, 0, ${SEEDED_AT}, ${SEEDED_AT})`,
    );
    const page = await signIn('operator', 'operator123456');
    await page.getByRole('menuitem', { name: '人群圈选' }).click();
    const builtinRow = page.locator('.ant-table-row', { hasText: '内置全部会员' });
    await builtinRow.waitFor();
    expect(await builtinRow.getByRole('button', { name: '编辑' }).count()).toBe(0);

    const row = page.locator('.ant-table-row', { hasText: '高等级会员' });
    await row.getByRole('button', { name: '编辑' }).click();
    await page.getByTestId('segment-editing').waitFor();
    await expect.poll(() => page.getByPlaceholder('人群名称').inputValue()).toBe('高等级会员');
    const count = page.getByTestId('segment-count');
    const [high] = await q<{ n: number }>(sql`select count(*)::int as n from members where tier in ('gold', 'diamond')`);
    await expect.poll(() => count.getAttribute('data-count')).toBe(String(high?.n));

    await page.getByTestId('rule-condition').locator('.ant-select').nth(2).click();
    await page.locator('.ant-select-item-option[title="钻石会员"]').click();
    await page.keyboard.press('Escape');
    const [gold] = await q<{ n: number }>(sql`select count(*)::int as n from members where tier = 'gold'`);
    expect(gold?.n).not.toBe(high?.n);
    await expect.poll(() => count.getAttribute('data-count')).toBe(String(gold?.n));
    await page.getByPlaceholder('人群名称').fill('金卡会员人群');
    await saveScreenshot(page, SUITE, '16-segment-edit');
    await page.getByRole('button', { name: '保存修改' }).click();

    const edited = page.locator('.ant-table-row', { hasText: '金卡会员人群' });
    await edited.waitFor();
    await expect.poll(() => edited.locator('td').nth(3).innerText()).toBe(String(gold?.n));
    expect(await page.getByTestId('segment-editing').count()).toBe(0);
    expect(await page.locator('.ant-table-row', { hasText: '高等级会员' }).count()).toBe(0);
    const [saved] = await q<{ member_count: number; rule: unknown }>(
      sql`select member_count, rule from segments where name = '金卡会员人群'`,
    );
    expect(saved).toEqual({ member_count: gold?.n, rule: { all: [{ field: 'tier', op: 'in', value: ['gold'] }] } });
    await saveScreenshot(page, SUITE, '17-segment-edited');
    await page.context().close();
  });

  it('an operator filters members by store, and the next page keeps the filter', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.getByRole('menuitem', { name: '会员' }).click();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(20);
    const [store] = await q<{ id: number; name: string; n: number }>(
      sql`select s.id, s.name, count(m.id)::int as n from stores s join members m on m.store_id = s.id and m.deleted_at is null
           group by s.id, s.name order by n desc, s.id limit 1`,
    );
    expect(store?.n).toBeGreaterThan(40);
    const expected = await q<{ id: number }>(
      sql`select id from members where store_id = ${store?.id} and deleted_at is null order by id desc limit 40`,
    );
    const rowIds = () =>
      page
        .locator('.ant-table-row')
        .evaluateAll((rows) => rows.map((row) => Number(row.querySelector('a')?.getAttribute('href')?.split('/').pop())));

    await page.getByLabel('门店').click();
    await page.locator(`.ant-select-item-option[title="${store?.name}"]`).click();
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(rowIds).toEqual(expected.slice(0, 20).map((m) => m.id));
    expect(await page.locator('.ant-table-row', { hasNotText: store?.name ?? '' }).count()).toBe(0);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, SUITE, '18-members-by-store');

    await page.getByRole('button', { name: /下一页/ }).click();
    await expect.poll(() => page.getByTestId('members-page').innerText()).toBe('第 2 页');
    await expect.poll(rowIds).toEqual(expected.slice(20, 40).map((m) => m.id));
    await page.context().close();
  });

  it('an operator creates a coupon template in the form, in yuan, and sees it in the list', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.getByRole('menuitem', { name: '规则配置' }).click();
    await page.getByRole('tab', { name: '券模板' }).click();
    await page.getByRole('button', { name: '新建优惠券' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('春季满200减30');
    await dialog.getByLabel('使用门槛').fill('200');
    await dialog.getByLabel('减免金额').fill('30');
    await dialog.getByLabel('有效天数').fill('14');
    await dialog.getByLabel('总库存').fill('500');
    await dialog.getByLabel('每人限领').fill('2');
    await saveScreenshot(page, SUITE, '19-coupon-new');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await dialog.getByRole('button', { name: /创\s*建/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.locator('.ant-table-row', { hasText: '春季满200减30' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/满200减30[\s\S]*草稿[\s\S]*0 \/ 500[\s\S]*领取后 14 天内有效/);
    const [created] = await q<Record<string, unknown>>(
      sql`select type, threshold_fen, amount_off_fen, valid_days, total_stock, per_member_limit, points_price, status
            from coupon_templates where name = '春季满200减30'`,
    );
    expect(created).toEqual({
      type: 'amount_off',
      threshold_fen: 20000,
      amount_off_fen: 3000,
      valid_days: 14,
      total_stock: 500,
      per_member_limit: 2,
      points_price: null,
      status: 'draft',
    });
    await saveScreenshot(page, SUITE, '20-coupon-created');
    await page.context().close();
  });
});
