/** Streams a (possibly gzip-compressed) text file line by line, reporting how many of its bytes were read. */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

export interface FileLines {
  /** Size of the file on disk (compressed, for a .gz). */
  totalBytes: number;
  /** Bytes of the file read so far. */
  bytesRead: () => number;
  lines: AsyncIterable<string>;
}

/** The file's lines (CRLF or LF), decompressed on the fly when it starts with the gzip magic bytes. */
export async function readFileLines(file: string): Promise<FileLines> {
  const totalBytes = (await stat(file)).size;
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => input.destroy(error));
  return {
    totalBytes,
    bytesRead: () => bytesRead,
    lines: createInterface({ input, crlfDelay: Infinity }),
  };
}
