import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../report/html.ts';
import { htmlReport } from '../report/html-report.ts';
import { htmlReportScript } from '../report/html-report-script.ts';
import { fixtureCases, fixtureReport, HOSTILE, WEAKER_CLAUSE } from './fixtures/run-report-fixture.ts';

/** Real tags only: escaped text (`&lt;img …`) never matches, because `<` in data is always an entity. */
function tags(page: string): { name: string; attributes: Map<string, string> }[] {
  return [...page.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1].toLowerCase(),
    attributes: new Map([...m[2].matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1].toLowerCase(), decode(a[2] ?? '')])),
  }));
}

/** What a browser hands the page for an attribute value. */
function decode(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!);
}

describe('report.html', () => {
  const page = htmlReport(fixtureReport());

  it('is self-contained: one inline script, no external script, stylesheet, font, image or frame', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(page).not.toMatch(/<(link|iframe|img|object|embed|base)\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    const all = tags(page);
    expect(all.filter((t) => t.attributes.has('src'))).toEqual([]);
    // The only links are references' web pages, opened without referrer or opener.
    const anchors = all.filter((t) => t.attributes.has('href'));
    expect(anchors.length).toBeGreaterThan(0);
    for (const a of anchors) {
      expect(a.attributes.get('href')).toMatch(/^https:\/\/www\.rfc-editor\.org\//);
      expect(a.attributes.get('rel')).toBe('noopener noreferrer');
    }
  });

  it('allows by CSP exactly its own style and script (hashes match) and nothing from the network', () => {
    const csp = tags(page).find((t) => t.attributes.get('http-equiv') === 'Content-Security-Policy')!.attributes.get('content')!;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const style = page.match(/<style>([\s\S]*?)<\/style>/)![1];
    const script = page.match(/<script>([\s\S]*?)<\/script>/)![1];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('escapes every hostile string from tokens, headers, findings, bodies and errors (no XSS)', () => {
    for (const s of [HOSTILE.script, HOSTILE.img, HOSTILE.kid, '<svg', '<img']) expect(page).not.toContain(s);
    expect(page).toContain(escapeHtml(HOSTILE.script));
    expect(page).toContain(escapeHtml(HOSTILE.img));
    expect(page).toContain(escapeHtml(`"kid": ${JSON.stringify(HOSTILE.kid)}`));
    // No attribute anywhere is an event handler, and a javascript: reference stays inert text.
    for (const t of tags(page)) for (const name of t.attributes.keys()) expect(name).not.toMatch(/^on/);
    expect(tags(page).some((t) => (t.attributes.get('href') ?? '').toLowerCase().includes('javascript'))).toBe(false);
    expect(page).toContain('CVE-2016-10555 (<code>javascript:alert(3)</code>)');
  });

  it('shows the summary, the per-category table and every case with its verdict, level and category for filtering', () => {
    expect(page).toContain('2 MUST case(s) failed');
    expect(page).toContain('1 harness error(s)');
    expect(page.match(/<details class="case"/g)).toHaveLength(11);
    for (const v of ['pass', 'non-strict', 'weaker', 'fail', 'skipped', 'error']) {
      expect(page).toContain(`data-verdict="${v}"`);
      expect(page).toContain(`<input type="checkbox" name="verdict" value="${v}" checked>`);
    }
    for (const l of ['must', 'should', 'profile', 'either']) expect(page).toContain(`data-level="${l}"`);
    expect(page).toContain('<option value="idp-faults">idp-faults</option>');
    expect(page).toContain('data-only-category="claims"');
    expect(page).toMatch(/<option value="verdict">worst first<\/option>/);
    // Failures and errors open by default: the reader lands on what matters.
    expect(page).toMatch(/<details class="case" id="case-algorithm\/hs256-with-public-key" open/);
    expect(page).toMatch(/<details class="case" id="case-algorithm\/alg-none"  data-index/);
  });

  it('shows per-case evidence: decoded token, the request as sent, expected vs observed, upstream, references', () => {
    const start = page.indexOf('id="case-algorithm/hs256-with-public-key"');
    const detail = page.slice(start, page.indexOf('</details>\n<details', start));
    expect(detail).toContain('&quot;alg&quot;: &quot;HS256&quot;');
    expect(detail).toContain('GET http://127.0.0.1:8080/api/orders\nauthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln');
    expect(detail).toContain('reject; status 401; WWW-Authenticate error=&quot;invalid_token&quot;; upstream untouched');
    expect(detail).toContain('status 200; upstream reached');
    expect(detail).toContain('reached: GET /api/orders');
    expect(detail).toContain('exp 2026-01-01T00:10:00.000Z (+10 min from run start)');
    expect(detail).toContain('<a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1" rel="noopener noreferrer" target="_blank">RFC 8725 §3.1</a>');
    const passing = page.slice(page.indexOf('id="case-algorithm/alg-none"'));
    expect(passing).toContain('untouched: nothing reached the upstream');
    expect(page).toContain('Skipped:</b> target profile lacks feature token-in-query');
    expect(page).toContain('the gateway chose to <b>reject</b>');
  });

  it('shows a weaker case with a filter, a badge naming the clause, the list of weaker cases and the RFC strict tally', () => {
    const clause = escapeHtml(WEAKER_CLAUSE);
    expect(page).toContain('<input type="checkbox" name="verdict" value="weaker" checked> ↓ weaker');
    expect(page).toContain('data-only-verdict="weaker"');
    const start = page.indexOf('id="case-claims/exp-absent"');
    const detail = page.slice(start, page.indexOf('</details>', start));
    expect(detail).toContain('data-verdict="weaker"');
    expect(detail).toContain(`<span class="badge v-weaker" title="${clause}">weaker</span>`);
    expect(detail).toContain(`<b>Weaker than the RFCs:</b> ${clause} (<a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2"`);
    expect(page).toContain("Weaker than the RFCs (1): allowed by the target's contract, the run does not fail");
    expect(page).toContain('<b>5 of 8</b>RFC 9068 / RFC 8725 strict');
    expect(page).toContain('RFC 9068 / RFC 8725 strict: 5 of 8 (1 weaker than the RFCs, as the contract allows)');
    expect(htmlReportScript).toContain('"weaker":2');
  });

  it('makes every reference with a public page a link, as cases write them (no url of their own), and leaves the rest plain', () => {
    const cases = fixtureCases();
    cases[0].references = [
      { doc: 'RFC 7519', section: '4.1.4' },
      { doc: 'OpenID Connect Discovery 1.0', section: '4.3' },
      { doc: 'CVE-2022-21449' },
      { doc: 'APIM validate-jwt', section: 'clock-skew' },
      { doc: 'OIDF oidcc-client-test-missing-aud' },
      { doc: 'gatecheck attack catalogue', section: 'G06: limit before or after auth' },
    ];
    const withRefs = htmlReport(fixtureReport(cases));
    const detail = withRefs.slice(withRefs.indexOf('id="case-algorithm/alg-none"'));
    const refs = detail.slice(detail.indexOf('<b>References:</b>'), detail.indexOf('</p>', detail.indexOf('<b>References:</b>')));
    const links = tags(refs).filter((t) => t.name === 'a').map((t) => t.attributes.get('href'));
    expect(links).toEqual([
      'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4',
      'https://openid.net/specs/openid-connect-discovery-1_0.html#rfc.section.4.3',
      'https://www.cve.org/CVERecord?id=CVE-2022-21449',
      'https://learn.microsoft.com/en-us/azure/api-management/validate-jwt-policy',
    ]);
    expect(refs).toContain('>RFC 7519 §4.1.4</a>');
    expect(refs).toContain(', OIDF oidcc-client-test-missing-aud, gatecheck attack catalogue §G06: limit before or after auth');
  });

  it('summarises a flood instead of printing every request', () => {
    expect(page).toContain('Showing 4 of 10 steps (7 pass, 3 fail).');
  });

  it('never includes private key material from a profile', () => {
    const report = fixtureReport();
    report.target.profile = { keys: [{ kty: 'EC', crv: 'P-256', x: 'X', y: 'Y', d: 'SECRET-D' }], note: '-----BEGIN EC PRIVATE KEY-----\nABC\n-----END EC PRIVATE KEY-----' };
    const withKeys = htmlReport(report);
    expect(withKeys).not.toContain('SECRET-D');
    expect(withKeys).not.toContain('BEGIN EC PRIVATE KEY');
    expect(withKeys).toContain('[redacted EC PRIVATE KEY]');
  });

  it('ships a script that parses and writes no markup (textContent only)', () => {
    expect(() => new Function(htmlReportScript)).not.toThrow();
    expect(htmlReportScript).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|fetch\(|XMLHttpRequest/);
  });
});
