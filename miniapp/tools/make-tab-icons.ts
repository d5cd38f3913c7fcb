/**
 * Draws the tab bar icons as PNGs (the weapp tab bar takes PNG/JPG only, ≤ 40 KB, 81×81 px recommended).
 * Run after changing a shape or a colour: `npx tsx tools/make-tab-icons.ts` from miniapp/.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 81;
const SUBSAMPLES = 4;
const INACTIVE = [0x8a, 0x8a, 0x8a] as const;
const ACTIVE = [0xc8, 0x10, 0x2e] as const;

/** A shape in unit coordinates: (0,0) is the top-left corner, (1,1) the bottom-right. */
type Shape = (x: number, y: number) => boolean;

const rect =
  (x0: number, y0: number, x1: number, y1: number): Shape =>
  (x, y) =>
    x >= x0 && x <= x1 && y >= y0 && y <= y1;
const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));
const minus =
  (shape: Shape, hole: Shape): Shape =>
  (x, y) =>
    shape(x, y) && !hole(x, y);

/** Triangle with apex (0.5, top) and base from (left, bottom) to (right, bottom). */
const roof =
  (top: number, bottom: number, left: number, right: number): Shape =>
  (x, y) => {
    if (y < top || y > bottom) return false;
    const t = (y - top) / (bottom - top);
    return Math.abs(x - 0.5) <= t * ((right - left) / 2);
  };

const SHAPES: Record<string, Shape> = {
  home: minus(union(roof(0.12, 0.48, 0.08, 0.92), rect(0.2, 0.46, 0.8, 0.88)), rect(0.41, 0.62, 0.59, 0.88)),
  category: union(
    rect(0.14, 0.14, 0.45, 0.45),
    rect(0.55, 0.14, 0.86, 0.45),
    rect(0.14, 0.55, 0.45, 0.86),
    rect(0.55, 0.55, 0.86, 0.86),
  ),
  cart: union(
    rect(0.06, 0.16, 0.23, 0.23),
    rect(0.17, 0.16, 0.23, 0.34),
    (x, y) => y >= 0.28 && y <= 0.62 && x >= 0.2 + (y - 0.28) * 0.25 && x <= 0.9 - (y - 0.28) * 0.25,
    rect(0.28, 0.66, 0.8, 0.71),
    circle(0.34, 0.82, 0.075),
    circle(0.74, 0.82, 0.075),
  ),
  member: union(circle(0.5, 0.32, 0.18), minus(circle(0.5, 0.98, 0.38), rect(0, 0.9, 1, 1))),
};

function renderRgba(shape: Shape, [r, g, b]: readonly [number, number, number]): Buffer {
  // Each row starts with PNG filter type 0 (None).
  const rowBytes = 1 + SIZE * 4;
  const raw = Buffer.alloc(rowBytes * SIZE);
  for (let py = 0; py < SIZE; py++) {
    raw[py * rowBytes] = 0;
    for (let px = 0; px < SIZE; px++) {
      let covered = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          if (shape((px + (sx + 0.5) / SUBSAMPLES) / SIZE, (py + (sy + 0.5) / SUBSAMPLES) / SIZE)) covered++;
        }
      }
      const at = py * rowBytes + 1 + px * 4;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
      raw[at + 3] = Math.round((covered / SUBSAMPLES ** 2) * 255);
    }
  }
  return raw;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(rgbaRows: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rgbaRows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/assets/tab-bar');
for (const [name, shape] of Object.entries(SHAPES)) {
  writeFileSync(path.join(outDir, `${name}.png`), encodePng(renderRgba(shape, INACTIVE)));
  writeFileSync(path.join(outDir, `${name}-active.png`), encodePng(renderRgba(shape, ACTIVE)));
}
