/**
 * Reads the weapp build (made by the global setup) and checks it against WeChat's package limits: the main package (everything
 * outside the subpackage roots) and every subpackage, plus the tab bar icon rules.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const MB = 1024 * 1024;
const MAIN_PACKAGE_LIMIT = 1.5 * MB; // WeChat allows 2 MB; the rest is headroom for what the shop adds later.
const SUBPACKAGE_LIMIT = 2 * MB;
const TAB_ICON_LIMIT = 40 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(appDir, 'dist', 'weapp');

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  tabBar?: { list: { pagePath: string; iconPath?: string; selectedIconPath?: string }[] };
}

let appJson: AppJson;
let fileSizes: Map<string, number>;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

function bytesUnder(root: string | null, subpackageRoots: string[]): number {
  let total = 0;
  for (const [file, size] of fileSizes) {
    const owner = subpackageRoots.find((subRoot) => file.startsWith(`${subRoot}/`)) ?? null;
    if (owner === root) total += size;
  }
  return total;
}

beforeAll(async () => {
  // e2e/build-once.ts (the global setup) has just built dist/weapp from the current sources.
  expect(existsSync(path.join(outDir, 'app.json')), 'taro build wrote no app.json').toBe(true);
  appJson = JSON.parse(await readFile(path.join(outDir, 'app.json'), 'utf8')) as AppJson;
  fileSizes = new Map();
  for (const file of await listFiles(outDir)) {
    fileSizes.set(path.relative(outDir, file).split(path.sep).join('/'), (await stat(file)).size);
  }
});

describe('weapp build', () => {
  it('emits a script for every page of the main package and of each subpackage', () => {
    const pages = [
      ...appJson.pages,
      ...(appJson.subPackages ?? []).flatMap((sub) => sub.pages.map((page) => `${sub.root}/${page}`)),
    ];
    expect(appJson.subPackages?.map((sub) => sub.root)).toEqual(['shop', 'staff']);
    for (const page of pages) expect(fileSizes.get(`${page}.js`), `${page}.js`).toBeGreaterThan(0);
  });

  it('keeps the main package within 1.5 MB', () => {
    const roots = (appJson.subPackages ?? []).map((sub) => sub.root);
    const mainBytes = bytesUnder(null, roots);
    expect(mainBytes).toBeGreaterThan(0);
    expect(mainBytes).toBeLessThanOrEqual(MAIN_PACKAGE_LIMIT);
  });

  it('keeps every subpackage within 2 MB', () => {
    const roots = (appJson.subPackages ?? []).map((sub) => sub.root);
    for (const root of roots) {
      const subBytes = bytesUnder(root, roots);
      expect(subBytes, root).toBeGreaterThan(0);
      expect(subBytes, root).toBeLessThanOrEqual(SUBPACKAGE_LIMIT);
    }
  });

  it('ships every tab bar icon as a PNG of at most 40 KB', async () => {
    const icons = (appJson.tabBar?.list ?? []).flatMap((item) => [item.iconPath, item.selectedIconPath]);
    expect(icons).toHaveLength(8);
    for (const icon of icons) {
      expect(icon, 'tab bar item without an icon').toBeDefined();
      const bytes = await readFile(path.join(outDir, icon ?? ''));
      expect(bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE), icon).toBe(true);
      expect(bytes.length, icon).toBeLessThanOrEqual(TAB_ICON_LIMIT);
    }
  });

  it('bundles the shared tier helpers into the member page', async () => {
    const script = await readFile(path.join(outDir, 'pages/member/index.js'), 'utf8');
    // The minifier may keep the Chinese template text as is or escape it as \\uXXXX.
    const escaped = [...'即可升级'].map((char) => `\\u${char.charCodeAt(0).toString(16)}`).join('');
    expect(script.includes('即可升级') || script.toLowerCase().includes(escaped)).toBe(true);
  });
});
