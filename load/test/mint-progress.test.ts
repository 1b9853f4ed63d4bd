import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mintProgress } from '../index.ts';

function capture(isTTY: boolean): { stream: PassThrough & { isTTY: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

describe('progress while token pools are minted', () => {
  it('in a log (no TTY): a line once 5 s pass without one, so a long pool shows it moves and a short one adds nothing', () => {
    const { stream, text } = capture(false);
    let now = 0;
    const progress = mintProgress(stream, () => now);
    progress.update({ pool: 'valid', minted: 0, total: 10_000 });
    now = 4_900;
    progress.update({ pool: 'valid', minted: 3_000, total: 10_000 });
    expect(text()).toBe('');
    now = 5_000;
    progress.update({ pool: 'valid', minted: 3_100, total: 10_000 });
    now = 6_000;
    progress.update({ pool: 'valid', minted: 3_700, total: 10_000 });
    progress.line('minted 10000 valid token(s) in 9.80 s');
    now = 9_000;
    progress.update({ pool: 'expired', minted: 0, total: 20 });
    progress.line('minted 20 expired token(s) in 0.01 s');
    progress.done();
    expect(text()).toBe(['load: minting valid: 3,100/10,000 token(s)', 'load: minted 10000 valid token(s) in 9.80 s', 'load: minted 20 expired token(s) in 0.01 s', ''].join('\n'));
  });

  it('on a TTY: one line redrawn in place, cleared before a finished step and at the end', () => {
    const { stream, text } = capture(true);
    const progress = mintProgress(stream, () => 0);
    progress.update({ pool: 'valid', minted: 100, total: 200 });
    progress.update({ pool: 'valid', minted: 200, total: 200 });
    progress.line('minted 200 valid token(s) in 0.20 s');
    progress.done();
    expect(text()).toBe(
      '\r\x1b[2Kload: minting valid: 100/200 token(s)' + '\r\x1b[2Kload: minting valid: 200/200 token(s)' + '\r\x1b[2K' + 'load: minted 200 valid token(s) in 0.20 s\n',
    );
  });
});
