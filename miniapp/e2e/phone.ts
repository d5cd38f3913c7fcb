import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { horizontalOverflow, launchBrowser, newPhonePage, saveScreenshot } from '../../server/src/testing/browser';

/** A shopper's (or clerk's) phone: a fresh 375×812 browser context on the h5 shop. */
export interface Phone {
  page: Page;
  close: () => Promise<void>;
  /** Opens a route of the shop, e.g. `pages/index/index`, with an optional page-URL query (before the hash). */
  open: (route: string, search?: string) => Promise<void>;
  /** Saves a screenshot of the current page and checks nothing is wider than the screen. */
  shot: (name: string) => Promise<void>;
  /** Fills the text input inside a Taro Input carrying `data-testid`. */
  fill: (testId: string, value: string) => Promise<void>;
  /** Taro's h5 router keeps earlier pages in the DOM, hidden: these find only what the user can see. */
  visible: (text: string) => Locator;
  visibleTestId: (testId: string) => Locator;
  /** What the shop keeps in localStorage under `key` (Taro stores `{ data }` JSON). */
  stored: <T>(key: string) => Promise<T | undefined>;
}

export async function openPhone(browser: Browser, baseUrl: string, suite: string): Promise<Phone> {
  const { context, page } = await newPhonePage(browser);
  return {
    page,
    close: () => context.close(),
    open: async (route, search = '') => {
      await page.goto(`${baseUrl}/h5/${search}#/${route}`);
    },
    shot: async (name) => {
      await page.waitForTimeout(400);
      await saveScreenshot(page, suite, name);
      expect(await horizontalOverflow(page), `${name}: content wider than the screen`).toBeLessThanOrEqual(0);
    },
    fill: async (testId, value) => {
      const input = page
        .locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`)
        .filter({ visible: true })
        .first();
      await input.fill(value);
    },
    visible: (text) => page.getByText(text, { exact: true }).filter({ visible: true }).first(),
    visibleTestId: (testId) => page.locator(`[data-testid="${testId}"]`).filter({ visible: true }),
    stored: async <T>(key: string) => {
      const raw = await page.evaluate((name) => window.localStorage.getItem(name), key);
      if (raw === null) return undefined;
      const parsed = JSON.parse(raw) as { data?: T } | T;
      return typeof parsed === 'object' && parsed !== null && 'data' in parsed ? (parsed as { data: T }).data : (parsed as T);
    },
  };
}

/** Headless Chromium with one phone on the shop at `baseUrl`; `close` closes both. */
export async function launchPhone(baseUrl: string, suite: string): Promise<Phone> {
  const browser = await launchBrowser();
  try {
    const phone = await openPhone(browser, baseUrl, suite);
    return { ...phone, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
