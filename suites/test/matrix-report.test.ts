import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrixHtml } from '../report/matrix-html.ts';
import { matrixMarkdown } from '../report/matrix-markdown.ts';
import { writeMatrix } from '../report/write-matrix.ts';
import { writeReports } from '../report/write-reports.ts';
import { htmlReport } from '../report/html-report.ts';
import { fixtureMatrix, fixtureReport, WEAKER_CLAUSE } from './fixtures/run-report-fixture.ts';

/** Cells of a Markdown table row, split on unescaped pipes. */
function cells(line: string): string[] {
  return line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
}

describe('matrix.md', () => {
  const md = matrixMarkdown(fixtureMatrix());
  const lines = md.split('\n');

  it('starts with a summary row per target', () => {
    const header = lines.findIndex((l) => l.startsWith('| target |'));
    expect(cells(lines[header])).toEqual(['target', 'pass', 'non-strict', 'weaker', 'fail', 'skipped', 'error', 'total', 'MUST failed', 'blocking failed', 'RFC 9068 / RFC 8725 strict']);
    expect(cells(lines[header + 2])).toEqual(['reference', '4', '1', '1', '3', '1', '1', '11', '2', '2', '5 of 8']);
    expect(cells(lines[header + 3]).slice(1)).toEqual(['5', '1', '1', '2', '0', '1', '10', '1', '1', '6 of 8']);
  });

  it('marks a weaker cell distinctly, with a footnote that names the clause', () => {
    const row = lines.find((l) => l.startsWith('| claims/exp-absent '))!;
    expect(cells(row).slice(1, 4)).toEqual(['PROFILE', '↓ (1)', '↓ (1)']);
    expect(md).toContain(`↓ weaker: allowed by the target's contract, but weaker than RFC 8725 / RFC 9068 require:\n\n1. ${WEAKER_CLAUSE}\n`);
  });

  it('has a row per case and a column per target, with verdict marks and the failing MUST finding', () => {
    const header = lines.findIndex((l) => l.startsWith('| case |'));
    const rows = lines.slice(header + 2).filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(11);
    for (const row of [lines[header], ...rows]) expect(cells(row)).toHaveLength(5);
    const hs256 = rows.find((r) => r.includes('hs256'))!;
    expect(cells(hs256)).toEqual([
      'algorithm/hs256-with-public-key ([RFC 8725 §3.1](https://www.rfc-editor.org/rfc/rfc8725#section-3.1), CVE-2016-10555)',
      'MUST',
      '✖',
      '✔',
      'reference: upstream was reached',
    ]);
    const skipped = rows.find((r) => r.includes('query-token'))!;
    expect(cells(skipped).slice(2, 4)).toEqual(['–', '']);
    const flood = rows.find((r) => r.includes('unknown-kid-flood'))!;
    expect(cells(flood)[4]).toBe('reference: jwks fetched 7 times, at most 2 allowed · haproxy \\[click\\](https://evil.example/) \\| &lt;b&gt;bold&lt;/b&gt;: jwks fetched 7 times, at most 2 allowed');
    expect(cells(rows.find((r) => r.includes('jwks-down'))!).slice(2, 4)).toEqual(['!', '!']);
  });

  it('keeps hostile target names inert: no link, no HTML, no extra cell', () => {
    expect(md).not.toContain('[click](');
    expect(md).not.toContain('<b>');
  });

  it('names each case\'s references as links where they have a public page, plain text where not', () => {
    const cases = fixtureMatrix();
    cases.runs[0].cases[0].references = [{ doc: 'RFC 7519', section: '4.1.4' }, { doc: 'OIDF oidcc-client-test-missing-aud' }, { doc: 'RFC 1', url: 'https://evil.example/a)b|c' }];
    const row = matrixMarkdown(cases).split('\n').find((l) => l.startsWith('| algorithm/alg-none '))!;
    expect(cells(row)[0]).toBe('algorithm/alg-none ([RFC 7519 §4.1.4](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4), OIDF oidcc-client-test-missing-aud, RFC 1)');
    expect(cells(row)).toHaveLength(5);
  });

  it('links each target\'s name, in both tables, to its own report when given one', () => {
    const linked = matrixMarkdown(fixtureMatrix(), { targetReports: ['1-reference/report.html', '2-node:jose (x)/report.html'] }).split('\n');
    const header = cells(linked.find((l) => l.startsWith('| case |'))!);
    expect(header[2]).toBe('[reference](1-reference/report.html)');
    expect(header[3]).toBe('[haproxy \\[click\\](https://evil.example/) \\| &lt;b&gt;bold&lt;/b&gt;](2-node%3Ajose%20%28x%29/report.html)');
    const summary = linked.slice(linked.findIndex((l) => l.startsWith('| target |')) + 2);
    expect(cells(summary[0])[0]).toBe('[reference](1-reference/report.html)');
    expect(cells(summary[1])[0]).toMatch(/^\[haproxy .*\]\(2-node%3Ajose%20%28x%29\/report\.html\)$/);
    const partial = matrixMarkdown(fixtureMatrix(), { targetReports: [undefined, '../fixtures/targets/haproxy.verdicts.json'] });
    expect(cells(partial.split('\n').find((l) => l.startsWith('| case |'))!).slice(2, 4)).toEqual([
      'reference',
      '[haproxy \\[click\\](https://evil.example/) \\| &lt;b&gt;bold&lt;/b&gt;](../fixtures/targets/haproxy.verdicts.json)',
    ]);
    expect(md).not.toContain('report.html');
  });
});

describe('matrix.html', () => {
  const page = matrixHtml(fixtureMatrix());

  it('is self-contained and escapes target names and findings', () => {
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toMatch(/<script[^>]*src=|<link|<img|<b>bold/);
    expect(page).toContain('haproxy [click](https://evil.example/) | &lt;b&gt;bold&lt;/b&gt;');
    expect(page).toContain('title="fail\nupstream was reached\nstatus 200, expected 401 &lt;/pre&gt;&lt;script&gt;');
  });

  it('has a summary row per verdict with a count per target, and a row per case', () => {
    expect(page).toMatch(/<th colspan="2" class="v-pass">✔ pass<\/th><td class="cell">4<\/td><td class="cell">5<\/td>/);
    expect(page).toMatch(/MUST failed<\/th><td class="cell v-fail">2<\/td><td class="cell v-fail">1<\/td>/);
    expect(page).toMatch(/blocking failed \(MUST, PROFILE, EITHER\)<\/th><td class="cell v-fail">2<\/td><td class="cell v-fail">1<\/td>/);
    expect(page.match(/<tr data-all-pass=/g)).toHaveLength(11);
    expect(page).toContain('<tr data-all-pass="true">');
    expect(page).toContain('<td class="cell muted" title="not run">·</td>');
  });

  it('names each case\'s references under its title, linked where they have a public page', () => {
    const start = page.indexOf('data-id="algorithm/hs256-with-public-key"');
    const cell = page.slice(start, page.indexOf('</td>', start));
    expect(cell).toContain('<div class="muted refs"><a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1" rel="noopener noreferrer" target="_blank">RFC 8725 §3.1</a>, CVE-2016-10555 (<code>javascript:alert(3)</code>)</div>');
  });

  it('links each target\'s column header to its own report when given one, and leaves it plain otherwise', () => {
    const linked = matrixHtml(fixtureMatrix(), { targetReports: ['1-reference/report.html', undefined] });
    expect(linked).toMatch(/<th title="[^"]*"><a href="1-reference\/report\.html" title="this target's report">reference<\/a><\/th><th title="[^"]*">haproxy \[click\]/);
    expect(page).not.toContain('report.html');
  });
});

describe('matrix.html: weaker', () => {
  const page = matrixHtml(fixtureMatrix());

  it('shows a weaker cell in its own colour with the clause in the tooltip, and the strict tally per target', () => {
    expect(page).toContain(`<td class="cell v-weaker" title="weaker\n${WEAKER_CLAUSE}\naccepted as the target&#39;s contract allows`);
    expect(page).toMatch(/<th colspan="2" class="v-weaker">↓ weaker<\/th><td class="cell">1<\/td><td class="cell">1<\/td>/);
    expect(page).toMatch(/RFC 9068 \/ RFC 8725 strict<\/th><td class="cell v-weaker">5 of 8<\/td><td class="cell v-weaker">6 of 8<\/td>/);
  });
});

describe('writeReports and writeMatrix', () => {
  it('write report.json, junit.xml, report.html (creating the directory) and return their absolute paths', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gatecheck-report-')), 'nested', 'run');
    const paths = await writeReports(fixtureReport(), dir);
    expect(paths).toEqual({ json: join(dir, 'report.json'), junit: join(dir, 'junit.xml'), html: join(dir, 'report.html') });
    expect(JSON.parse(readFileSync(paths.json, 'utf8')).summary.total).toBe(11);
    expect(readFileSync(paths.junit, 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(paths.html, 'utf8')).toBe(htmlReport(fixtureReport()));
  });

  it('write matrix.html and matrix.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-matrix-'));
    const paths = await writeMatrix(fixtureMatrix(), dir);
    expect(existsSync(paths.html) && existsSync(paths.markdown)).toBe(true);
    expect(readFileSync(paths.markdown, 'utf8')).toContain(`# gatecheck matrix`);
  });

  it('link each target in the matrix to the report.html written beside it, by a relative link that resolves to the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-matrix-'));
    const matrix = fixtureMatrix();
    const reports = await Promise.all(matrix.runs.map(async (run, i) => (await writeReports(run, join(dir, `${i + 1}-${i === 0 ? 'reference' : 'node:jose'}`))).html));
    const paths = await writeMatrix(matrix, dir, { reports });
    const html = readFileSync(paths.html, 'utf8');
    const hrefs = [...html.matchAll(/<th title="[^"]*"><a href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(['1-reference/report.html', '2-node%3Ajose/report.html']);
    for (const [i, href] of hrefs.entries()) expect(resolve(dir, decodeURIComponent(href))).toBe(reports[i]);
    for (const href of hrefs) expect(readFileSync(paths.markdown, 'utf8')).toContain(`](${href})`);
  });
});
