import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from './errors';
import { readFileLines, type ReadOptions } from './read';

const here = path.dirname(fileURLToPath(import.meta.url));
const TRUNCATED_GZ = path.join(here, 'fixtures/online-retail-truncated.csv.gz');
const CUT_CSV = path.join(here, 'fixtures/online-retail-cut.csv');

async function allLines(file: string, options?: ReadOptions): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of (await readFileLines(file, options)).lines) lines.push(line);
  return lines;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('readFileLines', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'import-read-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('splits LF and CRLF lines, keeping characters split across chunks whole', async () => {
    const file = path.join(dir, 'mixed.csv');
    const long = '龙井'.repeat(50_000);
    await writeFile(file, `a,b\r\n${long}\nlast\r\n`);
    expect(await allLines(file)).toEqual(['a,b', long, 'last']);
    await writeFile(path.join(dir, 'mixed.csv.gz'), gzipSync(`a,b\r\n${long}\nlast\r\n`));
    expect(await allLines(path.join(dir, 'mixed.csv.gz'))).toEqual(['a,b', long, 'last']);
  });

  it('reports the compressed bytes read of a .gz as it goes, reaching the file size at the end', async () => {
    const file = path.join(dir, 'random.csv.gz');
    // Random hex barely compresses, so a line's share of the file is its share of the compressed bytes.
    const text = Array.from({ length: 40_000 }, () => `${randomBytes(32).toString('hex')}\n`).join('');
    await writeFile(file, gzipSync(text));
    const { lines, bytesRead, totalBytes, gzip } = await readFileLines(file);
    expect(gzip).toBe(true);
    const samples: number[] = [];
    let n = 0;
    for await (const _ of lines) if (++n % 4000 === 0) samples.push(bytesRead() / totalBytes);
    expect(n).toBe(40_000);
    expect(bytesRead()).toBe(totalBytes);
    for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeGreaterThanOrEqual(samples[i - 1] ?? 0);
    // After a tenth, half and nine tenths of the lines, the share of bytes read is close (the reader reads ahead
    // by at most a few 64 KiB chunks of a ~1.5 MB file).
    expect(samples[0]).toBeGreaterThan(0.05);
    expect(samples[0]).toBeLessThan(0.25);
    expect(samples[4]).toBeGreaterThan(0.45);
    expect(samples[4]).toBeLessThan(0.65);
    expect(samples[8]).toBeLessThan(1);
  });

  it('fails on a text that stops in the middle of a line, naming the line', async () => {
    const error = await failure(allLines(CUT_CSV));
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toMatch(/online-retail-cut\.csv ends in the middle of line 8 \(no line break after it\)/);
    const file = path.join(dir, 'no-final-break.csv.gz');
    await writeFile(file, gzipSync('a,b\n1,2'));
    expect(((await failure(allLines(file))) as Error).message).toMatch(/ends in the middle of line 2/);
    expect(await allLines(file, { allowUnterminatedLastLine: true })).toEqual(['a,b', '1,2']);
  });

  it('says in one sentence when the file is missing, a folder or a truncated gzip', async () => {
    const missing = await failure(readFileLines(path.join(dir, 'nope.csv')));
    expect(missing).toBeInstanceOf(ImportError);
    expect((missing as Error).message).toBe(`cannot read ${path.join(dir, 'nope.csv')}: no such file`);
    expect(((await failure(readFileLines(dir))) as Error).message).toBe(`cannot read ${dir}: it is not a file`);
    const truncated = await failure(allLines(TRUNCATED_GZ));
    expect(truncated).toBeInstanceOf(ImportError);
    expect((truncated as Error).message).toMatch(/online-retail-truncated\.csv\.gz is a truncated or damaged gzip file/);
    const damaged = path.join(dir, 'damaged.csv.gz');
    const bytes = gzipSync('a,b\n1,2\n');
    bytes[bytes.length - 6] = (bytes[bytes.length - 6] ?? 0) ^ 0xff;
    await writeFile(damaged, bytes);
    expect(((await failure(allLines(damaged))) as Error).message).toMatch(/is a truncated or damaged gzip file/);
  });
});
