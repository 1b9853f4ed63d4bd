import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { peerForTests } from '../../gateway-under-test/index.ts';
import { htmlReport, matrixHtml } from '../../suites/report/index.ts';
import { fixtureMatrix, fixtureReport, HOSTILE } from '../../suites/test/fixtures/run-report-fixture.ts';
import { createMockIdp, type MockIdp } from '../index.ts';

/** Kept by CI as artifacts (the folder is git-ignored). */
const SHOTS = fileURLToPath(new URL('../../reports/ui-screenshots/', import.meta.url));

// Debian's chromium is a peer binary like haproxy: with GATECHECK_REQUIRE_PEERS=1 a missing one fails
// this file at import; otherwise every test skips with the reason.
const peer = peerForTests('chromium', { hint: "apt-get install chromium (Debian's; `npx playwright install` cannot download here)" });

/**
 * The probe's flags for this machine: without the background-networking ones Chromium keeps dialling
 * Google's hosts, which a closed network refuses. Playwright's launch() already gives every run a fresh,
 * throw-away user-data-dir.
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let idp: MockIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let workDir: string;
const problems: string[] = [];
const foreignRequests: string[] = [];

beforeAll(async () => {
  if (!peer.path) return;
  mkdirSync(SHOTS, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), 'gatecheck-ui-'));
  idp = await createMockIdp({ port: 0 });
  browser = await chromium.launch({ executablePath: peer.path, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  // Anything the page asks of another origin, a script error, a CSP violation or a dialog (an XSS
  // payload running) fails the run.
  page.on('request', (r) => {
    if (!r.url().startsWith(idp.url) && !r.url().startsWith('file:') && !r.url().startsWith('data:')) foreignRequests.push(r.url());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
}, 30_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

beforeEach((ctx) => {
  ctx.skip(peer.skipReason !== undefined, peer.skipReason);
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const rowText = (selector: string) => page.locator(selector).allInnerTexts();

describe('the /_ui workbench in headless Chromium', () => {
  test('loads under a strict CSP and lists tenants, APIs, clients and keys with their states, without secrets', async () => {
    const response = await page.goto(`${idp.url}/_ui`);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[^']+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    await page.waitForSelector('body[data-ready="true"]');

    expect(await page.locator('#tenant option').allInnerTexts()).toEqual(idp.tenants.map((t) => t.name));
    expect((await rowText('#apis tbody tr')).join('\n')).toMatch(/orders-api[\s\S]*api:\/\/orders-api/);
    const clients = (await rowText('#clients tbody tr')).join('\n');
    expect(clients).toMatch(/orders-daemon\s+0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e\s+secret/);
    expect(clients).toMatch(/orders-web[\s\S]*public/);
    const keys = idp.keys('contoso');
    expect(await page.locator('#keys tbody tr[data-state="primary"]').getAttribute('data-kid')).toBe(keys.primary().kid);
    expect(await page.locator('#keys tbody tr[data-state="next"] td').nth(2).innerText()).toBe('published');

    const html = await page.content();
    expect(html).not.toContain('demo-secret-not-for-production');
    expect(html).not.toMatch(/PRIVATE KEY|"d":/);
    await shot('workbench');
  });

  test('mints a named variant and explains why a strict gateway refuses it (expired, RFC 7519 §4.1.4)', async () => {
    await page.selectOption('#variant', 'expired');
    expect(await page.locator('#variant-expect').innerText()).toMatch(/reject: expired/);
    await page.click('#mint');
    await expect.poll(() => page.locator('#verdict').innerText()).toMatch(/Rejected: expired/);
    expect(await page.locator('#verdict').innerText()).toMatch(/variant expired expects reject \(expired\): agrees/);
    expect(await page.locator('#checks tr[data-check="exp"]').getAttribute('data-status')).toBe('fail');
    expect(await page.locator('#checks tr[data-check="signature"]').getAttribute('data-status')).toBe('pass');
    expect(await page.locator('#times tr[data-claim="exp"]').innerText()).toMatch(/-10 min/);
    const minted = await page.inputValue('#minted');
    expect(minted.split('.')).toHaveLength(3);
    expect(await page.inputValue('#token')).toBe(minted);
    await shot('mint-variant-expired');
  });

  test('mints a recipe from the JSON editor; hostile claim and kid values are shown as text, never run', async () => {
    await page.selectOption('#variant', '');
    const recipe = { claims: { roles: [HOSTILE.img], name: HOSTILE.script }, header: { kid: HOSTILE.kid } };
    await page.fill('#recipe', JSON.stringify(recipe, null, 2));
    await page.click('#mint');
    await expect.poll(() => page.locator('#verdict').innerText()).toMatch(/Rejected: unknown_key/);
    expect(await page.locator('#claims-json').innerText()).toContain(HOSTILE.img);
    expect(await page.locator('#header-json').innerText()).toContain(HOSTILE.kid);
    expect(await page.locator('#checks tr[data-check="kid"]').innerText()).toContain(HOSTILE.kid);
    expect(await page.locator('main img, main svg, main script').count()).toBe(0);
    expect(problems).toEqual([]);
    await shot('mint-recipe-hostile');
  });

  test('decodes a pasted token and names the failing check (audience, RFC 7519 §4.1.3); garbage is malformed', async () => {
    const { token } = await idp.mint({ tenant: 'contoso', claims: { aud: 'api://other-api' } });
    await page.fill('#token', token);
    await page.click('#explain');
    await expect.poll(() => page.locator('#verdict').innerText()).toMatch(/Rejected: invalid_audience/);
    expect(await page.locator('#checks tr[data-check="aud"] td').nth(3).innerText()).toMatch(/"api:\/\/other-api" does not hold 5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b \(orders-api\)/);
    expect(await page.locator('#claims-json').innerText()).toContain('"aud": "api://other-api"');

    await page.fill('#token', 'not.a-token');
    await page.click('#explain');
    await expect.poll(() => page.locator('#verdict').innerText()).toMatch(/Rejected: malformed/);
  });

  test('rotates the signing keys: next becomes primary, the old primary stays published as previous', async () => {
    const before = idp.keys('contoso').primary().kid;
    const next = idp.keys('contoso').byState('next')!.kid;
    await page.click('#rotate');
    await expect.poll(() => page.locator('#keys tbody tr[data-state="primary"]').getAttribute('data-kid')).toBe(next);
    expect(idp.keys('contoso').primary().kid).toBe(next);
    expect(await page.locator(`#keys tbody tr[data-kid="${before}"]`).getAttribute('data-state')).toBe('previous');
    expect(await page.locator('#keys tbody tr[data-state="next"]').count()).toBe(1);
    expect(await page.locator('#status').innerText()).toContain(`primary is now ${next}`);
    await shot('keys-rotated');
  });

  test('sets a JWKS fault that a client sees, watches the request log, and clears the fault', async () => {
    const jwks = idp.tenant('contoso').jwksUri;
    await page.selectOption('#fault-endpoint', 'jwks');
    await page.selectOption('#fault-kind', 'down');
    await page.click('#fault-set');
    await expect.poll(() => page.locator('#faults tbody tr[data-endpoint="jwks"]').innerText()).toMatch(/down/);
    expect((await fetch(jwks)).status).toBe(503);

    // The log is polled, not pushed: the page must pick the fetch up on its own.
    await expect.poll(() => page.locator('#requests tbody').innerText(), { timeout: 5_000 }).toMatch(/jwks\s+GET\s+\/[0-9a-f-]+\/discovery\/v2\.0\/keys/);
    expect(await page.locator('#log-counts').innerText()).toMatch(/jwks [1-9]/);
    await shot('fault-and-request-log');

    await page.click('#faults tbody tr[data-endpoint="jwks"] button');
    await expect.poll(() => page.locator('#faults tbody').innerText()).toMatch(/no faults/);
    expect((await fetch(jwks)).status).toBe(200);
  });

  test('made no request to any other origin and raised no script error or CSP violation', () => {
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the HTML reports in headless Chromium, offline', () => {
  let offline: BrowserContext;
  let reportPage: Page;
  const reportRequests: string[] = [];
  const reportProblems: string[] = [];

  beforeAll(async () => {
    if (!peer.path) return;
    offline = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
    // Nothing but the file itself may load: a CDN stylesheet or a tracking pixel would show up here.
    await offline.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      reportRequests.push(route.request().url());
      return route.abort();
    });
    reportPage = await offline.newPage();
    reportPage.on('pageerror', (e) => reportProblems.push(`page error: ${e.message}`));
    reportPage.on('console', (m) => {
      if (m.type() === 'error') reportProblems.push(`console: ${m.text()}`);
    });
    reportPage.on('dialog', (d) => {
      reportProblems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await offline?.close();
  });

  test('report.html filters to failures, sorts worst first and shows a failing case\'s evidence', async () => {
    const report = fixtureReport();
    const file = join(workDir, 'report.html');
    writeFileSync(file, htmlReport(report));
    await reportPage.goto(pathToFileURL(file).href);
    const failures = report.cases.filter((c) => c.verdict === 'fail').map((c) => c.id);
    expect(failures.length).toBeGreaterThan(1);

    await reportPage.click('[data-only-verdict="fail"]');
    const visible = reportPage.locator('#cases details.case:visible');
    expect(await visible.count()).toBe(failures.length);
    expect((await visible.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort()).toEqual([...failures].sort());
    expect(await reportPage.locator('#shown').innerText()).toBe(`${failures.length} of ${report.cases.length} cases shown`);

    const failing = reportPage.locator('details.case[data-id="algorithm/hs256-with-public-key"]');
    expect(await failing.getAttribute('open')).not.toBeNull();
    expect(await failing.innerText()).toContain('upstream was reached');
    expect(await failing.innerText()).toContain(HOSTILE.script);
    await reportPage.screenshot({ path: join(SHOTS, 'report-failures.png'), fullPage: true });

    await reportPage.click('#f-reset');
    await reportPage.selectOption('#f-sort', 'verdict');
    const order = await reportPage.locator('#cases details.case').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(order[0]).toBe('error');
    expect(order.indexOf('pass')).toBeGreaterThan(order.lastIndexOf('fail'));
    await reportPage.fill('#f-text', 'unknown-kid-flood');
    expect(await reportPage.locator('#shown').innerText()).toBe(`1 of ${report.cases.length} cases shown`);
  });

  test('matrix.html hides rows that passed everywhere, searches, sorts worst first and shows per-target evidence', async () => {
    const matrix = fixtureMatrix();
    const file = join(workDir, 'matrix.html');
    writeFileSync(file, matrixHtml(matrix));
    await reportPage.goto(pathToFileURL(file).href);
    const rows = reportPage.locator('tbody tr[data-all-pass]');
    const all = await rows.count();
    await reportPage.check('#only-differences');
    const shown = await reportPage.locator('tbody tr[data-all-pass]:visible').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(all);
    expect(await reportPage.locator('tbody tr[data-all-pass="true"]:visible').count()).toBe(0);

    await reportPage.selectOption('#m-sort', 'worst');
    const firstIds = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.getAttribute('data-id')));
    expect(firstIds[0]).toBe('idp-faults/jwks-down');
    await reportPage.fill('#m-text', 'kid-flood');
    const flood = reportPage.locator('tbody tr[data-all-pass]:visible');
    expect(await flood.count()).toBe(1);
    await flood.locator('details summary').click();
    expect(await flood.locator('details').innerText()).toMatch(/haproxy \[click\]\(https:\/\/evil\.example\/\) \| <b>bold<\/b>: ✖ fail · jwks fetched 7 times/);
    await reportPage.fill('#m-text', '');
    await reportPage.locator('tbody tr[data-all-pass]:visible details summary').first().click();
    await reportPage.screenshot({ path: join(SHOTS, 'matrix-differences.png'), fullPage: true });
  });

  test('fetched nothing from the network and ran no injected script', () => {
    expect(reportRequests).toEqual([]);
    expect(reportProblems).toEqual([]);
  });
});
