import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/src/test-all.ts installs it with fonts-noto-cjk when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** An iPhone X-sized screen, the viewport every shop page must fit. */
export const PHONE_VIEWPORT = { width: 375, height: 812 } as const;

/** Screenshots land in <repo>/.artifacts/browser/<suite>/ (git-ignored), kept after the run for people to look at. */
export const ARTIFACTS_ROOT = fileURLToPath(new URL('../../../.artifacts/browser', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium with a fresh profile (playwright creates and removes a temporary user-data-dir). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A phone-sized context in Chinese and Shanghai time, as a shopper in the mini-program would see the shop. */
export async function newPhonePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * Signs a staff account into the web console at `baseUrl` in a new desktop-sized context in Chinese and Shanghai
 * time, and returns the page once the console shows who is signed in.
 */
export async function signInToConsole(
  browser: Browser,
  baseUrl: string,
  account: { username: string; password: string },
  options: { acceptDownloads?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('账号').fill(account.username);
  await page.getByLabel('密码').fill(account.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('current-staff').waitFor();
  return page;
}

/** The folder for one suite's screenshots, created on first use. */
export function artifactDir(suite: string): string {
  const dir = path.join(ARTIFACTS_ROOT, suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a viewport screenshot as <suite>/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, suite: string, name: string): Promise<string> {
  const file = path.join(artifactDir(suite), `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Horizontal overflow on the current page (content wider than the viewport), in CSS pixels. */
export function horizontalOverflow(page: Page): Promise<number> {
  // A string expression: the server is compiled without the DOM library.
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}
