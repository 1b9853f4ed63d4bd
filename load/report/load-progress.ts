import type { LoadProgress } from '../runner/run-load.ts';

/**
 * Progress while a run lasts: a redrawn bar on a TTY, a plain line every 5 s otherwise (CI logs).
 * `done()` clears the bar so the summary starts on a clean line.
 */
export function loadProgress(stream: NodeJS.WriteStream = process.stderr): { update(p: LoadProgress): void; done(): void } {
  const tty = stream.isTTY === true;
  let lastPlain = -Infinity;
  let drawn = false;
  return {
    update(p) {
      const share = Math.min(1, p.elapsedSeconds / p.durationSeconds);
      const text = `${p.elapsedSeconds.toFixed(0)}/${p.durationSeconds} s  ${p.completed.toLocaleString('en-US')} responses  ${p.lastSecondRate.toLocaleString('en-US')} req/s  ${p.errors ? `${p.errors.toLocaleString('en-US')} ERRORS` : '0 errors'}`;
      if (tty) {
        const width = 30;
        const filled = Math.round(share * width);
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
        drawn = true;
      } else if (p.elapsedSeconds - lastPlain >= 5) {
        stream.write(`load: ${text}\n`);
        lastPlain = p.elapsedSeconds;
      }
    },
    done() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
