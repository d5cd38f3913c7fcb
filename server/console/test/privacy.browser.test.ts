import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberDataExport } from '@member-ops/shared';
import { ensureConsoleBuild } from '../../../scripts/src/lib/console-build';
import { DEFAULT_CONSOLE_DIR } from '../../src/config';
import { execute } from '../../src/db';
import { launchBrowser, saveScreenshot, signInToConsole } from '../../src/testing/browser';
import { type TestServer } from '../../src/testing/server';
import { startSeededTestServer } from '../../src/testing/seeded-server';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');
const SUITE = 'console-privacy';

describe('member data export and erasure from the console', () => {
  let test: TestServer;
  let browser: Browser;
  let memberId = 0;
  const q = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
    execute<T>(test.testDatabase.database.db, query);

  const signIn = (username: string, password: string): Promise<Page> =>
    signInToConsole(browser, test.url, { username, password }, { acceptDownloads: true });

  beforeAll(async () => {
    await ensureConsoleBuild(DEFAULT_CONSOLE_DIR, () => undefined);
    test = await startSeededTestServer('pglite', { now: SEEDED_AT, seed: 'console-privacy', members: 40 });
    browser = await launchBrowser();
    const [member] = await q<{ id: number }>(
      sql`select m.id from members m where m.phone_hash is not null and m.nickname is not null
             and exists (select 1 from orders o where o.member_id = m.id)
             and not exists (select 1 from orders o where o.member_id = m.id and o.status in ('pending', 'refunding'))
             and not exists (select 1 from refunds r where r.member_id = m.id and r.status in ('pending', 'processing'))
           order by m.id limit 1`,
    );
    memberId = Number(member?.id);
  });
  afterAll(async () => {
    await browser?.close();
    await test?.stop();
  });

  it('an operator sees no export or erase buttons on the member 360', async () => {
    const page = await signIn('operator', 'operator123456');
    await page.goto(`${test.url}/console/members/${memberId}`);
    await page.getByText('等级进度').waitFor();
    await expect(page.getByRole('button', { name: '导出个人数据' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: '注销会员' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('an admin downloads a member’s data, then erases the member after the confirm dialog; both audited', async () => {
    const page = await signIn('admin', 'admin123456');
    await page.goto(`${test.url}/console/members/${memberId}`);
    await page.getByText('等级进度').waitFor();
    await saveScreenshot(page, SUITE, '01-member-360-admin');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出个人数据' }).click(),
    ]);
    const data = JSON.parse(readFileSync(String(await download.path()), 'utf8')) as MemberDataExport;
    expect(data.profile.id).toBe(memberId);
    expect(data.profile.phone).toMatch(/^1\d{10}$/);
    expect(download.suggestedFilename()).toBe(`member-${memberId}-data.json`);

    await page.getByRole('button', { name: '注销会员' }).click();
    await page.getByText('注销会员并删除个人信息').waitFor();
    await saveScreenshot(page, SUITE, '02-erase-confirm');
    await page.getByRole('button', { name: /确认注销/ }).click();
    await page.waitForURL(/\/console\/members$/);
    await page.getByText(`会员 ${memberId} 的个人信息已删除`, { exact: false }).waitFor();
    await saveScreenshot(page, SUITE, '03-erased');

    const [member] = await q<{ openid: string; phone_hash: string | null; nickname: string | null; deleted_at: Date | null }>(
      sql`select openid, phone_hash, nickname, deleted_at from members where id = ${memberId}`,
    );
    expect(member).toMatchObject({ openid: `erased:${memberId}`, phone_hash: null, nickname: null });
    const audits = await q<{ action: string; actor: string }>(
      sql`select a.action, s.username as actor from audit_log a join staff_accounts s on s.id = a.actor_staff_id
           where a.target_type = 'member' and a.target_id = ${String(memberId)} order by a.id`,
    );
    expect(audits).toEqual([
      { action: 'member.export', actor: 'admin' },
      { action: 'member.erase', actor: 'admin' },
    ]);

    // The erased member is gone from the 360 page and the audit page names both actions in Chinese.
    await page.goto(`${test.url}/console/members/${memberId}`);
    await page.getByText('未找到，或不在您的权限范围内（404）').waitFor();
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.getByText('注销会员（删除个人信息）').first().waitFor();
    await page.getByText('导出会员个人数据').first().waitFor();
    await saveScreenshot(page, SUITE, '04-audit');
    await page.context().close();
  });
});
