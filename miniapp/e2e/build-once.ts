/**
 * Vitest global setup: builds the weapp and h5 targets before any test reads them. A target is rebuilt when any
 * source (the mini-program, shared/, the build config) is newer than its last successful build, so a stale folder
 * never passes for a fresh build; the output is removed first because Taro exits 0 even when it rejects its config.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = [
  path.join(appDir, 'src'),
  path.join(appDir, 'config'),
  path.join(appDir, 'babel.config.json'),
  path.resolve(appDir, '../shared/src'),
];
const STAMP = '.built-at';
/** What each target must have written for the build to count. */
const OUTPUT_MARKERS: Record<'weapp' | 'h5', string> = { weapp: 'app.json', h5: 'index.html' };

function newestSourceMs(): number {
  let newest = 0;
  const visit = (entry: string) => {
    const info = statSync(entry);
    if (info.isDirectory()) {
      for (const child of readdirSync(entry)) if (!child.endsWith('.test.ts')) visit(path.join(entry, child));
    } else newest = Math.max(newest, info.mtimeMs);
  };
  for (const source of SOURCES) if (existsSync(source)) visit(source);
  return newest;
}

export async function buildTarget(target: 'weapp' | 'h5'): Promise<void> {
  const outDir = path.join(appDir, 'dist', target);
  const stamp = path.join(outDir, STAMP);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSourceMs()) return;
  rmSync(outDir, { recursive: true, force: true });
  await promisify(execFile)('npx', ['taro', 'build', '--type', target], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!existsSync(path.join(outDir, OUTPUT_MARKERS[target])))
    throw new Error(`taro build --type ${target} wrote no ${OUTPUT_MARKERS[target]}`);
  writeFileSync(stamp, new Date().toISOString());
}

export default async function setup(): Promise<void> {
  await buildTarget('weapp');
  await buildTarget('h5');
}
