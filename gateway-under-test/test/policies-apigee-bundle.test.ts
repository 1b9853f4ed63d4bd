import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRecipe } from '../../mock-idp/index.ts';
import { targetFromPolicy, type PolicyTarget, type ReferenceGateway } from '../index.ts';
import { evaluateApigeeCondition, matchesPath, parseApigeeCondition } from '../reference/policies/apigee-condition.ts';
import { parsePolicyValues, type PolicyValues } from '../reference/policies/policy-values.ts';
import { policyRig } from './reference-support/policy-rig.ts';
import { zipBundle } from './reference-support/zip-bundle.ts';

/**
 * Exported Apigee proxies (apiproxy/ folders and the .zip Apigee exports) emulated on the reference
 * gateway, against the mock IdP standing in for Entra: what each flow lets through is shown by
 * requests, not read from the config.
 */

const BUNDLES = join(import.meta.dirname, '../../fixtures/policies/apigee-bundles');
const GOOD = join(BUNDLES, 'good-orders');
const BAD = join(BUNDLES, 'bad-verb-falls-through');
const tmp = mkdtempSync(join(tmpdir(), 'gatecheck-apigee-bundle-'));
const rig = policyRig();

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function serve(bundle: string, values?: PolicyValues): Promise<{ g: ReferenceGateway; target: PolicyTarget }> {
  const target = await targetFromPolicy(bundle, { upstreamUrl: rig.upstream.url, authority: rig.idp.url, values });
  const g = await rig.serve(target.config);
  return { g, target };
}

async function send(g: ReferenceGateway, method: string, path: string, recipe: TokenRecipe | null, headers: Record<string, string> = {}) {
  const auth = recipe ? { authorization: `Bearer ${(await rig.idp.mint({ tenant: 'contoso', ...recipe })).token}` } : {};
  const before = rig.upstream.seen.length;
  const res = await request(`${g.url}${path}`, { method: method as 'GET', headers: { ...auth, ...headers } });
  await res.body.dump();
  return { status: res.statusCode, reason: res.headers['x-gatecheck-reason'], reached: rig.upstream.seen.slice(before) };
}

/** A copy of a fixture bundle with some files replaced or added, under tmp. */
function variant(name: string, from: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  cpSync(from, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, 'apiproxy', path), text);
  return dir;
}

/** The ProxyEndpoint with a step for `policy` before (or after) the step naming `next`. */
function insertStep(xml: string, next: string, policy: string, where: 'before' | 'after' = 'before'): string {
  const step = (name: string) => `            <Step>\n                <Name>${name}</Name>\n            </Step>\n`;
  const at = xml.indexOf(step(next));
  if (at < 0) throw new Error(`no step ${next}`);
  return where === 'before' ? xml.slice(0, at) + step(policy) + xml.slice(at) : xml.slice(0, at) + step(next) + step(policy) + xml.slice(at + step(next).length);
}

const read = (path: string) => readFileSync(join(GOOD, 'apiproxy', path), 'utf8');
const reader: TokenRecipe = { claims: { roles: ['Orders.Read'] } };
const writer: TokenRecipe = { claims: { roles: ['Orders.Write'] } };

describe('Apigee conditions (conditions reference; pattern matching in conditional statements)', () => {
  const req = (verb: string, pathsuffix: string) => ({ verb, pathsuffix, path: `/orders-api${pathsuffix}` });
  it('reads and, or, not and parentheses over the verb and the path suffix', () => {
    const c = parseApigeeCondition('(proxy.pathsuffix MatchesPath "/orders") and (request.verb = "GET")')!;
    expect(evaluateApigeeCondition(c, req('GET', '/orders'))).toBe(true);
    expect(evaluateApigeeCondition(c, req('HEAD', '/orders'))).toBe(false);
    expect(evaluateApigeeCondition(c, req('GET', '/orders/1'))).toBe(false);
    const n = parseApigeeCondition('not (request.verb = "GET" or request.verb == "HEAD") && request.path ~/ "/orders-api/**"')!;
    expect(evaluateApigeeCondition(n, req('POST', '/orders/1/items'))).toBe(true);
    expect(evaluateApigeeCondition(n, req('HEAD', '/orders'))).toBe(false);
  });

  it('MatchesPath: * is one segment, ** any number; Matches: * is any characters', () => {
    expect([matchesPath('/orders/*', '/orders/1'), matchesPath('/orders/*', '/orders/1/items'), matchesPath('/orders/**', '/orders/1/items')]).toEqual([true, false, true]);
    const m = parseApigeeCondition('proxy.pathsuffix Matches "/ord*"')!;
    expect([evaluateApigeeCondition(m, req('GET', '/orders/1')), evaluateApigeeCondition(m, req('GET', '/customers'))]).toEqual([true, false]);
  });

  it('a condition on anything but the verb and path is unknown, never guessed; unreadable syntax is no condition', () => {
    const c = parseApigeeCondition('request.header.x-debug = "1" or request.verb = "GET"')!;
    expect(evaluateApigeeCondition(c, req('GET', '/'))).toBe(true);
    expect(evaluateApigeeCondition(c, req('POST', '/'))).toBe('unknown');
    expect(evaluateApigeeCondition(parseApigeeCondition('jwt.VJ.claim.roles ~~ ".*Write.*"')!, req('GET', '/'))).toBe('unknown');
    expect(parseApigeeCondition('(request.verb = "GET"')).toBeUndefined();
  });
});

describe('the good-orders bundle, as a folder and as a .zip', () => {
  for (const form of ['folder', 'zip'] as const) {
    describe(form, () => {
      let g: ReferenceGateway;
      let target: PolicyTarget;
      beforeAll(async () => {
        const source = form === 'folder' ? GOOD : await zipBundle(GOOD, join(tmp, 'good-orders.zip'));
        ({ g, target } = await serve(source));
      });

      it('GET /orders needs a token with Orders.Read, POST /orders one with Orders.Write (the flows\' VerifyJWTs)', async () => {
        expect((await send(g, 'GET', '/orders-api/orders', null)).status).toBe(401);
        const ok = await send(g, 'GET', '/orders-api/orders', reader);
        expect(ok.status, String(ok.reason)).toBe(200);
        expect(ok.reached).toHaveLength(1);
        expect((await send(g, 'POST', '/orders-api/orders', reader)).status).toBe(403);
        expect((await send(g, 'POST', '/orders-api/orders', writer)).status).toBe(200);
        expect((await send(g, 'GET', '/orders-api/orders', writer)).status).toBe(403);
      });

      it('the target gets no Authorization, and the identity the AssignMessage sets from the verified claims', async () => {
        const { claims } = await rig.idp.mint({ tenant: 'contoso', ...reader });
        const r = await send(g, 'GET', '/orders-api/orders', reader, { 'x-user-id': 'admin' });
        expect(r.reached[0].headers.authorization).toBeUndefined();
        expect(r.reached[0].headers['x-user-id']).toBe(claims!.oid);
        expect(r.reached[0].headers['x-tenant-id']).toBe('7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c');
      });

      it('any other path or verb ends in the RaiseFault (404) and never reaches the target', async () => {
        for (const [method, path] of [['GET', '/orders-api/customers'], ['DELETE', '/orders-api/orders'], ['GET', '/orders-api/orders/1'], ['GET', '/orders-api']]) {
          const r = await send(g, method, path, writer);
          expect(r.status, `${method} ${path}`).toBe(404);
          expect(r.reached).toHaveLength(0);
        }
      });

      it('SpikeArrest becomes the routes\' rate limit, keyed on the verified sub, and its smoothing is reported as not emulated', () => {
        expect(target.config.rateLimits).toEqual({ 'SA-Per-Caller': { key: ['sub'], limit: 600, windowSeconds: 60 } });
        expect(target.config.routes.map((r) => [r.methods.join(','), r.path, r.rateLimit])).toEqual([
          ['GET', '/orders-api/orders', 'SA-Per-Caller'],
          ['POST', '/orders-api/orders', 'SA-Per-Caller'],
        ]);
        const smoothing = target.emulation.diagnostics.find((d) => d.rule === 'not-emulated' && d.checks?.includes('rate-limit'))!;
        expect(smoothing.file).toMatch(/apiproxy\/policies\/SA-Per-Caller\.xml$/);
        expect(smoothing.line).toBe(5);
        expect(target.emulation.notEmulated).toEqual(['claim-headers', 'rate-limit']);
      });
    });
  }
});

describe('the bad-verb-falls-through bundle: VerifyJWT only in the GET and POST flows', () => {
  it('HEAD (and any other verb) on /orders matches neither flow and reaches the target without a token', async () => {
    const { g } = await serve(BAD);
    expect((await send(g, 'GET', '/orders-api/orders', null)).status).toBe(401);
    const head = await send(g, 'HEAD', '/orders-api/orders', null);
    expect(head.status).toBe(200);
    expect(head.reached).toHaveLength(1);
    const put = await send(g, 'PUT', '/orders-api/orders', null);
    expect(put.reached).toHaveLength(1);
  });
});

describe('conditions and policies gatecheck cannot decide are named, with the routes they affect', () => {
  it('a VerifyJWT step under a header condition: emulated as running, reported with its file, line and routes', async () => {
    const dir = variant('header-condition', GOOD, {
      'proxies/default.xml': read('proxies/default.xml').replace('<Name>VJ-Entra-Token</Name>', '<Name>VJ-Entra-Token</Name>\n                <Condition>request.header.x-internal != "true"</Condition>'),
    });
    const { g, target } = await serve(dir);
    const d = target.emulation.diagnostics.find((x) => x.message.includes('x-internal'))!;
    expect(d.rule).toBe('not-emulated');
    expect(d.message).toMatch(/^<Condition>request\.header\.x-internal != "true"<\/Condition> at \S+apiproxy\/proxies\/default\.xml:8 is outside what gatecheck evaluates .*routes it affects: GET \/orders-api\/orders, POST \/orders-api\/orders/);
    expect(d.checks).toContain('signature');
    expect((await send(g, 'GET', '/orders-api/orders', null)).status).toBe(401);
  });

  it('VerifyAPIKey takes its keys from apigee.apiKeys in the values file, and refuses without them', async () => {
    const key = 'k3y-0f-the-0rders-app-1234567890';
    const dir = variant('api-key', GOOD, {
      'policies/VA-Api-Key.xml': '<VerifyAPIKey name="VA-Api-Key">\n    <APIKey ref="request.queryparam.apikey"/>\n</VerifyAPIKey>\n',
      'proxies/default.xml': insertStep(read('proxies/default.xml'), 'VJ-Entra-Token', 'VA-Api-Key'),
    });
    await expect(serve(dir)).rejects.toThrow(/VA-Api-Key\.xml:1: VerifyAPIKey "VA-Api-Key" accepts the keys of apps registered in Apigee.*apigee\.apiKeys: \[KEY, …\]/);
    const { g, target } = await serve(dir, parsePolicyValues(`apigee.apiKeys: [${key}]\n`, 'values.yaml'));
    expect(target.config.routes.every((r) => r.product === 'VA-Api-Key')).toBe(true);
    const without = await send(g, 'GET', '/orders-api/orders', reader);
    expect(without.status).not.toBe(200);
    expect(without.reached).toHaveLength(0);
    expect((await send(g, 'GET', `/orders-api/orders?apikey=${key}`, reader)).status).toBe(200);
    expect(() => parsePolicyValues('apigee.apiKeys: short\n', 'v.yaml')).toThrow(/v\.yaml:1: "apigee\.apiKeys": expected a list/);
    expect(() => parsePolicyValues('apigee.apiKeys: [short]\n', 'v.yaml')).toThrow(/item 1: expected a key of at least 16 characters/);
  });

  it('a Quota keyed on the caller address counts requests per window: the next one is refused', async () => {
    const dir = variant('quota', GOOD, {
      'policies/SA-Per-Caller.xml': '<Quota name="SA-Per-Caller">\n    <Identifier ref="client.ip"/>\n    <Allow count="2"/>\n    <Interval>1</Interval>\n    <TimeUnit>minute</TimeUnit>\n</Quota>\n',
    });
    const { g, target } = await serve(dir);
    expect(target.config.rateLimits).toEqual({ 'SA-Per-Caller': { key: ['client_ip'], limit: 2, windowSeconds: 60 } });
    expect((await send(g, 'GET', '/orders-api/orders', reader)).status).toBe(200);
    expect((await send(g, 'GET', '/orders-api/orders', reader)).status).toBe(200);
    const third = await send(g, 'GET', '/orders-api/orders', reader);
    expect(third.status).toBe(429);
    expect(third.reached).toHaveLength(0);
  });

  it('a MatchesPath pattern a prefix route cannot express is named; one it can becomes the route', async () => {
    const flow = (name: string, policy: string, pattern: string) =>
      `        <Flow name="${name}">\n            <Request>\n                <Step>\n                    <Name>${policy}</Name>\n                </Step>\n            </Request>\n            <Condition>(proxy.pathsuffix MatchesPath "${pattern}") and (request.verb = "GET")</Condition>\n        </Flow>\n`;
    const dir = variant('one-segment', GOOD, {
      'proxies/default.xml': read('proxies/default.xml').replace('        <Flow name="UnknownResource">', `${flow('GetOrder', 'VJ-Orders-Read', '/orders/*')}${flow('OrderItems', 'VJ-Orders-Write', '/orders/*/items')}        <Flow name="UnknownResource">`),
    });
    const { g, target } = await serve(dir);
    expect(target.config.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.require?.values.join(',')}`)).toEqual(['GET /orders-api/orders Orders.Read', 'POST /orders-api/orders Orders.Write', 'GET /orders-api/orders/* Orders.Read']);
    const d = target.emulation.diagnostics.find((x) => x.checks?.includes('request-checks'))!;
    expect([d.file.endsWith('apiproxy/proxies/default.xml'), d.line]).toEqual([true, 42]);
    expect(d.message).toBe('proxy.pathsuffix MatchesPath "/orders/*", proxy.pathsuffix MatchesPath "/orders/*/items": the reference gateway\'s route /orders-api/orders/* takes /orders-api/orders/gatecheck/x as well as /orders-api/orders/x, which this proxy treats differently; both are emulated as /orders-api/orders/x');
    const one = await send(g, 'GET', '/orders-api/orders/17', reader);
    expect([one.status, one.reached.length]).toEqual([200, 1]);
  });

  it('a RaiseFault under a verb condition answers with no route; a status other than 404 is reported', async () => {
    const dir = variant('verb-fault', GOOD, {
      'policies/RF-No-Delete.xml': '<RaiseFault name="RF-No-Delete">\n    <FaultResponse>\n        <Set>\n            <StatusCode>405</StatusCode>\n        </Set>\n    </FaultResponse>\n</RaiseFault>\n',
      'proxies/default.xml': read('proxies/default.xml').replace('            <Step>\n                <Name>VJ-Entra-Token</Name>', '            <Step>\n                <Name>RF-No-Delete</Name>\n                <Condition>request.verb = "DELETE"</Condition>\n            </Step>\n            <Step>\n                <Name>VJ-Entra-Token</Name>'),
    });
    const { g, target } = await serve(dir);
    const d = target.emulation.diagnostics.find((x) => x.message.includes('RF-No-Delete'))!;
    expect(d.checks).toEqual(['request-checks', 'failure-response']);
    expect(d.message).toMatch(/^RaiseFault "RF-No-Delete" answers DELETE \/orders-api\S* with 405; the emulation answers 404 \(no route\)$/);
    const del = await send(g, 'DELETE', '/orders-api/orders', writer);
    expect([del.status, del.reached.length]).toEqual([404, 0]);
  });

  it('a policy with no equivalent names its element, file and line and the checks it affects', async () => {
    const dir = variant('javascript', GOOD, {
      'policies/JS-Check.xml': '<Javascript name="JS-Check" timeLimit="200">\n    <ResourceURL>jsc://check.js</ResourceURL>\n</Javascript>\n',
      'proxies/default.xml': insertStep(read('proxies/default.xml'), 'SA-Per-Caller', 'JS-Check', 'after'),
    });
    const { target } = await serve(dir);
    const d = target.emulation.diagnostics.find((x) => x.message.includes('JS-Check'))!;
    expect([d.rule, d.file.endsWith('apiproxy/policies/JS-Check.xml'), d.line, d.checks]).toEqual(['not-emulated', true, 1, ['request-checks', 'claims']]);
    expect(d.message).toContain('<Javascript> "JS-Check" has no equivalent in the reference gateway');
  });
});
