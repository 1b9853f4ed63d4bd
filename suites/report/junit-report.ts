import type { CaseResult, RunReport, StepResult } from '../harness/run-report.ts';
import { describeExpectation } from './describe-expectation.ts';
import { describeObservation } from './describe-observation.ts';
import { groupByCategory } from './group-by-category.ts';
import { referenceText } from './reference-text.ts';
import { levelLabel, verdictSeverity } from './verdict-style.ts';
import { xmlEscape } from './xml-escape.ts';

export interface JunitOptions {
  /**
   * `pass` (default): a non-strict result is a passing test with a <system-out> note, since the
   * security outcome held and only the RFC 6750 details differ. `failure`: CI wants those red too.
   */
  nonStrict?: 'pass' | 'failure';
}

/**
 * junit.xml for CI dashboards: one <testsuite> per category, one <testcase> per case, named by the
 * case id (stable: ids are never renumbered, titles may be reworded, and CI history keys on the name).
 * A failed case of any level is a <failure> (its message says the level); an `error` is the harness's
 * fault and becomes <error>. A `weaker` case passes (the contract allows it; the run does not fail) but
 * carries a `gatecheck.weaker` property with the RFC clause and says so in <system-out>, so a dashboard
 * can count and list them.
 */
export function junitReport(report: RunReport, options: JunitOptions = {}): string {
  const nonStrictFails = options.nonStrict === 'failure';
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };

  for (const [category, cases] of groupByCategory(report.cases)) {
    const counts = { tests: cases.length, failures: 0, errors: 0, skipped: 0, time: 0 };
    const testcases = cases.map((result) => {
      counts.time += result.durationMs;
      const attributes = attrs({ name: result.id, classname: category, time: secs(result.durationMs) });
      const properties =
        `      <properties>\n` +
        `        <property ${attrs({ name: 'title', value: result.title })}/>\n` +
        `        <property ${attrs({ name: 'level', value: result.level })}/>\n` +
        (result.chose ? `        <property ${attrs({ name: 'chose', value: result.chose })}/>\n` : '') +
        (result.verdict === 'weaker' ? `        <property ${attrs({ name: 'gatecheck.weaker', value: result.weakerClause ?? 'weaker than RFC 8725 / RFC 9068 require' })}/>\n` : '') +
        `      </properties>\n`;
      let body = '';
      switch (result.verdict) {
        case 'pass':
          if (result.chose) body = systemOut(`either: the gateway chose to ${result.chose}`);
          break;
        case 'non-strict':
          if (nonStrictFails) {
            counts.failures += 1;
            body = failure(result, 'non-strict');
          } else {
            body = systemOut(`non-strict: the security outcome held; RFC 6750 details differ\n${details(result)}`);
          }
          break;
        case 'weaker':
          body = systemOut(
            `weaker: allowed by the target's contract, but weaker than ${result.weakerClause ?? 'RFC 8725 / RFC 9068 require'}` +
              `${result.weakerReference ? ` (${referenceText(result.weakerReference)})` : ''}\n${details(result)}`,
          );
          break;
        case 'fail':
          counts.failures += 1;
          body = failure(result, 'fail');
          break;
        case 'skipped':
          counts.skipped += 1;
          body = `      <skipped ${attrs({ message: result.skipReason ?? 'skipped' })}/>\n`;
          break;
        case 'error':
          counts.errors += 1;
          body =
            `      <error ${attrs({ message: firstLine(result.errorMessage ?? 'harness error'), type: 'harness-error' })}>` +
            `${xmlEscape(result.errorMessage ?? 'harness error')}</error>\n`;
          break;
      }
      return `    <testcase ${attributes}>\n${properties}${body}    </testcase>\n`;
    });
    for (const key of ['tests', 'failures', 'errors', 'skipped', 'time'] as const) totals[key] += counts[key];
    suites.push(
      `  <testsuite ${attrs({
        name: category,
        tests: counts.tests,
        failures: counts.failures,
        errors: counts.errors,
        skipped: counts.skipped,
        time: secs(counts.time),
        timestamp: report.startedAt,
        hostname: report.target.name,
      })}>\n` +
        `    <properties>\n` +
        `      <property ${attrs({ name: 'target', value: report.target.name })}/>\n` +
        `      <property ${attrs({ name: 'baseUrl', value: report.target.baseUrl })}/>\n` +
        `    </properties>\n` +
        testcases.join('') +
        `  </testsuite>\n`,
    );
  }

  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites ${attrs({
      name: `${report.tool.name} ${report.tool.version} → ${report.target.name}`,
      tests: totals.tests,
      failures: totals.failures,
      errors: totals.errors,
      skipped: totals.skipped,
      time: secs(report.durationMs),
      timestamp: report.startedAt,
    })}>\n` +
    suites.join('') +
    `</testsuites>\n`
  );
}

function failure(result: CaseResult, type: 'fail' | 'non-strict'): string {
  const step = explainingStep(result);
  const headline = step?.findings[0] ?? (type === 'fail' ? 'failed' : 'non-strict');
  const message = `[${levelLabel(result.level)}] ${headline}`;
  return `      <failure ${attrs({ message, type })}>${xmlEscape(details(result))}</failure>\n`;
}

/** Expected vs actual for every step that is not a pass, then the references: what a CI reader needs without the HTML. */
function details(result: CaseResult): string {
  const lines = [`${result.id} [${levelLabel(result.level)}] ${result.title}`];
  result.steps.forEach((step, index) => {
    if (step.verdict === 'pass' && result.steps.length > 1) return;
    if (result.steps.length > 1) lines.push(`step ${index + 1}/${result.steps.length}: ${step.verdict}`);
    lines.push(`expected: ${describeExpectation(step.expected)}`);
    lines.push(`  actual: ${describeObservation(step.observation, step.expected)}`);
    for (const finding of step.findings) lines.push(`  - ${finding}`);
  });
  if (result.references.length > 0) lines.push(`references: ${result.references.map(referenceText).join('; ')}`);
  return lines.join('\n');
}

function explainingStep(result: CaseResult): StepResult | undefined {
  return [...result.steps].sort((a, b) => verdictSeverity[a.verdict] - verdictSeverity[b.verdict])[0];
}

function systemOut(text: string): string {
  return `      <system-out>${xmlEscape(text)}</system-out>\n`;
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${xmlEscape(String(value))}"`)
    .join(' ');
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}
