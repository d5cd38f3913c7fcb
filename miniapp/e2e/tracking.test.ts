import type { Browser, BrowserContext, Request } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPhonePage } from '../../server/src/testing/browser';
import { query, startShopServer } from './shop-server';

let server: Awaited<ReturnType<typeof startShopServer>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startShopServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

interface SentEvent {
  clientEventId: string;
  type: string;
}

describe('the tracking client', () => {
  it('delivers every event exactly once through a dropped response and a spell offline', async () => {
    const opened = await newPhonePage(browser);
    context = opened.context;
    const { page } = opened;
    const visible = (text: string) => page.getByText(text, { exact: true }).filter({ visible: true }).first();
    const queued = () =>
      page.evaluate(() => {
        const raw = window.localStorage.getItem('tracking.queue');
        return raw === null ? 0 : (JSON.parse(raw) as { data: unknown[] }).data.length;
      });

    const sent: SentEvent[][] = [];
    page.on('request', (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/events')) {
        sent.push((request.postDataJSON() as { events: SentEvent[] }).events);
      }
    });
    // The first batch reaches the server and is stored, but its answer is lost on the way back.
    let droppedAnswers = 0;
    await page.route('**/api/events', async (route) => {
      if (droppedAnswers === 0) {
        droppedAnswers += 1;
        const response = await route.fetch();
        expect(response.status()).toBe(200);
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });

    await page.goto(`${server.url}/h5/#/pages/index/index`);
    await page.getByText('用户隐私保护提示').waitFor();
    await page.locator('[data-testid="product-card"]').first().waitFor();
    expect(await queued(), 'nothing is tracked before consent').toBe(0);
    await visible('同意并继续').click();
    const shopper = await page.evaluate(
      () => (JSON.parse(window.localStorage.getItem('sandbox.shopper') ?? '{}') as { data: string }).data,
    );
    const [member] = await query<{ id: number }>(server, sql`select id from members where openid = ${`o_sandbox_${shopper}`}`);
    const memberId = Number(member?.id);

    // Online: leaving the home page (page view with dwell time) and viewing a product.
    await page.locator('[data-testid="product-card"]').filter({ visible: true }).first().click();
    await page.locator('[data-testid="product-price"]').filter({ visible: true }).waitFor();
    await expect.poll(() => droppedAnswers, { timeout: 20_000 }).toBe(1);
    await expect.poll(queued, { timeout: 20_000 }).toBe(0);

    // Offline: favourite, add to cart and share stay on the phone.
    await context.setOffline(true);
    await visible('收藏').click();
    await visible('加入购物车').click();
    await visible('分享给好友').click();
    await expect.poll(queued).toBe(3);
    await page.waitForTimeout(6_000);
    expect(await queued(), 'still queued after a failed send').toBe(3);

    await context.setOffline(false);
    await expect.poll(queued, { timeout: 30_000 }).toBe(0);

    const sentIds = sent.flat().map((event) => event.clientEventId);
    const distinct = new Set(sentIds);
    expect(sentIds.length, 'some event was sent more than once').toBeGreaterThan(distinct.size);
    const stored = await query<{ client_event_id: string; type: string }>(
      server,
      sql`select client_event_id, type from events where member_id = ${memberId} order by id`,
    );
    expect(stored.map((row) => row.client_event_id).sort()).toEqual([...distinct].sort());
    expect(new Set(stored.map((row) => row.client_event_id)).size).toBe(stored.length);
    expect(stored.map((row) => row.type).sort()).toEqual(
      ['add_to_cart', 'favorite', 'page_view', 'product_view', 'share'].sort(),
    );
    const [homeView] = await query<{ page: string; dwell_ms: number }>(
      server,
      sql`select page, dwell_ms from events where member_id = ${memberId} and type = 'page_view'`,
    );
    expect(homeView?.page).toBe('pages/index/index');
    expect(homeView?.dwell_ms).toBeGreaterThan(0);
  });
});
