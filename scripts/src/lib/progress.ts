import cliProgress from 'cli-progress';

/**
 * A stage-aware progress reporter for the terminal: one bar per stage, redrawn in place on a TTY and printed as
 * occasional plain lines otherwise (CI logs stay readable).
 */
export function terminalProgress(label: string): {
  update: (stage: string, done: number, total: number) => void;
  stop: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let currentStage = '';
  let lastLogged = -1;
  return {
    update(stage, done, total) {
      if (stage !== currentStage) {
        bar?.stop();
        currentStage = stage;
        lastLogged = -1;
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              format: `${label} ${stage.padEnd(18)} [{bar}] {percentage}% {value}/{total}`,
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
        }
      }
      if (tty) {
        bar?.setTotal(total);
        bar?.update(done);
        return;
      }
      const percent = total > 0 ? Math.floor((done / total) * 4) * 25 : 100;
      if (percent !== lastLogged) {
        lastLogged = percent;
        process.stderr.write(`${label} ${stage}: ${done}/${total} (${percent}%)\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
