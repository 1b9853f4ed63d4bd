import type { CaseResult, Verdict } from '../harness/run-report.ts';
import { paint } from './paint.ts';
import { printable } from './printable.ts';
import { shouldColor } from './should-color.ts';
import { levelLabel, VERDICTS, verdictStyle } from './verdict-style.ts';

/** What the harness calls while it runs; cases may overlap (concurrent), so start and end are separate. */
export interface ProgressReporter {
  onCaseStart(started: { id: string }): void;
  onCaseEnd(result: CaseResult): void;
  /** Clears the live line so the final report starts on a clean line. Idempotent. */
  done(): void;
}

export interface ProgressOptions {
  /** Cases expected in this run, for the bar and the `n/total` counter; unknown → counter only. */
  total?: number;
  /** Default process.stderr: progress is chatter, stdout keeps the report. */
  stream?: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  color?: boolean;
  /** Forces the live (TTY) or plain-line mode; default: live when the stream is a TTY. */
  live?: boolean;
}

const BAR_WIDTH = 24;

/**
 * Live progress: on a TTY one line rewritten in place (bar, counter, verdict tallies, the case
 * running), with failures printed above it as they happen; elsewhere (CI logs, pipes) one plain line
 * per finished case, because carriage-return tricks turn into noise in a log file.
 */
export function progressReporter(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? stream.isTTY === true;
  const c = paint(options.color ?? shouldColor(stream));
  const total = options.total;
  const running: string[] = [];
  const tally = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let finished = 0;
  let lineShown = false;
  let closed = false;

  const counter = () => (total !== undefined ? `${String(finished).padStart(String(total).length)}/${total}` : String(finished));

  const clearLine = () => {
    if (lineShown) stream.write('\r\x1b[2K');
    lineShown = false;
  };

  const draw = () => {
    if (closed) return;
    const parts: string[] = [];
    if (total !== undefined && total > 0) {
      const filled = Math.round((Math.min(finished, total) / total) * BAR_WIDTH);
      parts.push(`[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`);
    }
    parts.push(counter());
    parts.push(VERDICTS.filter((v) => tally[v] > 0).map((v) => `${verdictStyle[v].mark}${tally[v]}`).join(' '));
    const current = running.at(-1);
    if (current) parts.push(`${running.length > 1 ? `${running.length} running, ` : ''}${printable(current)}`);
    // A wrapped line cannot be rewritten with \r; cut it to the terminal width before colouring.
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    let text = parts.filter(Boolean).join('  ');
    if (text.length > width) text = text.slice(0, width - 1) + '…';
    clearLine();
    stream.write(c('dim', text));
    lineShown = true;
  };

  const finishedLine = (result: CaseResult) => {
    const style = verdictStyle[result.verdict];
    const note = result.verdict === 'skipped' && result.skipReason ? ` (${printable(result.skipReason)})` : '';
    return `${c(style.color, style.mark)} ${levelLabel(result.level).padEnd(7)} ${printable(result.id)}${note}`;
  };

  return {
    onCaseStart({ id }) {
      running.push(id);
      if (live) draw();
    },
    onCaseEnd(result) {
      const at = running.indexOf(result.id);
      if (at >= 0) running.splice(at, 1);
      finished += 1;
      tally[result.verdict] += 1;
      if (closed) return;
      if (live) {
        if (result.verdict === 'fail' || result.verdict === 'error') {
          clearLine();
          stream.write(finishedLine(result) + '\n');
        }
        draw();
      } else {
        stream.write(`[${counter()}] ${finishedLine(result)} ${c('gray', `(${Math.round(result.durationMs)} ms)`)}\n`);
      }
    },
    done() {
      if (closed) return;
      if (live) clearLine();
      closed = true;
    },
  };
}
