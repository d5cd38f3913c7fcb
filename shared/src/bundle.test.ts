import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.ts');

describe('shared bundles for the mini-program', () => {
  it('builds for a browser target with no Node built-ins and stays small', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2017',
      minify: true,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.startsWith('node:') || /(^|\/)node_modules\/@electric-sql\//.test(p))).toEqual([]);
    const bytes = result.outputFiles[0]?.contents.byteLength ?? Infinity;
    // zod plus the domain core; well inside a 2 MB mini-program package.
    expect(bytes).toBeLessThan(600 * 1024);
  });
});
