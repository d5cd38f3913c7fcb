/**
 * `npm test`: makes sure a PostgreSQL server is there (see ensurePostgresServer), then runs every
 * workspace's Vitest suite and prints one total line: "tests: N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBrowserDeps } from './lib/browser-deps';
import { ensurePostgresServer } from './lib/postgres-server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Suite {
  workspace: string;
  args: string[];
}

const suites: Suite[] = [
  { workspace: 'shared', args: ['--coverage'] },
  { workspace: 'server', args: [] },
  { workspace: 'server/console', args: [] },
  { workspace: 'scripts', args: [] },
  { workspace: 'miniapp', args: [] },
];

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

async function main(): Promise<number> {
  const started = Date.now();
  const pgServer = await ensurePostgresServer((line) => console.log(`[test] ${line}`));
  console.log(`[test] PostgreSQL ${pgServer.version} at ${pgServer.url}${pgServer.started ? ' (throwaway)' : ''}`);
  ensureBrowserDeps((line) => console.log(`[test] ${line}`));
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-vitest-'));
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let exitCode = 0;
  try {
    for (const suite of suites) {
      console.log(`\n[test] ── ${suite.workspace} ──`);
      const reportFile = path.join(reportDir, `${suite.workspace}.json`);
      const run = spawnSync(
        'npx',
        ['vitest', 'run', ...suite.args, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`],
        {
          cwd: path.join(root, suite.workspace),
          stdio: 'inherit',
          env: { ...process.env, TEST_PG_URL: pgServer.url, FORCE_COLOR: process.env.CI ? '0' : '1' },
        },
      );
      let report: VitestJson | null = null;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJson;
      } catch {
        report = null;
      }
      if (run.status !== 0 || report === null) exitCode = 1;
      if (report === null) {
        console.log(`[test] ${suite.workspace}: no report (vitest exit ${run.status}) — counted as a failure`);
        totals.failed += 1;
        continue;
      }
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.skipped += report.numPendingTests + report.numTodoTests;
      if (report.numTotalTests === 0) {
        console.log(`[test] ${suite.workspace}: ran no test — counted as a failure`);
        totals.failed += 1;
        exitCode = 1;
      }
    }
  } finally {
    pgServer.stop();
    rmSync(reportDir, { recursive: true, force: true });
  }
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(`\n[test] finished in ${minutes} min`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed > 0 ? 1 : exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
