import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '../harness/load-cases.ts';
import type { RunReport } from '../harness/run-report.ts';
import type { RunTarget } from '../harness/run-target.ts';
import { runSuite } from '../harness/run-suite.ts';
import { startEmbeddedReference } from '../harness/start-embedded-reference.ts';
import { consoleReport } from '../report/console-report.ts';
import { junitReport } from '../report/junit-report.ts';

/**
 * End to end: the embedded reference gateway configured the way a lenient vendor ships (exp optional,
 * ten minutes of clock skew) declares that contract in its profile. Accepting a token without exp is
 * then allowed, but it is still weaker than RFC 9068 requires, and every report has to say so.
 */
describe('a contract weaker than RFC 9068, against the embedded reference gateway', () => {
  let target: RunTarget;
  let report: RunReport;

  beforeAll(async () => {
    target = await startEmbeddedReference({
      configure: (config) => ({ ...config, token: { ...config.token, requireExp: false, clockSkewSeconds: 600 } }),
    });
    try {
      report = await runSuite({ target, cases: await loadCases({ only: 'claims/exp-absent,claims/exp-within-skew,claims/exp-one-hour-ago,transport/no-credentials' }) });
    } finally {
      await target.stop();
    }
  }, 30_000);

  afterAll(() => target?.stop());

  const byId = (id: string) => report.cases.find((c) => c.id === id)!;

  it('grades claims/exp-absent weaker, naming RFC 9068 §2.2 (exp REQUIRED), not pass', () => {
    expect(byId('claims/exp-absent')).toMatchObject({
      verdict: 'weaker',
      chose: 'accept',
      weakerClause: 'RFC 9068 §2.2: exp is REQUIRED in a JWT access token',
      weakerReference: { doc: 'RFC 9068', section: '2.2' },
    });
  });

  it('grades acceptance inside a clock skew of more than a few minutes weaker, naming RFC 9068 §4', () => {
    expect(byId('claims/exp-within-skew')).toMatchObject({ verdict: 'weaker', weakerClause: expect.stringMatching(/^RFC 9068 §4: /) });
  });

  it('keeps what the gateway refuses a pass, and never fails the run for a weaker case', () => {
    expect(byId('claims/exp-one-hour-ago').verdict).toBe('pass');
    expect(byId('transport/no-credentials').verdict).toBe('pass');
    expect(report.summary).toMatchObject({ weaker: 2, fail: 0, error: 0, mustFailed: 0, blockingFailed: 0, strict: { held: 2, judged: 4 } });
  });

  it('shows the weaker case and the strict tally in the console report', () => {
    const text = consoleReport(report, { color: false });
    expect(text).toMatch(/^ {2}↓ PROFILE claims\/exp-absent .*\(weaker: RFC 9068 §2\.2: exp is REQUIRED in a JWT access token\)$/m);
    expect(text).toContain('Weaker than the RFCs: 2');
    expect(text).toContain('MUST failures: 0  ·  RFC 9068 / RFC 8725 strict: 2 of 4');
  });

  it('shows the weaker case in junit.xml as a passing testcase with a gatecheck.weaker property', () => {
    const xml = junitReport(report);
    const testcase = xml.slice(xml.indexOf('<testcase name="claims/exp-absent"'), xml.indexOf('</testcase>', xml.indexOf('<testcase name="claims/exp-absent"')));
    expect(testcase).toContain('<property name="gatecheck.weaker" value="RFC 9068 §2.2: exp is REQUIRED in a JWT access token"/>');
    expect(testcase).toContain('<system-out>weaker: allowed by the target&apos;s contract');
    expect(testcase).not.toContain('<failure');
  });
});
