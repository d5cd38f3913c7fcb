import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The browser the h5 tests drive (Debian's build) and the CJK fonts it needs to draw Chinese text. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CJK_FONT_DIR = '/usr/share/fonts/opentype/noto';

function missingPackages(): string[] {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push('chromium');
  const fonts = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  const hasCjk = fonts.status === 0 ? fonts.stdout.trim() !== '' : existsSync(CJK_FONT_DIR);
  if (!hasCjk) missing.push('fonts-noto-cjk');
  return missing;
}

/**
 * Makes sure Chromium and a CJK font are installed before the browser tests (installing them with apt-get when
 * running as root, as ensurePostgresServer does for PostgreSQL).
 */
export function ensureBrowserDeps(log: (line: string) => void): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Browser tests need ${missing.join(' and ')}: apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(', ')} from Debian packages for the browser tests…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}
