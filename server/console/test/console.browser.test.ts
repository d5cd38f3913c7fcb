import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuild } from '../../../scripts/src/lib/console-build';
import { seedDemoShop } from '../../../scripts/src/seed';
import { DEFAULT_CONSOLE_DIR } from '../../src/config';
import { execute } from '../../src/db';
import { launchBrowser, saveScreenshot } from '../../src/testing/browser';
import { startTestServer, type TestServer } from '../../src/testing/server';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');
const SUITE = 'console';
const phoneKeys = { encryptionKey: Buffer.alloc(32, 7), hashKey: Buffer.alloc(32, 9) };

describe('web console in Chromium against the real server', () => {
  let test: TestServer;
  let browser: Browser;
  const q = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
    execute<T>(test.testDatabase.database.db, query);

  async function signIn(username: string, password: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(`${test.url}/console/`);
    await page.getByLabel('账号').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('current-staff').waitFor();
    return page;
  }

  beforeAll(async () => {
    await ensureConsoleBuild(DEFAULT_CONSOLE_DIR, () => undefined);
    test = await startTestServer('pglite', {
      now: SEEDED_AT,
      env: {
        PHONE_ENCRYPTION_KEY: phoneKeys.encryptionKey.toString('base64'),
        PHONE_HASH_KEY: phoneKeys.hashKey.toString('base64'),
      },
    });
    await seedDemoShop(test.testDatabase.database, { phoneKeys, now: SEEDED_AT, seed: 'console-browser', members: 300 });
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
});
