/**
 * Streams a (possibly gzip-compressed) text file line by line, reporting how many of its bytes were read and
 * whether its last line was cut off. A file that cannot be read, a damaged or truncated gzip stream and a text
 * that stops in the middle of a line are ImportErrors with one clear sentence.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ImportError } from './errors';

const GZIP_MAGIC = [0x1f, 0x8b];
/** Small chunks keep the bytes-read figure close to what the parser has seen. */
const CHUNK_BYTES = 64 * 1024;

export interface FileLines {
  /** Size of the file on disk (compressed, for a .gz). */
  totalBytes: number;
  /** Bytes of the file on disk read so far (compressed bytes for a .gz). */
  bytesRead: () => number;
  gzip: boolean;
  /**
   * The file's lines without their line breaks (LF or CRLF). Iterating fails with an ImportError when the file
   * ends in the middle of a line, unless `allowUnterminatedLastLine` was given.
   */
  lines: AsyncIterable<string>;
}

export interface ReadOptions {
  /** Yield a last line that has no line break after it instead of failing (for files known to be whole). */
  allowUnterminatedLastLine?: boolean;
}

function systemErrorText(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error.message;
  }
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;
}

/** What went wrong while reading `file`, as an ImportError; anything unexpected is passed on as it is. */
function readFailure(file: string, error: unknown, gzip: boolean): unknown {
  if (error instanceof ImportError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
    const reason = code === 'Z_BUF_ERROR' ? 'the compressed data ends early' : (error as Error).message;
    return new ImportError(`${file} is a truncated or damaged gzip file (${reason}); nothing was imported`);
  }
  if (isSystemError(error)) return new ImportError(`cannot read ${file}: ${systemErrorText(error)}`);
  return error;
}

/** Opens `file` and tells whether it starts with the gzip magic bytes. */
async function probe(file: string): Promise<{ totalBytes: number; gzip: boolean }> {
  try {
    const handle = await open(file, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new ImportError(`cannot read ${file}: it is not a file`);
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
      return { totalBytes: stats.size, gzip: bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1] };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw readFailure(file, error, false);
  }
}

async function* splitLines(
  file: string,
  input: AsyncIterable<Buffer>,
  seen: { lines: number },
  options: ReadOptions,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    rest += decoder.write(chunk);
    let start = 0;
    for (let newline = rest.indexOf('\n'); newline !== -1; newline = rest.indexOf('\n', start)) {
      const end = newline > start && rest.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      seen.lines++;
      yield rest.slice(start, end);
      start = newline + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest === '') return;
  seen.lines++;
  if (!options.allowUnterminatedLastLine) {
    throw new ImportError(
      `${file} ends in the middle of line ${seen.lines} (no line break after it), so the file looks cut off; ` +
        'nothing was imported (if the file is complete, add a line break at its end)',
    );
  }
  yield rest;
}

/** The file's lines (CRLF or LF), decompressed on the fly when it starts with the gzip magic bytes. */
export async function readFileLines(file: string, options: ReadOptions = {}): Promise<FileLines> {
  const { totalBytes, gzip } = await probe(file);
  let bytesRead = 0;
  async function* lines(): AsyncGenerator<string> {
    const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    raw.on('data', (chunk) => {
      bytesRead += chunk.length;
    });
    let input: Readable = raw;
    if (gzip) {
      const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
      raw.on('error', (error) => gunzip.destroy(error));
      input = raw.pipe(gunzip);
    }
    try {
      yield* splitLines(file, input, { lines: 0 }, options);
    } catch (error) {
      throw readFailure(file, error, gzip);
    } finally {
      input.destroy();
      raw.destroy();
    }
  }
  return { totalBytes, bytesRead: () => bytesRead, gzip, lines: lines() };
}
