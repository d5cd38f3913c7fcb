import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuild } from '../../../scripts/src/lib/console-build';
import { DEFAULT_CONSOLE_DIR } from '../config';
import { DOCS_PAGE_CSP } from '../openapi/docs-page';
import { launchBrowser } from '../testing/browser';
import { startSeededTestServer } from '../testing/seeded-server';
import type { TestServer } from '../testing/server';
import { API_CSP } from './middleware';
import { CONSOLE_CSP } from './static-site';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchedPage(browser: Browser): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await context.addInitScript(
    `window.__violations = [];
     document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  );
  const page = await context.newPage();
  return { page, violations: () => page.evaluate<string[]>('window.__violations') };
}

/** Tries to run an inline script the way an injected one would; true when it ran. */
function injectedScriptRuns(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(
    `(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.head.append(s); return window.__injected === true; })()`,
  );
}

describe('Content-Security-Policy of the API, the docs page and the console', () => {
  let test: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureConsoleBuild(DEFAULT_CONSOLE_DIR, () => undefined);
    test = await startSeededTestServer('pglite', { now: SEEDED_AT, seed: 'csp', members: 20 });
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await test?.stop();
  });

  it('sends a policy with every API answer, the docs page and the console files', async () => {
    const health = await fetch(`${test.url}/api/health`);
    expect(health.headers.get('content-security-policy')).toBe(API_CSP);
    const docs = await fetch(`${test.url}/api/docs`);
    expect(docs.headers.get('content-security-policy')).toBe(DOCS_PAGE_CSP);
    expect(DOCS_PAGE_CSP).not.toContain('unsafe');
    for (const path of ['/console/', '/console/members']) {
      const page = await fetch(`${test.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy'), path).toBe(CONSOLE_CSP);
    }
  });

  it('the docs page renders every operation under its policy, and an injected script does not run', async () => {
    const { page, violations } = await watchedPage(browser);
    await page.goto(`${test.url}/api/docs`);
    await expect.poll(() => page.locator('details').count(), { timeout: 30_000 }).toBeGreaterThan(50);
    expect(await violations()).toEqual([]);
    expect(await injectedScriptRuns(page)).toBe(false);
    expect(await violations()).toEqual([expect.stringContaining('script-src')]);
    await page.context().close();
  });

  it('the console signs in and draws the dashboard under its policy, and an injected script does not run', async () => {
    const { page, violations } = await watchedPage(browser);
    await page.goto(`${test.url}/console/`);
    await page.getByLabel('账号').fill('operator');
    await page.getByLabel('密码').fill('operator123456');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('current-staff').waitFor({ timeout: 60_000 });
    await page.getByTestId('chart-rfm').locator('canvas').waitFor({ timeout: 60_000 });
    expect(await violations()).toEqual([]);
    expect(await injectedScriptRuns(page)).toBe(false);
    await page.context().close();
  });
});
