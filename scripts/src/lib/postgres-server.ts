import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A PostgreSQL server for tests: an existing one, or a throwaway cluster this process started. */
export interface PostgresServer {
  url: string;
  version: number;
  started: boolean;
  stop: () => void;
}

async function serverVersion(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return Math.floor(Number(result.rows[0]?.server_version_num) / 10000);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .map(Number)
    .filter((v) => v >= 15)
    .sort((a, b) => a - b);
  for (const version of versions) {
    const bin = path.join(root, String(version), 'bin');
    if (existsSync(path.join(bin, 'initdb'))) return bin;
  }
  return null;
}

function installPostgres(log: (line: string) => void): void {
  if (process.getuid?.() !== 0)
    throw new Error('No PostgreSQL server found and not root: install postgresql-15 or set TEST_PG_URL');
  log('installing PostgreSQL from Debian packages (apt-get install postgresql-15)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql-15'], { stdio: 'inherit', env });
  if (install.status !== 0) execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a PostgreSQL binary as the postgres user when we are root (the server refuses to run as root). */
function runPg(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const result = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${path.basename(bin)} failed: ${result.stderr || result.stdout}`);
}

async function startThrowaway(log: (line: string) => void): Promise<PostgresServer> {
  let bin = findPostgresBin();
  if (!bin) {
    installPostgres(log);
    bin = findPostgresBin();
    if (!bin) throw new Error('PostgreSQL was installed but no initdb ≥ 15 was found under /usr/lib/postgresql');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'member-ops-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const port = await freePort();
  log(`starting a throwaway PostgreSQL (${bin}) on 127.0.0.1:${port}…`);
  runPg(path.join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  runPg(path.join(bin, 'pg_ctl'), [
    '-D',
    dir,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    '-l',
    path.join(dir, 'log'),
    '-w',
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const version = await serverVersion(url);
  if (version === null) throw new Error(`started PostgreSQL but cannot connect to ${url}`);
  return {
    url,
    version,
    started: true,
    stop: () => {
      try {
        runPg(path.join(bin, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * TEST_PG_URL if set; else a server already listening on 127.0.0.1:5432; else a throwaway cluster
 * (installing Debian's PostgreSQL 15 first when no server binaries exist).
 */
export async function ensurePostgresServer(log: (line: string) => void = console.log): Promise<PostgresServer> {
  // TEST_PG_THROWAWAY=1 skips existing servers, to check the path a fresh machine takes.
  if (process.env.TEST_PG_THROWAWAY === '1') return startThrowaway(log);
  const candidates = [process.env.TEST_PG_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter(
    (u): u is string => typeof u === 'string' && u.length > 0,
  );
  for (const url of candidates) {
    const version = await serverVersion(url);
    if (version !== null && version >= 15) return { url, version, started: false, stop: () => undefined };
    if (version !== null) log(`PostgreSQL at ${url} is version ${version}; 15 or later is needed`);
  }
  return startThrowaway(log);
}
