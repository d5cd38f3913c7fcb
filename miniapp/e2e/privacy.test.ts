import { readFileSync } from 'node:fs';
import type { Request } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberDataExport } from '@member-ops/shared';
import { type Phone, launchPhone } from './phone';
import { query, startShopServer } from './shop-server';

const SUITE = 'privacy';
let server: Awaited<ReturnType<typeof startShopServer>>;
let phone: Phone;

beforeAll(async () => {
  server = await startShopServer();
  phone = await launchPhone(server.url, SUITE);
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

describe('privacy in the mini-program', () => {
  const eventPosts: Request[] = [];
  const queued = async () => (await phone.stored<unknown[]>('tracking.queue'))?.length ?? 0;
  const memberOf = async (shopper: string) =>
    (
      await query<{ id: number; privacy_consent_at: Date | null }>(
        server,
        sql`select id, privacy_consent_at from members where openid = ${`o_sandbox_${shopper}`}`,
      )
    )[0];

  it('tracks nothing and sends nothing before consent; a stale device consent is dropped at the server’s refusal', async () => {
    phone.page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/events')) eventPosts.push(request);
    });
    await phone.open('pages/index/index');
    await phone.page.getByText('用户隐私保护提示').waitFor();
    await phone.visible('暂不同意').click();
    await phone.page.locator('[data-testid="product-card"]').filter({ visible: true }).first().click();
    await phone.visibleTestId('product-price').waitFor();
    // Leaving the home page is a page view and opening a product a product view: both are tracked synchronously
    // when they happen, so an empty queue now means nothing was kept.
    expect(await queued()).toBe(0);
    await phone.visible('收藏').click();
    expect(await queued()).toBe(0);

    // The device believes it has consent (e.g. left from an erased membership), the server does not.
    const shopper = String(await phone.stored<string>('sandbox.shopper'));
    const member = await memberOf(shopper);
    expect(member?.privacy_consent_at).toBeNull();
    await phone.page.evaluate(() =>
      window.localStorage.setItem('privacy.consentAt', JSON.stringify({ data: '2026-01-01T00:00:00.000Z' })),
    );
    await phone.visible('加入购物车').click();
    await phone.visible('分享给好友').click();
    // The batch goes out once, is refused, and the client forgets both the queue and its consent.
    await expect.poll(() => eventPosts.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const refused = await eventPosts[0]?.response();
    expect(refused?.status()).toBe(403);
    expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe('CONSENT_REQUIRED');
    await expect.poll(queued, { timeout: 20_000 }).toBe(0);
    await expect.poll(() => phone.stored<string>('privacy.consentAt')).toBeUndefined();
    const [stored] = await query<{ n: number }>(
      server,
      sql`select count(*)::int as n from events where member_id = ${member?.id}`,
    );
    expect(stored?.n).toBe(0);
    await phone.visible('加入购物车').click();
    expect(await queued()).toBe(0);
    expect(eventPosts).toHaveLength(1);
  });

  it('downloads the member’s data from the member centre and erases the membership after confirming twice', async () => {
    const shopper = String(await phone.stored<string>('sandbox.shopper'));
    const member = await memberOf(shopper);
    await phone.open('shop/pages/privacy/index');
    await phone.visibleTestId('privacy-consent').waitFor();
    expect(await phone.visibleTestId('privacy-consent').innerText()).toContain('尚未同意');
    await phone.shot('01-privacy-page');

    const [download] = await Promise.all([phone.page.waitForEvent('download'), phone.visibleTestId('export-button').click()]);
    const data = JSON.parse(readFileSync(String(await download.path()), 'utf8')) as MemberDataExport;
    expect(data.profile).toMatchObject({ id: Number(member?.id), openid: `o_sandbox_${shopper}` });
    expect(download.suggestedFilename()).toMatch(/^我的会员数据-\d{4}-\d{2}-\d{2}\.json$/);
    await phone.visibleTestId('export-summary').waitFor();
    await phone.shot('02-exported');

    await phone.visibleTestId('erase-button').click();
    await phone.visible('继续').click();
    await phone.page.getByText('确定注销会员并删除个人信息吗？').waitFor();
    await phone.shot('03-confirm-erase');
    await phone.visible('确定注销').click();
    await phone.page.getByText('您的个人信息已删除。再次使用商城将作为新会员。').waitFor();
    const [erased] = await query<{ openid: string; deleted_at: Date | null }>(
      server,
      sql`select openid, deleted_at from members where id = ${member?.id}`,
    );
    expect(erased).toMatchObject({ openid: `erased:${member?.id}` });
    expect(erased?.deleted_at).toBeInstanceOf(Date);
    expect(await phone.stored<string>('member.token')).toBeUndefined();
    await phone.visible('确定').click();
    // Back on the home page a new membership begins (signed in afresh with the same WeChat identity).
    await phone.page.waitForURL(/pages\/index\/index/);
    await phone.page.locator('[data-testid="product-card"]').filter({ visible: true }).first().waitFor();
    await phone.shot('04-after-erase');
    const fresh = async () => Number((await memberOf(shopper))?.id ?? 0);
    await expect.poll(fresh, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await fresh()).not.toBe(Number(member?.id));
  });
});
