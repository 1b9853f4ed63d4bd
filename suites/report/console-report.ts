import type { CaseResult, RunReport, StepResult, Verdict } from '../harness/run-report.ts';
import { curlCommand } from './curl-command.ts';
import { describeExpectation } from './describe-expectation.ts';
import { describeObservation } from './describe-observation.ts';
import { paint, type Paint } from './paint.ts';
import { printable } from './printable.ts';
import { shouldColor } from './should-color.ts';
import { isBlockingFailure, levelLabel, strictText, VERDICTS, verdictStyle } from './verdict-style.ts';
import { groupByCategory } from './group-by-category.ts';
import { referenceText } from './reference-text.ts';

export interface ConsoleReportOptions {
  /** Default: decided from process.stdout and the environment (shouldColor). */
  color?: boolean;
  /** Files written for this run (writeReports' result), printed last so the reader knows where to look. */
  reportPaths?: string[];
  /**
   * Default true, as h2spec does. false prints only the cases that need attention (fail, non-strict,
   * weaker, error): passed and skipped cases are left to the table, and skipped MUST cases to the
   * summary of reasons at the end.
   */
  showPassing?: boolean;
  /** A multi-step case shows at most this many failing steps (floods can have hundreds). Default 3. */
  maxStepsPerCase?: number;
}

const INDENT = '  ';

/**
 * The run as an h2spec-style tree (category → case, a mark per verdict, the level), with expected vs
 * actual under every failure and non-strict result, then a category × verdict table, the cases graded
 * `weaker` with the RFC clause each falls short of, the MUST failures and the RFC strict tally. Returns
 * text; the caller writes it, so tests and the CLI share one path.
 */
export function consoleReport(report: RunReport, options: ConsoleReportOptions = {}): string {
  const c = paint(options.color ?? shouldColor(process.stdout));
  const showPassing = options.showPassing ?? true;
  const maxSteps = options.maxStepsPerCase ?? 3;
  const out: string[] = [];

  out.push(
    c('bold', `${report.tool.name} ${report.tool.version}`) +
      ` → ${printable(report.target.name)} (${printable(report.target.baseUrl)}), ${report.cases.length} cases in ${seconds(report.durationMs)}`,
  );

  for (const [category, cases] of groupByCategory(report.cases)) {
    const lines = cases.filter((r) => showPassing || needsAttention(r)).flatMap((r) => caseLines(r, c, maxSteps));
    // A category whose cases are all left out gets no header: an empty heading reads as a missing result.
    if (lines.length > 0) out.push('', c('bold', printable(category)), ...lines);
  }

  out.push('', ...summaryTable(report, c), '');
  out.push(...weakerLines(report, c));
  out.push(...outcomeLines(report, c));
  for (const path of options.reportPaths ?? []) out.push(`Report: ${path}`);
  return out.join('\n') + '\n';
}

function needsAttention(result: CaseResult): boolean {
  return result.verdict !== 'pass' && result.verdict !== 'skipped';
}

function caseLines(result: CaseResult, c: Paint, maxSteps: number): string[] {
  const style = verdictStyle[result.verdict];
  const level = levelLabel(result.level).padEnd(7);
  const extra =
    result.verdict === 'skipped' && result.skipReason
      ? c('gray', ` (skipped: ${printable(result.skipReason)})`)
      : result.verdict === 'weaker'
        ? c(verdictStyle.weaker.color, ` (weaker: ${printable(result.weakerClause ?? 'weaker than the RFCs require')})`)
        : result.chose
        ? c('gray', ` (chose ${result.chose})`)
        : result.verdict === 'non-strict'
          ? c('yellow', ' (non-strict)')
          : '';
  const lines = [
    `${INDENT}${c(style.color, style.mark)} ${c(result.level === 'must' ? 'bold' : 'dim', level)} ${printable(result.id)}  ${printable(result.title)}${extra}`,
  ];
  const detail = INDENT.repeat(3);
  if (result.verdict === 'error') {
    const [first, ...rest] = printable(result.errorMessage ?? 'the harness failed without a message', { keepNewlines: true }).split('\n');
    lines.push(`${detail}${c('magenta', 'error:')} ${first}`, ...rest.map((line) => `${detail}  ${c('gray', line)}`));
  }
  if (result.verdict === 'fail' || result.verdict === 'non-strict' || result.verdict === 'weaker') {
    const explaining = explainingSteps(result);
    const multi = result.steps.length > 1;
    for (const { step, index } of explaining.slice(0, maxSteps)) {
      if (multi) lines.push(`${detail}${c('gray', `step ${index + 1}/${result.steps.length}:`)}`);
      lines.push(...stepLines(step, c, multi ? detail + INDENT : detail));
    }
    if (explaining.length > maxSteps) lines.push(`${detail}${c('gray', `… ${explaining.length - maxSteps} more steps like these`)}`);
    if (result.verdict === 'weaker' && result.weakerReference) {
      lines.push(`${detail}${c('gray', 'clause:')} ${printable(referenceText(result.weakerReference))}`);
    }
    if (result.verdict === 'fail' && result.references.length > 0) {
      lines.push(`${detail}${c('gray', 'references:')} ${printable(result.references.map(referenceText).join('; '))}`);
    }
    const failing = explaining.find(({ step }) => step.verdict === 'fail');
    if (failing) lines.push(`${detail}${c('gray', 'reproduce:')} ${printable(curlCommand(failing.step.observation.request))}`);
  }
  return lines;
}

function stepLines(step: StepResult, c: Paint, indent: string): string[] {
  const lines = [
    `${indent}${c('green', 'expected:')} ${printable(describeExpectation(step.expected))}`,
    `${indent}${c('red', '  actual:')} ${printable(describeObservation(step.observation, step.expected))}`,
  ];
  for (const finding of step.findings) lines.push(`${indent}  - ${printable(finding)}`);
  return lines;
}

/** The steps that carry this case's verdict; a case judged as a whole (no such step) falls back to every step. */
function explainingSteps(result: CaseResult): { step: StepResult; index: number }[] {
  const indexed = result.steps.map((step, index) => ({ step, index }));
  const matching = indexed.filter(({ step }) => step.verdict === result.verdict);
  if (matching.length > 0) return matching;
  const notPassing = indexed.filter(({ step }) => step.verdict !== 'pass');
  return notPassing.length > 0 ? notPassing : indexed;
}

function summaryTable(report: RunReport, c: Paint): string[] {
  const rows: { name: string; counts: Record<Verdict, number>; total: number }[] = [];
  for (const [category, cases] of groupByCategory(report.cases)) rows.push({ name: category, ...count(cases) });
  const totals = count(report.cases);
  const nameWidth = Math.max('category'.length, 'total'.length, ...rows.map((r) => printable(r.name).length));
  const columns = [...VERDICTS, 'total'] as const;
  const widths = columns.map((v) => Math.max(v.length, 5));
  const line = (name: string, cells: number[], styleCells: boolean) =>
    INDENT +
    printable(name).padEnd(nameWidth) +
    cells
      .map((n, i) => {
        const text = String(n).padStart(widths[i]);
        const verdict = VERDICTS[i];
        return '  ' + (styleCells && verdict && n > 0 && verdict !== 'pass' ? c(verdictStyle[verdict].color, text) : text);
      })
      .join('');
  const header = INDENT + 'category'.padEnd(nameWidth) + columns.map((v, i) => '  ' + v.padStart(widths[i])).join('');
  const out = [c('bold', header)];
  for (const row of rows) out.push(line(row.name, [...VERDICTS.map((v) => row.counts[v]), row.total], true));
  out.push(INDENT + '─'.repeat(header.length - INDENT.length));
  out.push(c('bold', line('total', [...VERDICTS.map((v) => totals.counts[v]), totals.total], false)));
  return out;
}

/** Allowed by the target's contract, but weaker than RFC 8725 / RFC 9068 require: listed with the clause, never a failure. */
function weakerLines(report: RunReport, c: Paint): string[] {
  const weaker = report.cases.filter((r) => r.verdict === 'weaker');
  if (weaker.length === 0) return [];
  const style = verdictStyle.weaker;
  const lines = [c(['bold', style.color], `Weaker than the RFCs: ${weaker.length} (allowed by the target's contract; the run does not fail)`)];
  for (const r of weaker) {
    lines.push(`${INDENT}${c(style.color, style.mark)} ${levelLabel(r.level).padEnd(7)} ${printable(r.id)}  ${printable(r.weakerClause ?? 'weaker than the RFCs require')}`);
  }
  lines.push('');
  return lines;
}

function outcomeLines(report: RunReport, c: Paint): string[] {
  const blocking = report.cases.filter(isBlockingFailure);
  const errored = report.cases.filter((r) => r.verdict === 'error');
  const lines: string[] = [];
  // The summary the harness computed is authoritative for the counts; the ids come from the cases.
  const mustCount = Math.max(report.summary.mustFailed ?? 0, blocking.filter((r) => r.level === 'must').length);
  const blockingCount = Math.max(report.summary.blockingFailed ?? 0, blocking.length);
  const strict = report.summary.strict ? strictText(report.summary.strict) : undefined;
  const held = report.summary.strict ? report.summary.strict.held === report.summary.strict.judged : true;
  const tally = strict ? `  ·  ${c(held ? 'green' : verdictStyle.weaker.color, strict)}` : '';
  lines.push(c(['bold', mustCount > 0 ? 'red' : 'green'], `MUST failures: ${mustCount}`) + tally);
  if (blockingCount > 0) {
    // PROFILE and EITHER failures fail the run like MUST ones: the target promised the behaviour.
    if (blockingCount > mustCount) lines.push(c(['bold', 'red'], `Blocking failures (MUST, PROFILE, EITHER): ${blockingCount}`));
    for (const r of blocking) {
      lines.push(`${INDENT}${c('red', verdictStyle.fail.mark)} ${levelLabel(r.level).padEnd(7)} ${printable(r.id)}  ${printable(r.title)}`);
    }
  }
  if (errored.length > 0) {
    lines.push(c(['bold', 'magenta'], `Harness errors: ${errored.length} (not the gateway's fault; the run fails)`));
  }
  lines.push(...skippedMustLines(report, c));
  return lines;
}

/** Skipped MUST cases are not passes: counted apart by cause, with their reasons, so "0 failures" never hides them. */
function skippedMustLines(report: RunReport, c: Paint): string[] {
  const skipped = report.cases.filter((r) => r.verdict === 'skipped' && r.level === 'must');
  if (skipped.length === 0) return [];
  const run = skipped.filter((r) => r.skipCause === 'run');
  const lines = [c(['bold', 'yellow'], `Skipped MUST cases: ${skipped.length} (${skipped.length - run.length} the target's contract does not cover, ${run.length} this run cannot provide)`)];
  for (const [cause, group] of [['target lacks', skipped.filter((r) => r.skipCause !== 'run')], ['run cannot', run]] as const) {
    const reasons = new Map<string, number>();
    for (const r of group) reasons.set(r.skipReason ?? '', (reasons.get(r.skipReason ?? '') ?? 0) + 1);
    const sorted = [...reasons].sort((a, b) => b[1] - a[1]);
    for (const [reason, n] of sorted.slice(0, 6)) lines.push(`${INDENT}${cause.padEnd(12)} ${String(n).padStart(3)} × ${printable(reason)}`);
    if (sorted.length > 6) lines.push(`${INDENT}${cause.padEnd(12)}     … and ${sorted.length - 6} more reasons (report.json)`);
  }
  return lines;
}

function count(cases: CaseResult[]): { counts: Record<Verdict, number>; total: number } {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of cases) counts[r.verdict] += 1;
  return { counts, total: cases.length };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
