import { describe, expect, it } from 'vitest';
import { formatProgressLine, plainProgress, progressAmount, progressPercent } from './progress';

describe('progressPercent', () => {
  it('is the whole percentage done, rounded down, reaching 100 only when done', () => {
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(2, 3)).toBe(66);
    expect(progressPercent(3, 3)).toBe(100);
    expect(progressPercent(14, 100)).toBe(14);
    expect(progressPercent(1_048_576, 7_553_960)).toBe(13);
    expect(progressPercent(999, 1000)).toBe(99);
    expect(progressPercent(0, 0)).toBe(100);
    expect(progressPercent(5, 4)).toBe(100);
  });
});

describe('formatProgressLine', () => {
  it('prints stage counters and byte counts with their real percentage', () => {
    expect(formatProgressLine('segments', 'stats', 1, 3)).toBe('segments stats: 1/3 (33%)');
    expect(formatProgressLine('import', 'members', 1, 5)).toBe('import members: 1/5 (20%)');
    expect(formatProgressLine('import', 'reading file', 1_048_576, 7_553_960, 'bytes')).toBe(
      'import reading file: 1.0/7.2 MB (13%)',
    );
    expect(progressAmount(700, 1799, 'bytes')).toBe('0.7/1.8 KB');
  });
});

describe('plainProgress', () => {
  it('prints a line when a stage starts, at each further tenth and at the end, never a stale percentage', () => {
    const lines: string[] = [];
    const progress = plainProgress('import', (line) => lines.push(line.trimEnd()));
    for (let done = 0; done <= 1000; done += 7) progress.update('reading file', done, 1000);
    progress.update('reading file', 1000, 1000);
    for (let step = 0; step <= 3; step++) progress.update(`stage ${step}`, step, 3);
    expect(lines.slice(0, 3)).toEqual([
      'import reading file: 0/1000 (0%)',
      'import reading file: 105/1000 (10%)',
      'import reading file: 203/1000 (20%)',
    ]);
    expect(lines.filter((line) => line.startsWith('import reading file'))).toHaveLength(11);
    expect(lines.at(-5)).toBe('import reading file: 1000/1000 (100%)');
    expect(lines.slice(-4)).toEqual([
      'import stage 0: 0/3 (0%)',
      'import stage 1: 1/3 (33%)',
      'import stage 2: 2/3 (66%)',
      'import stage 3: 3/3 (100%)',
    ]);
    // Every percentage printed is the one of the amount on the same line.
    for (const line of lines) {
      const [, done, total, percent] = /: (\d+)\/(\d+) \((\d+)%\)$/.exec(line) ?? [];
      expect(Number(percent)).toBe(Math.floor((Number(done) / Number(total)) * 100));
    }
  });
});
