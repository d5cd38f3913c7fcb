import cliProgress from 'cli-progress';

/** What a stage counts: bytes of a file (shown in MB) or plain units (steps, rows). */
export type ProgressUnit = 'bytes' | 'units';

/** The whole percentage of `done` out of `total`, rounded down (100 only when done); 100 for an empty total. */
export function progressPercent(done: number, total: number): number {
  if (!(total > 0)) return 100;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** "done/total" in the stage's unit, e.g. `1/3`, `6.3/45.0 MB` or `0.7/1.8 KB`. */
export function progressAmount(done: number, total: number, unit: ProgressUnit = 'units'): string {
  if (unit === 'units') return `${done}/${total}`;
  const [size, name] = total >= 1024 * 1024 ? [1024 * 1024, 'MB'] : [1024, 'KB'];
  return `${(done / size).toFixed(1)}/${(total / size).toFixed(1)} ${name}`;
}

/**
 * One plain progress line.
 * @example formatProgressLine('segments', 'stats', 1, 3) // 'segments stats: 1/3 (33%)'
 */
export function formatProgressLine(label: string, stage: string, done: number, total: number, unit?: ProgressUnit): string {
  return `${label} ${stage}: ${progressAmount(done, total, unit)} (${progressPercent(done, total)}%)`;
}

export interface ProgressReporter {
  update: (stage: string, done: number, total: number, unit?: ProgressUnit) => void;
  stop: () => void;
}

/**
 * Plain progress lines for logs and pipes: a line when a stage starts, whenever it passes another tenth, and
 * when it completes — at most a dozen lines a stage, each with the exact percentage.
 */
export function plainProgress(label: string, write: (line: string) => void): ProgressReporter {
  let currentStage: string | undefined;
  let lastTenth = -1;
  return {
    update(stage, done, total, unit) {
      const percent = progressPercent(done, total);
      const tenth = Math.floor(percent / 10);
      if (stage === currentStage && tenth === lastTenth) return;
      currentStage = stage;
      lastTenth = tenth;
      write(`${formatProgressLine(label, stage, done, total, unit)}\n`);
    },
    stop() {},
  };
}

/**
 * A stage-aware progress reporter for the terminal: one bar per stage, redrawn in place on a TTY and printed as
 * occasional plain lines otherwise (CI logs stay readable).
 */
export function terminalProgress(label: string): ProgressReporter {
  if (process.stderr.isTTY !== true) return plainProgress(label, (line) => process.stderr.write(line));
  let bar: cliProgress.SingleBar | undefined;
  let currentStage = '';
  return {
    update(stage, done, total, unit) {
      if (stage !== currentStage) {
        bar?.stop();
        currentStage = stage;
        bar = new cliProgress.SingleBar(
          {
            format: `${label} ${stage.padEnd(18)} [{bar}] {percent}% {amount}`,
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { percent: progressPercent(done, total), amount: progressAmount(done, total, unit) });
        return;
      }
      bar?.setTotal(total);
      bar?.update(done, { percent: progressPercent(done, total), amount: progressAmount(done, total, unit) });
    },
    stop() {
      bar?.stop();
    },
  };
}
