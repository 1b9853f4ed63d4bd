import { describe, expect, it } from 'vitest';
import { consoleReport } from '../report/console-report.ts';
import { progressReporter } from '../report/progress-reporter.ts';
import { shouldColor } from '../report/should-color.ts';
import { fixtureCases, fixtureReport, WEAKER_CLAUSE } from './fixtures/run-report-fixture.ts';

const ESC = '\u001b';

describe('console report', () => {
  const text = consoleReport(fixtureReport(), { color: false, reportPaths: ['/tmp/run/report.html', '/tmp/run/report.json'] });
  const lines = text.split('\n');

  it('draws the h2spec tree: a category line, then one line per case with its mark and level', () => {
    expect(lines).toContain('algorithm');
    expect(lines).toContain('claims');
    expect(text).toMatch(/^ {2}✔ MUST {4}algorithm\/alg-none {2}/m);
    expect(text).toMatch(/^ {2}✖ MUST {4}algorithm\/hs256-with-public-key {2}rejects HS256/m);
    expect(text).toMatch(/^ {2}~ MUST {4}claims\/exp-in-past .*\(non-strict\)$/m);
    expect(text).toMatch(/^ {2}✖ SHOULD {2}claims\/iat-in-future/m);
    expect(text).toMatch(/^ {2}✔ PROFILE claims\/typ-at-jwt/m);
    expect(text).toMatch(/^ {2}– PROFILE transport\/query-token .*\(skipped: target profile lacks feature token-in-query\)$/m);
    expect(text).toMatch(/^ {2}✔ EITHER {2}keys\/kid-absent-multiple-keys .*\(chose reject\)$/m);
    expect(text).toMatch(/^ {2}! MUST {4}idp-faults\/jwks-down/m);
  });

  it('shows expected vs actual and the findings under a failure, then its references', () => {
    const at = lines.findIndex((l) => l.includes('algorithm/hs256-with-public-key'));
    const block = lines.slice(at + 1, at + 6).join('\n');
    expect(block).toContain('expected: reject; status 401; WWW-Authenticate error="invalid_token"; upstream untouched');
    expect(block).toContain('actual: status 200; upstream reached');
    expect(block).toContain('- upstream was reached');
    expect(block).toContain('references: RFC 8725 §3.1 <https://www.rfc-editor.org/rfc/rfc8725#section-3.1>; CVE-2016-10555');
  });

  it('shows expected vs actual under a non-strict result (RFC 6750 grading), without references', () => {
    const at = lines.findIndex((l) => l.includes('claims/exp-in-past'));
    const block = lines.slice(at + 1, at + 4).join('\n');
    expect(block).toContain('expected: reject; status 401');
    expect(block).toContain('actual: status 403; WWW-Authenticate Bearer error="insufficient_scope"; upstream untouched');
    expect(lines[at + 4]).not.toContain('references:');
  });

  it('explains a multi-step failure by its failing steps only, at most three', () => {
    const at = lines.findIndex((l) => l.includes('keys/unknown-kid-flood'));
    const block = lines.slice(at + 1, lines.findIndex((l, i) => i > at && l === '')).join('\n');
    expect(block).toContain('step 8/10:');
    expect(block).toContain('IdP jwks requests ≤ 2');
    expect(block).not.toContain('step 1/10:');
  });

  it('prints the harness error message, line by line', () => {
    expect(text).toContain('error: mock-idp fault API refused: 500\n');
  });

  it('ends with the category × verdict table, the MUST failures and the report paths', () => {
    expect(text).toMatch(/category +pass +non-strict +weaker +fail +skipped +error +total/);
    expect(text).toMatch(/^ {2}claims +1 +1 +1 +1 +0 +0 +4$/m);
    expect(text).toMatch(/^ {2}total +4 +1 +1 +3 +1 +1 +11$/m);
    expect(text).toMatch(/^MUST failures: 2 .*\n {2}✖ MUST {4}algorithm\/hs256-with-public-key/m);
    expect(text).toContain('Harness errors: 1');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['Report: /tmp/run/report.html', 'Report: /tmp/run/report.json']);
  });

  it('says MUST failures: 0 when every MUST case passed', () => {
    const clean = fixtureReport(fixtureCases().filter((c) => !(c.level === 'must' && c.verdict === 'fail')));
    expect(consoleReport(clean, { color: false })).toContain('MUST failures: 0');
  });

  it('counts a failed PROFILE case as a blocking failure, apart from the MUST failures, as the run summary does', () => {
    const cases = fixtureCases();
    const typ = cases.find((c) => c.id === 'claims/typ-at-jwt')!;
    typ.verdict = 'fail';
    typ.steps[0] = { ...typ.steps[0], verdict: 'fail', findings: ['upstream was reached'] };
    const report = fixtureReport(cases);
    expect(report.summary).toMatchObject({ mustFailed: 2, blockingFailed: 3 });
    const out = consoleReport(report, { color: false });
    expect(out).toContain('MUST failures: 2');
    expect(out).toContain('Blocking failures (MUST, PROFILE, EITHER): 3');
    expect(out).toContain('  ✖ PROFILE claims/typ-at-jwt');
  });

  it('marks a weaker case with its own symbol and the clause it falls short of (RFC 9068 §2.2)', () => {
    expect(text).toMatch(new RegExp(`^ {2}↓ PROFILE claims/exp-absent .*\\(weaker: RFC 9068 §2\\.2: exp is REQUIRED in a JWT access token\\)$`, 'm'));
    const at = lines.findIndex((l) => l.includes('claims/exp-absent') && l.includes('(weaker:'));
    const block = lines.slice(at + 1, at + 6).join('\n');
    expect(block).toContain(`expected: reject, or accept as the contract allows (weaker than ${WEAKER_CLAUSE}); status 401`);
    expect(block).toContain('clause: RFC 9068 §2.2 <https://www.rfc-editor.org/rfc/rfc9068#section-2.2>');
    expect(block).not.toContain('reproduce:');
  });

  it('lists the weaker cases with their clauses, and the RFC strict tally beside the MUST failures', () => {
    expect(text).toContain(`Weaker than the RFCs: 1 (allowed by the target's contract; the run does not fail)\n  ↓ PROFILE claims/exp-absent  ${WEAKER_CLAUSE}\n`);
    // judged: must/profile/either cases not skipped or errored (8); held: those neither fail nor weaker (5).
    expect(text).toContain('MUST failures: 2  ·  RFC 9068 / RFC 8725 strict: 5 of 8');
    const clean = fixtureReport(fixtureCases().filter((c) => c.verdict !== 'weaker'));
    expect(consoleReport(clean, { color: false })).not.toContain('Weaker than the RFCs');
  });

  it('grades response headers in the same words on both sides (Retry-After on a 429)', () => {
    const cases = fixtureCases();
    const limited = cases.find((c) => c.id === 'claims/exp-in-past')!;
    limited.steps[0].expected = { outcome: 'reject', status: 429, responseHeaders: { 'retry-after': /^\d+$/, 'x-gatecheck-reason': null } };
    limited.steps[0].observation.response = { status: 429, headers: { 'Retry-After': '30' }, body: '', latencyMs: 1 };
    const out = consoleReport(fixtureReport(cases), { color: false });
    expect(out).toContain('expected: reject; status 429; upstream untouched; response retry-after ~ /^\\d+$/; response without x-gatecheck-reason');
    expect(out).toContain('actual: status 429; response retry-after: "30"; response without x-gatecheck-reason; upstream untouched');
  });

  it('can leave out passing cases', () => {
    const short = consoleReport(fixtureReport(), { color: false, showPassing: false });
    expect(short).not.toContain('algorithm/alg-none');
    expect(short).toContain('algorithm/hs256-with-public-key');
  });

  /** Every line that is a bare category name (a tree header) must be followed by one of its cases. */
  function headersWithoutCases(out: string, categories: string[]): string[] {
    const tree = out.split('\n');
    return tree.flatMap((line, i) => (categories.includes(line) && !/^ {2}\S+ +[A-Z]+ +\S+\//.test(tree[i + 1] ?? '') ? [line] : []));
  }

  it('prints no category header when nothing of that category is printed under it (passes and skips left out)', () => {
    const categories = [...new Set(fixtureCases().map((c) => c.category))];
    const short = consoleReport(fixtureReport(), { color: false, showPassing: false });
    const tree = short.split('\n');
    // forwarding only passed and transport was only skipped: nothing of theirs is printed, so no heading either.
    expect(tree).not.toContain('forwarding');
    expect(tree).not.toContain('transport');
    expect(short).not.toContain('transport/query-token');
    for (const shown of ['algorithm', 'claims', 'keys', 'idp-faults']) expect(tree).toContain(shown);
    expect(headersWithoutCases(short, categories)).toEqual([]);
    // The table still counts every category, the quiet ones included.
    expect(short).toMatch(/^ {2}forwarding +1 +0 +0 +0 +0 +0 +1$/m);
    expect(short).toMatch(/^ {2}transport +0 +0 +0 +0 +1 +0 +1$/m);
    expect(headersWithoutCases(text, categories)).toEqual([]);
  });

  it('prints no tree at all when every case passed or was skipped and passes are left out', () => {
    const quiet = fixtureCases().filter((c) => c.verdict === 'pass' || c.verdict === 'skipped');
    const out = consoleReport(fixtureReport(quiet), { color: false, showPassing: false });
    const [title, blank, header] = out.split('\n');
    expect(title).toMatch(/^gatecheck .* cases in /);
    expect(blank).toBe('');
    expect(header).toMatch(/^ {2}category +pass/);
    expect(out).toContain('MUST failures: 0');
  });

  it('uses no escape sequences without colour, and never lets a hostile string drive the terminal', () => {
    const cases = fixtureCases();
    cases[1].steps[0].findings.push(`header was ${ESC}[2J${ESC}]0;pwned\u0007\rforged line`);
    const plain = consoleReport(fixtureReport(cases), { color: false });
    expect(plain).not.toContain(ESC);
    expect(plain).not.toContain('\r');
    expect(plain).toContain('\\u001b[2J');
  });

  it('colours the marks when asked', () => {
    const coloured = consoleReport(fixtureReport(), { color: true });
    expect(coloured).toContain(`${ESC}[31m✖`);
    expect(coloured).toContain(`${ESC}[32m✔`);
  });
});

describe('shouldColor', () => {
  it('colours only a TTY, and NO_COLOR wins (no-color.org)', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });
});

describe('progress reporter', () => {
  function sink(isTTY: boolean) {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns: 100, write: (chunk: string) => chunks.push(chunk) } };
  }

  it('writes one plain line per finished case when not on a TTY', () => {
    const { chunks, stream } = sink(false);
    const progress = progressReporter({ total: 3, stream });
    const [pass, fail, skipped] = [fixtureCases()[0], fixtureCases()[1], fixtureCases()[6]];
    for (const c of [pass, fail, skipped]) {
      progress.onCaseStart(c);
      progress.onCaseEnd(c);
    }
    progress.done();
    const out = chunks.join('');
    expect(out).not.toContain('\r');
    expect(out).not.toContain(ESC);
    expect(out.trimEnd().split('\n')).toEqual([
      '[1/3] ✔ MUST    algorithm/alg-none (12 ms)',
      '[2/3] ✖ MUST    algorithm/hs256-with-public-key (12 ms)',
      '[3/3] – PROFILE transport/query-token (target profile lacks feature token-in-query) (12 ms)',
    ]);
  });

  it('keeps one updating line with a bar and counter on a TTY, prints failures above it, and clears it when done', () => {
    const { chunks, stream } = sink(true);
    const progress = progressReporter({ total: 4, stream, color: false });
    const cases = fixtureCases();
    progress.onCaseStart(cases[0]);
    progress.onCaseStart(cases[1]);
    expect(chunks.at(-1)).toContain('0/4');
    expect(chunks.at(-1)).toContain('2 running, algorithm/hs256-with-public-key');
    progress.onCaseEnd(cases[0]);
    expect(chunks.at(-1)).toMatch(/^\[█{6}░{18}\] {2}1\/4 {2}✔1 {2}algorithm\/hs256-with-public-key$/);
    progress.onCaseEnd(cases[1]);
    expect(chunks).toContain('✖ MUST    algorithm/hs256-with-public-key\n');
    expect(chunks.at(-1)).toContain('2/4  ✔1 ✖1');
    // Only the failure notice ends a line; every redraw of the bar stays on its line.
    expect(chunks.filter((c) => c.includes('\n'))).toEqual(['✖ MUST    algorithm/hs256-with-public-key\n']);
    progress.done();
    expect(chunks.at(-1)).toBe('\r\u001b[2K');
    const before = chunks.length;
    progress.onCaseEnd(cases[2]);
    progress.done();
    expect(chunks.length).toBe(before);
  });

  it('never lets the live line wrap (a wrapped line cannot be redrawn with \\r)', () => {
    const chunks: string[] = [];
    const progress = progressReporter({ total: 1, color: false, stream: { isTTY: true, columns: 40, write: (c: string) => chunks.push(c) } });
    progress.onCaseStart({ id: 'claims/a-very-long-case-identifier-that-does-not-fit' });
    expect(chunks.at(-1)!.length).toBeLessThanOrEqual(39);
  });
});
