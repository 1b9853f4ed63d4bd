import { get } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, WRONG_HOST_NAME, type MockIdp } from '../index.ts';

let idp: MockIdp;
let discovery: string;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
  discovery = idp.tenant('contoso').discoveryUrl;
});
afterAll(async () => {
  await idp?.close();
});
afterEach(async () => {
  await admin('DELETE', '/tenants/contoso/faults');
  idp.control.requests.clear();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${idp.url}/_admin${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, json: (await res.json()) as any };
};
const doc = async () => (await (await fetch(discovery)).json()) as { issuer: string; jwks_uri: string };

/** GET over TLS trusting only `ca`; resolves with the body or the TLS error code. */
function getTls(url: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c)).on('end', () => resolve(`${res.statusCode} ${body}`));
    }).on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
  });
}

describe('the rewrite discovery fault (RFC 8414 §3.3, OpenID Connect Discovery 1.0 §4.3)', () => {
  test('announces another issuer and a jwks_uri resolved against the mock, {tenant} filled with the tenant id', async () => {
    const genuine = await doc();
    expect((await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'rewrite', issuer: 'https://issuer.example/other/v2.0', jwksUri: '/_attacker/{tenant}/jwks.json' })).status).toBe(200);
    const rewritten = await doc();
    expect(rewritten.issuer).toBe('https://issuer.example/other/v2.0');
    expect(rewritten.jwks_uri).toBe(`${idp.url}/_attacker/${idp.tenant('contoso').id}/jwks.json`);
    expect(Object.keys(rewritten).sort()).toEqual(Object.keys(genuine).sort());
    await admin('DELETE', '/tenants/contoso/faults/discovery');
    expect(await doc()).toEqual(genuine);
  });

  test('moves jwks_uri to /_moved, which serves the genuine keys and is logged as a jwks request while the usual key path is down', async () => {
    await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'rewrite', jwksUri: '/_moved/{tenant}/discovery/v2.0/keys' });
    await admin('PUT', '/tenants/contoso/faults/jwks', { kind: 'down' });
    const moved = await fetch((await doc()).jwks_uri);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual(idp.keys('contoso').jwks(idp.tenant('contoso').issuer));
    expect((await fetch(idp.tenant('contoso').jwksUri)).status).toBe(503);
    expect(idp.control.requests.count({ endpoint: 'jwks' })).toBe(2);
  });

  test('rejects rewrite on other endpoints and without anything to rewrite (400 naming the field)', async () => {
    expect((await admin('PUT', '/tenants/contoso/faults/jwks', { kind: 'rewrite', issuer: 'x' })).json.field).toBe('kind');
    expect((await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'rewrite' })).json.field).toBe('issuer');
    expect((await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'down', issuer: 'x' })).json.field).toBe('issuer');
  });
});

describe('TLS faults on the key endpoint (RFC 9110 §4.3.4)', () => {
  test('jwksTls self-signed: the keys are on a real TLS listener whose certificate no CA vouches for', async () => {
    await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'rewrite', jwksTls: 'self-signed' });
    const uri = (await doc()).jwks_uri;
    expect(uri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/.+\/discovery\/v2\.0\/keys$/);
    expect(await getTls(uri, await idp.tlsFaults.ca())).toBe('error DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('jwksTls wrong-host: a certificate from the mock CA for another host name; only the host check refuses it', async () => {
    await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'rewrite', jwksTls: 'wrong-host' });
    const uri = (await doc()).jwks_uri;
    const ca = await idp.tlsFaults.ca();
    expect(await getTls(uri, ca)).toBe('error ERR_TLS_CERT_ALTNAME_INVALID');
    // The same listener with the host check pointed at the name on the certificate: the chain itself is sound.
    const body = await new Promise<string>((resolve, reject) => {
      get(uri, { ca, servername: WRONG_HOST_NAME, checkServerIdentity: () => undefined }, (res) => {
        let b = '';
        res.on('data', (c) => (b += c)).on('end', () => resolve(b));
      }).on('error', reject);
    });
    expect(JSON.parse(body).keys.length).toBeGreaterThan(0);
  });
});

describe('the huge JWKS fault', () => {
  test('serves the genuine keys then thousands of filler keys, megabytes of them, fast', async () => {
    await admin('PUT', '/tenants/contoso/faults/jwks', { kind: 'huge', keys: 3000 });
    const started = performance.now();
    const res = await fetch(idp.tenant('contoso').jwksUri);
    const text = await res.text();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(text.length).toBeGreaterThan(3000 * 1000);
    const { keys } = JSON.parse(text) as { keys: { kid: string }[] };
    expect(keys).toHaveLength(3000 + idp.keys('contoso').published().length);
    expect(keys.slice(0, 2).map((k) => k.kid)).toEqual(idp.keys('contoso').jwks().keys.map((k) => k.kid));
    expect(keys.at(-1)!.kid).toBe('gatecheck-huge-3000');
  });

  test('defaults to 10 000 filler keys and applies to the jwks endpoint only', async () => {
    await admin('PUT', '/tenants/contoso/faults/jwks', { kind: 'huge' });
    const text = await (await fetch(idp.tenant('contoso').jwksUri)).text();
    expect(text.length).toBeGreaterThan(10 * 1000 * 1000);
    expect((await admin('PUT', '/tenants/contoso/faults/discovery', { kind: 'huge' })).json.field).toBe('kind');
  });
});
