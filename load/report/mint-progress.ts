export interface MintProgress {
  pool: string;
  minted: number;
  total: number;
}

/**
 * Progress while the token pools are minted (a pool of 10,000 tokens over a control API takes a
 * while): a redrawn line on a TTY, otherwise a plain line once 5 s have passed without one, so a
 * CI log shows a long pool is moving and a short one costs no extra line. `line` prints a finished
 * step; `done` clears what is drawn before the run's own progress starts.
 */
export function mintProgress(stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr, now: () => number = () => performance.now()): {
  update(p: MintProgress): void;
  line(text: string): void;
  done(): void;
} {
  const tty = stream.isTTY === true;
  let lastLine = now();
  let drawn = false;
  const text = (p: MintProgress) => `minting ${p.pool}: ${p.minted.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} token(s)`;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(p) {
      if (tty) {
        stream.write(`\r\x1b[2Kload: ${text(p)}`);
        drawn = true;
      } else if (now() - lastLine >= 5000) {
        stream.write(`load: ${text(p)}\n`);
        lastLine = now();
      }
    },
    line(line) {
      clear();
      stream.write(`load: ${line}\n`);
      lastLine = now();
    },
    done: clear,
  };
}
