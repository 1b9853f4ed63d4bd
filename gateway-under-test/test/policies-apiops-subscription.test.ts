import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatePolicy, loadPolicyValues, type Emulation, type ReferenceGateway } from '../index.ts';
import { emulateApimFolder, parsePolicyValues } from '../reference/policies/index.ts';
import { policyRig } from './reference-support/policy-rig.ts';

/**
 * APIM subscription keys and quota-by-key in an APIOps folder (apiops/good-subscription), emulated end to
 * end: the mock IdP mints the tokens, the reference gateway checks the key before the token as APIM does,
 * and what reaches the echo upstream is what the folder lets through.
 */

const DIR = join(import.meta.dirname, '../../fixtures/policies/apiops/good-subscription');
const KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const tmp = mkdtempSync(join(tmpdir(), 'gatecheck-subscription-'));
const rig = policyRig();

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function emulate(dir: string, values: string | undefined): Promise<Emulation> {
  return emulateApimFolder(dir, { upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0, values: values === undefined ? undefined : parsePolicyValues(values, 'values.yaml') });
}

async function start(e: Emulation): Promise<ReferenceGateway> {
  const g = await rig.serve(e.config);
  return g;
}

async function send(g: ReferenceGateway, path: string, sub: string, headers: Record<string, string> = {}) {
  const { token } = await rig.idp.mint({ tenant: 'contoso', claims: { sub, roles: ['Orders.Read'] } });
  const before = rig.upstream.seen.length;
  const res = await request(`${g.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  await res.body.dump();
  return { status: res.statusCode, reason: res.headers['x-gatecheck-reason'], retryAfter: res.headers['retry-after'], reached: rig.upstream.seen.length - before };
}

/** A copy of the fixture with some files replaced. */
function variant(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  cpSync(DIR, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}
const read = (path: string) => readFileSync(join(DIR, path), 'utf8');
const FIXTURE_VALUES = readFileSync(`${DIR}.values.yaml`, 'utf8');
const NAMED_VALUES = FIXTURE_VALUES.split('\napim.subscriptionKeys')[0];

describe('apiops/good-subscription: subscriptionRequired API in a product whose keys are in the values file', () => {
  let e: Emulation;
  let g: ReferenceGateway;
  beforeAll(async () => {
    e = await emulateApimFolder(DIR, { upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0, values: await loadPolicyValues(`${DIR}.values.yaml`) });
    g = await start(e);
  });

  it('maps the product\'s keys onto the reference gateway\'s subscriptions, on every route of the API', () => {
    expect(e.config.subscriptions).toEqual({ header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key', products: [{ name: 'orders-api', keys: [KEY] }] });
    expect(e.config.routes.map((r) => [r.methods, r.path, r.product])).toEqual([
      [['GET'], '/orders-api/orders', 'orders-api'],
      [['POST'], '/orders-api/orders', 'orders-api'],
    ]);
    expect(e.contract!.routes.every((r) => r.product === 'orders-api')).toBe(true);
  });

  it('no key and a wrong key are refused with 401 before the token is looked at; the right key with a valid token passes', async () => {
    const none = await send(g, '/orders-api/orders', 'sub-no-key');
    expect([none.status, none.reason, none.reached]).toEqual([401, 'subscription_key_missing', 0]);
    const wrong = await send(g, '/orders-api/orders', 'sub-wrong-key', { 'ocp-apim-subscription-key': 'ffffffffffffffffffffffffffffffff' });
    expect([wrong.status, wrong.reason, wrong.reached]).toEqual([401, 'subscription_key_invalid', 0]);
    const right = await send(g, '/orders-api/orders', 'sub-right-key', { 'ocp-apim-subscription-key': KEY });
    expect([right.status, right.reached]).toEqual([200, 1]);
    // APIM's documented query parameter works as well, and the key is not forwarded in the query.
    const query = await send(g, `/orders-api/orders?subscription-key=${KEY}`, 'sub-query-key');
    expect([query.status, query.reached]).toEqual([200, 1]);
    expect(rig.upstream.seen.at(-1)!.url).not.toContain(KEY);
  });

  it('the right key with a token for another API is still refused: the key does not replace the token', async () => {
    const { token } = await rig.idp.mint({ tenant: 'contoso', claims: { aud: 'api://someone-else', roles: ['Orders.Read'] } });
    const res = await request(`${g.url}/orders-api/orders`, { headers: { authorization: `Bearer ${token}`, 'ocp-apim-subscription-key': KEY } });
    await res.body.dump();
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-gatecheck-reason']).toBe('audience_not_allowed');
  });

  it('quota-by-key (100 calls per 300 s per validated subject) is the route\'s rate limit, its 403 reported as not emulated with its line', () => {
    expect(e.config.rateLimits).toEqual({ policy: { key: ['sub'], limit: 100, windowSeconds: 300 } });
    // APIM answers 403 there: the status is reported as not emulated for the rate-limit checks, with the line.
    const d = e.diagnostics.find((x) => x.message.startsWith('quota-by-key is emulated as a sliding window'))!;
    expect([d.rule, d.file.endsWith('apis/orders-api/policy.xml'), d.line, d.checks]).toEqual(['not-emulated', true, 12, ['rate-limit']]);
    expect(d.message).toContain('403');
    expect(e.notEmulated).toEqual(['rate-limit']);
  });

  it('with calls="3", the 4th call of one subject is refused with the emulated 429 and Retry-After and never reaches the backend; another subject still passes', async () => {
    const dir = variant('quota-3', { 'apis/orders-api/policy.xml': read('apis/orders-api/policy.xml').replace('calls="100"', 'calls="3"') });
    const g3 = await start(await emulate(dir, FIXTURE_VALUES));
    const headers = { 'ocp-apim-subscription-key': KEY };
    for (let i = 0; i < 3; i++) expect((await send(g3, '/orders-api/orders', 'sub-quota', headers)).status).toBe(200);
    const over = await send(g3, '/orders-api/orders', 'sub-quota', headers);
    expect([over.status, over.reason, over.reached]).toEqual([429, 'rate_limited', 0]);
    expect(over.retryAfter).toMatch(/^\d+$/);
    expect((await send(g3, '/orders-api/orders', 'sub-quota-other', headers)).status).toBe(200);
  });
});

describe('subscription keys the folder requires but the values file lacks', () => {
  it('a values file without keys for the API\'s products: one error naming the API, its file and line, the values file and what to add', async () => {
    await expect(emulate(DIR, NAMED_VALUES)).rejects.toThrow(/apis\/orders-api\/apiInformation\.json:10: API orders-api requires a subscription key, and an APIOps extract holds no subscriptions; values\.yaml has no keys for product orders-partners or all-apis: add apim\.subscriptionKeys: \{ orders-partners: \[KEY, …\] \}$/);
  });

  it('keys for a product the folder does not have are an error at their line', async () => {
    await expect(emulate(DIR, `${NAMED_VALUES}\napim.subscriptionKeys:\n  orders-partner: [${KEY}]\n`)).rejects.toThrow(/values\.yaml:6: apim\.subscriptionKeys names orders-partner, which is no product holding an API .*products: orders-partners/);
  });

  it('all-apis keys reach every API, and say that product policies do not run for them in APIM', async () => {
    const e = await emulate(DIR, `${NAMED_VALUES}\napim.subscriptionKeys:\n  all-apis: [${KEY}]\n`);
    expect(e.config.subscriptions!.products).toEqual([{ name: 'orders-api', keys: [KEY] }]);
    expect(e.diagnostics.some((d) => d.rule === 'note' && d.message.includes('skips product orders-partners\'s policy'))).toBe(true);
  });

  it('the values-file key is checked as strictly as the rest of the file', () => {
    expect(() => parsePolicyValues('apim.subscriptionKeys: [k]\n', 'v.yaml')).toThrow(/v\.yaml:1: "apim\.subscriptionKeys": expected a mapping of product/);
    expect(() => parsePolicyValues('apim.subscriptionKeys:\n  p: k\n', 'v.yaml')).toThrow(/v\.yaml:2: "apim\.subscriptionKeys" p: expected a list of subscription keys/);
    expect(() => parsePolicyValues('apim.subscriptionKeys:\n  p: [short]\n', 'v.yaml')).toThrow(/v\.yaml:2: "apim\.subscriptionKeys" p item 1: expected a subscription key of at least 16 characters/);
    expect(() => parsePolicyValues(`apim.subscriptionKeys:\n  p: [${KEY}]\n  p: [${KEY}]\n`, 'v.yaml')).toThrow(/v\.yaml:3/);
  });
});

describe('what APIM does not require a key for is not keyed', () => {
  it('subscriptionRequired false on the API: no key, whatever the product says', async () => {
    const dir = variant('api-open', { 'apis/orders-api/apiInformation.json': read('apis/orders-api/apiInformation.json').replace('"subscriptionRequired": true', '"subscriptionRequired": false') });
    const e = await emulate(dir, NAMED_VALUES);
    expect(e.config.subscriptions).toBeUndefined();
    expect(e.config.routes.some((r) => r.product)).toBe(false);
    const g = await start(e);
    expect((await send(g, '/orders-api/orders', 'sub-open-api')).status).toBe(200);
  });

  it('an API in an open product (subscriptionRequired false) is callable without a key: emulated so, with a note', async () => {
    const dir = variant('product-open', { 'products/orders-partners/productInformation.json': read('products/orders-partners/productInformation.json').replace('"subscriptionRequired": true', '"subscriptionRequired": false') });
    const e = await emulate(dir, NAMED_VALUES);
    expect(e.config.subscriptions).toBeUndefined();
    expect(e.diagnostics.find((d) => d.message.includes('open product orders-partners'))!.rule).toBe('note');
  });

  it('subscriptionRequired not written counts as required (APIM\'s default), with a note; renamed key parameters are read', async () => {
    const info = JSON.parse(read('apis/orders-api/apiInformation.json')) as { properties: Record<string, unknown> };
    delete info.properties.subscriptionRequired;
    info.properties.subscriptionKeyParameterNames = { header: 'X-Partner-Key', query: 'partner-key' };
    const dir = variant('defaulted', { 'apis/orders-api/apiInformation.json': JSON.stringify(info, null, 2) });
    const e = await emulate(dir, FIXTURE_VALUES);
    expect(e.config.subscriptions).toMatchObject({ header: 'X-Partner-Key', query: 'partner-key' });
    expect(e.diagnostics.some((d) => d.rule === 'note' && d.message.startsWith('subscriptionRequired is not written: emulated as true'))).toBe(true);
    const g = await start(e);
    expect((await send(g, '/orders-api/orders', 'sub-renamed', { 'ocp-apim-subscription-key': KEY })).status).toBe(401);
    expect((await send(g, '/orders-api/orders', 'sub-renamed', { 'x-partner-key': KEY })).status).toBe(200);
  });
});

describe('apiops/bad-quota-header-key: the product\'s quota keys its counter on a header the caller sends', () => {
  it('that quota runs first and is not emulated, naming its line; the API\'s own quota is then not emulated either (one limit per target), so nothing is limited', async () => {
    const dir = join(DIR, '../bad-quota-header-key');
    const e = await emulateApimFolder(dir, { upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0, values: await loadPolicyValues(`${dir}.values.yaml`) });
    expect(e.config.rateLimits).toBeUndefined();
    const header = e.diagnostics.find((d) => d.message.startsWith('counter-key @(context.Request.Headers'))!;
    expect([header.rule, header.file.endsWith('products/orders-partners/policy.xml'), header.line, header.checks]).toEqual(['not-emulated', true, 6, ['rate-limit']]);
    expect(e.diagnostics.some((d) => d.rule === 'not-emulated' && d.message.startsWith('only the first rate-limit-by-key or quota-by-key is emulated; this <quota-by-key>'))).toBe(true);
    const g = await start(e);
    for (let i = 0; i < 4; i++) expect((await send(g, '/orders-api/orders', 'sub-unlimited', { 'ocp-apim-subscription-key': KEY })).status).toBe(200);
  });
});

describe('quota-by-key and quota in one policy file', () => {
  const ORDERS_API = '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b';
  const TENANT = '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c';
  const policy = (after: string) =>
    `<policies>\n<inbound>\n<validate-jwt header-name="Authorization" output-token-variable-name="jwt"><openid-config url="https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration" /><audiences><audience>${ORDERS_API}</audience></audiences></validate-jwt>\n${after}\n</inbound>\n</policies>\n`;
  const subject = 'counter-key="@(((Jwt)context.Variables[&quot;jwt&quot;]).Subject)"';
  const run = (xml: string) => emulatePolicy(xml, { file: 'policy.xml', upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0 });
  const at = (e: Emulation, line: number) => e.diagnostics.filter((d) => d.line === line).map((d) => [d.rule, d.checks, d.message.split(':')[0]]);

  it('bandwidth is not counted, a lifetime quota (renewal-period 0) and increment-count are not emulated, each with its line', async () => {
    const both = await run(policy(`<quota-by-key calls="5" bandwidth="1024" renewal-period="300" ${subject} />`));
    expect(both.config.rateLimits).toEqual({ policy: { key: ['sub'], limit: 5, windowSeconds: 300 } });
    expect(both.diagnostics.some((d) => d.line === 4 && d.rule === 'not-emulated' && d.message.startsWith('quota-by-key bandwidth="1024"'))).toBe(true);
    const lifetime = await run(policy(`<quota-by-key calls="5" renewal-period="0" ${subject} />`));
    expect(lifetime.config.rateLimits).toBeUndefined();
    expect(at(lifetime, 4)).toContainEqual(['not-emulated', ['rate-limit'], 'quota-by-key renewal-period="0" is a lifetime quota; not emulated (the reference gateway\'s windows are at most a day)']);
    const counted = await run(policy(`<quota-by-key calls="5" renewal-period="300" increment-count="2" ${subject} />`));
    expect(counted.config.rateLimits).toBeUndefined();
    expect(at(counted, 4)).toContainEqual(['not-emulated', ['rate-limit'], 'quota-by-key increment-count="2" is not emulated (the reference gateway counts each request once)']);
  });

  it('APIM refuses a quota-by-key without renewal-period, or with neither calls nor bandwidth: so does gatecheck, with the line', async () => {
    await expect(run(policy(`<quota-by-key calls="5" ${subject} />`))).rejects.toThrow(/policy\.xml:4: <quota-by-key> needs renewal-period/);
    await expect(run(policy(`<quota-by-key renewal-period="300" ${subject} />`))).rejects.toThrow(/policy\.xml:4: <quota-by-key> needs calls or bandwidth/);
  });

  it('<quota> counts per subscription: not emulated, no rate limit, saying APIM\'s 403', async () => {
    const e = await run(policy('<quota calls="5" renewal-period="300" />'));
    expect(e.config.rateLimits).toBeUndefined();
    const d = e.diagnostics.find((x) => x.line === 4 && x.rule === 'not-emulated')!;
    expect([d.checks, d.message.includes('per subscription'), d.message.includes('403')]).toEqual([['rate-limit'], true, true]);
  });

  it('<cors> is a note (preflight answers not emulated) that lists no check', async () => {
    const e = await run(policy('<cors><allowed-origins><origin>https://app.example</origin></allowed-origins></cors>'));
    expect(at(e, 4)).toEqual([['note', undefined, '<cors> is not emulated (preflight answers)']]);
    // The validation's line carries the claim-header remark every single policy without set-header has; nothing else.
    expect(e.notEmulated).toEqual(['claim-headers']);
  });
});
