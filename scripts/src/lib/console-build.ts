import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CONSOLE_WORKSPACE = fileURLToPath(new URL('../../../server/console', import.meta.url));

/** Builds the web console (Vite, a few seconds) into `consoleDir` when a fresh clone has no build yet. */
export async function ensureConsoleBuild(consoleDir: string, log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(consoleDir, 'index.html'))) return;
  const started = Date.now();
  log(`Building the web console into ${consoleDir}…`);
  try {
    await promisify(execFile)('npx', ['vite', 'build', '--outDir', consoleDir], {
      cwd: CONSOLE_WORKSPACE,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const detail = error as { stdout?: string; stderr?: string };
    throw new Error(`The console build failed:\n${`${detail.stdout ?? ''}${detail.stderr ?? ''}`.slice(-4000)}`);
  }
  log(`Console built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
