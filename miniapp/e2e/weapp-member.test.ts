// @vitest-environment jsdom
/**
 * Renders the member centre from the real weapp build (dist/weapp) with miniprogram-simulate: WeChat's official
 * template compiler, Taro's runtime and our page code, with `wx.request` answering as the API would.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import simulate from 'miniprogram-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const BUILD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/weapp');
// The workspace is an ES module package; WeChat's scripts are CommonJS, so they run from a copy marked as such.
const WEAPP_DIR = mkdtempSync(path.join(os.tmpdir(), 'weapp-simulate-'));
const NOW = Date.now();
const DAY = 86_400_000;

/** GET /api/me as the server answers for a silver member ¥1,234 short of gold. */
const ME = {
  id: 7,
  nickname: '林小满',
  avatarUrl: null,
  gender: 'female',
  birthday: null,
  region: null,
  hasPhone: true,
  maskedPhone: '138****8000',
  tier: 'silver',
  tierLabel: '银卡会员',
  pointsBalance: 3_210,
  tierProgress: {
    tier: 'silver',
    keepUntil: new Date(NOW + 200 * DAY).toISOString(),
    growthFen: 376_600,
    next: { tier: 'gold', amountFen: 123_400, by: '2027-03-31T15:59:59.999Z' },
    keep: null,
    ratio: 0.7532,
    upgradeHint: '再消费¥1,234.00（2027-03-31前）即可升级金卡会员',
    keepHint: null,
  },
  lifecycle: 'active',
  lifecycleLabel: '活跃',
  preferences: { topCategories: ['茶叶'], topBrands: [], priceBand: 'mid' },
  registeredAt: new Date(NOW - 400 * DAY).toISOString(),
  privacyConsentAt: new Date(NOW - 400 * DAY).toISOString(),
};

const requests: string[] = [];
const storage = new Map<string, unknown>([
  ['member.token', 'a-session-token-for-the-weapp-test'],
  ['privacy.consentAt', new Date(NOW - DAY).toISOString()],
]);

interface RequestOptions {
  url: string;
  success?: (result: { statusCode: number; data: unknown; header: Record<string, string> }) => void;
  complete?: () => void;
}

function installWechatGlobals(): { app: () => Record<string, (...args: unknown[]) => unknown> } {
  const host = globalThis as unknown as Record<string, unknown>;
  const simulated = host.wx as Record<string, unknown>;
  const overrides: Record<string, unknown> = {
    request: (options: RequestOptions) => {
      requests.push(options.url);
      const found = new URL(options.url).pathname === '/api/me';
      setTimeout(() => {
        options.success?.({
          statusCode: found ? 200 : 404,
          data: found ? ME : { error: { code: 'NOT_FOUND', message: 'x' } },
          header: {},
        });
        options.complete?.();
      }, 0);
      return { abort: () => undefined };
    },
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2, platform: 'devtools', SDKVersion: '3.0.0' }),
    getLaunchOptionsSync: () => ({ path: 'pages/member/index', query: {}, scene: 1001 }),
  };
  // Taro's runtime probes many wx APIs at start; the ones this page does not need answer with nothing.
  host.wx = new Proxy(simulated, {
    get: (target, key: string) => {
      if (key in overrides) return overrides[key];
      if (key in target || key === 'webpackJsonp') return target[key];
      return () => ({});
    },
  });
  let appOptions: Record<string, (...args: unknown[]) => unknown> = {};
  const pages: unknown[] = [];
  host.App = (options: typeof appOptions) => {
    appOptions = options;
  };
  host.getApp = () => appOptions;
  host.getCurrentPages = () => pages;
  // A page as a component: miniprogram-simulate renders components; Taro's page methods run on it unchanged.
  host.Page = (options: Record<string, unknown>) => {
    const methods: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (typeof value === 'function') methods[key] = value;
    const component = host.Component as (definition: Record<string, unknown>) => void;
    component({
      data: options.data ?? {},
      methods,
      lifetimes: {
        attached(this: Record<string, (...args: unknown[]) => unknown> & { route: string }) {
          this.route = 'pages/member/index';
          pages.push(this);
          this.onLoad?.call(this, {});
          this.onShow?.call(this);
        },
        ready(this: Record<string, (...args: unknown[]) => unknown>) {
          this.onReady?.call(this);
        },
      },
    });
  };
  return { app: () => appOptions };
}

let rendered: ReturnType<typeof simulate.render>;

beforeAll(async () => {
  cpSync(BUILD_DIR, WEAPP_DIR, { recursive: true });
  writeFileSync(path.join(WEAPP_DIR, 'package.json'), '{"type":"commonjs"}');
  const { app } = installWechatGlobals();
  require(path.join(WEAPP_DIR, 'app.js'));
  app().onLaunch?.call(app(), { path: 'pages/member/index', query: {}, scene: 1001 });
  const id = simulate.load(path.join(WEAPP_DIR, 'pages/member/index'), { compiler: 'official', rootPath: WEAPP_DIR });
  rendered = simulate.render(id);
  rendered.attach(document.createElement('parent-wrapper'));
  for (let attempt = 0; attempt < 50 && !rendered.dom.textContent?.includes('银卡会员'); attempt += 1) await simulate.sleep(20);
}, 60_000);

afterAll(() => rmSync(WEAPP_DIR, { recursive: true, force: true }));

describe('the weapp member centre (miniprogram-simulate)', () => {
  it('loads the signed-in member from the API', () => {
    expect(requests.map((url) => new URL(url).pathname)).toContain('/api/me');
  });

  it('shows the tier card with the tier, growth value and the shared upgrade hint', () => {
    const text = rendered.dom.textContent ?? '';
    expect(text).toContain('林小满');
    expect(text).toContain('银卡会员');
    expect(text).toContain('成长值 ¥3,766.00');
    expect(text).toContain('再消费¥1,234.00（2027-03-31前）即可升级金卡会员');
    expect(text).toContain('3210');
  });

  it('draws the progress bar at the tier ratio', () => {
    const html = rendered.dom.innerHTML;
    expect(html).toMatch(/member-card--silver/);
    expect(html).toMatch(/width:\s*75%/);
  });
});
