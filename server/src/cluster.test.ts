import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { HealthResponse } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing/database';
import { liveEnv } from './testing/live-env';

const SERVER_DIR = path.resolve(__dirname, '..');

interface LogLine {
  msg: string;
  pid: number;
  url?: string;
  worker?: number;
  workerPid?: number;
}

/** GET /api/health on a new connection each time, so the cluster's round-robin hands it to the next worker. */
function health(url: string): Promise<{ status: number; body: HealthResponse | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}/api/health`, { agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ status, body: status === 200 ? (JSON.parse(text) as HealthResponse) : undefined });
      });
    });
    request.on('error', reject);
  });
}

describe('WEB_CONCURRENCY=2 on PostgreSQL (the real server as a child process)', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let primary: ChildProcess;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const lines: LogLine[] = [];
  let output = '';

  /** Resolves with the first log line that passes `test`; fails if the cluster exits first. */
  const logLine = (test: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(test);
        if (found) resolve(found);
        return found;
      };
      if (check()) return;
      primary.stdout?.on('data', () => void check());
      void exited.then(({ code }) => reject(new Error(`the cluster exited (${code}) first:\n${output}`)));
    });

  /** Health answers until `done` holds for the pids seen answering 200 (fresh connections, so workers take turns). */
  async function pidsUntil(url: string, done: (pids: Map<number, number | null>) => boolean) {
    const pids = new Map<number, number | null>();
    while (!done(pids)) {
      if (primary.exitCode !== null) throw new Error(`the cluster exited (${primary.exitCode}):\n${output}`);
      const answer = await health(url).catch(() => undefined);
      if (answer?.body) pids.set(answer.body.process.pid, answer.body.process.worker);
    }
    return pids;
  }

  beforeAll(async () => {
    // Not migrated: the primary must do it, once.
    testDatabase = await createTestDatabase('postgres', { migrate: false });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-cluster-'));
    primary = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH,
        ...liveEnv(dataDir),
        HOST: '127.0.0.1',
        DATABASE_URL: testDatabase.url,
        WEB_CONCURRENCY: '2',
        DB_POOL_SIZE: '2',
        DB_JOB_POOL_SIZE: '1',
        LOG_LEVEL: 'info',
        SHUTDOWN_GRACE_MS: '5000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => primary.once('exit', (code, signal) => resolve({ code, signal })));
    let pending = '';
    primary.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete.filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
    });
    primary.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }, 60_000);

  afterAll(async () => {
    if (primary && primary.exitCode === null && primary.signalCode === null) {
      primary.kill('SIGKILL');
      await exited;
    }
    await testDatabase?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates once, serves from two workers, replaces a killed one, and stops with exit 0 on SIGTERM', async () => {
    const { url } = await logLine((line) => line.msg === 'cluster listening');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The workers log when they serve; only then is health asked, so nothing spins while they start.
    await logLine(() => lines.filter((line) => line.msg === 'worker ready').length === 2);
    const serving = await pidsUntil(url ?? '', (pids) => pids.size === 2);
    expect(serving.has(primary.pid ?? 0)).toBe(false);
    for (const worker of serving.values()) expect(worker).toEqual(expect.any(Number));
    const migrations = lines.filter((line) => line.msg === 'database ready');
    expect(migrations.map((line) => line.pid)).toEqual([primary.pid]);

    const [victim, survivor] = [...serving.keys()] as [number, number];
    process.kill(victim, 'SIGKILL');
    const { workerPid: replacementPid } = await logLine(
      (line) => line.msg === 'worker ready' && !serving.has(line.workerPid ?? 0),
    );
    const after = await pidsUntil(url ?? '', (pids) => [...pids.keys()].some((pid) => !serving.has(pid)));
    const replacement = [...after.keys()].find((pid) => !serving.has(pid));
    expect(replacement).toBe(replacementPid);
    expect(lines.some((line) => line.msg === 'worker died; restarting')).toBe(true);
    await pidsUntil(url ?? '', (pids) => pids.has(survivor) && pids.has(replacement ?? 0));

    primary.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(lines.filter((line) => line.msg === 'stopped').length).toBe(2);
    await expect(health(url ?? '')).rejects.toThrow();
  }, 300_000);
});

describe('WEB_CONCURRENCY=2 whose workers cannot start', () => {
  it('stops the cluster with exit 1 instead of restarting them forever', async () => {
    const testDatabase = await createTestDatabase('postgres');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-cluster-'));
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const primary = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: SERVER_DIR,
        env: {
          PATH: process.env.PATH,
          ...liveEnv(dataDir),
          HOST: '127.0.0.1',
          PORT: String((taken.address() as AddressInfo).port),
          DATABASE_URL: testDatabase.url,
          WEB_CONCURRENCY: '2',
          DB_POOL_SIZE: '1',
          DB_JOB_POOL_SIZE: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      primary.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      primary.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exit = await new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
      expect(exit, output).toBe(1);
      expect(output).toMatch(/^server: bind EADDRINUSE 127\.0\.0\.1:\d+$/m);
      expect(output).toMatch(/a worker failed before the cluster served; stopping/);
    } finally {
      taken.close();
      await testDatabase.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
