import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MINIAPP_DIR = fileURLToPath(new URL('../../../miniapp', import.meta.url));

/**
 * Builds the h5 shop into `h5Dir` when it holds no index.html yet (a fresh clone), printing one line while the
 * build runs and the elapsed time when it is done. Taro exits 0 even when it rejects its configuration, so the
 * result is judged by the index.html it writes.
 */
export async function ensureH5Build(h5Dir: string, log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(h5Dir, 'index.html'))) return;
  const started = Date.now();
  log('Building the h5 shop (miniapp/dist/h5, about 30 s)…');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', ['taro', 'build', '--type', 'h5'], {
      cwd: MINIAPP_DIR,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0 || !existsSync(path.join(h5Dir, 'index.html'))) {
    throw new Error(`The h5 build failed (exit ${code}):\n${output.join('').slice(-4000)}`);
  }
  log(`h5 shop built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
