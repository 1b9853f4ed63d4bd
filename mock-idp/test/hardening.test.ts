import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rawExchange } from '../../gateway-under-test/test/reference-support/raw-http.ts';
import { createMockIdp, findVariant, type MockIdp } from '../index.ts';

/**
 * The mock IdP under bad input and concurrency (docs/reliability.md, first table). Tests throw broken requests at it all day, so
 * every malformed, mistyped, oversized or misaddressed request must get a clean 4xx in the shape its
 * caller expects (Entra's AADSTS body on Entra endpoints, the control API's own shape under /_admin),
 * never a 500 or a dropped connection, and concurrent rotations and mints must stay consistent.
 */
let idp: MockIdp;
let tenantId: string;
let port: number;

beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
  tenantId = idp.runtime('contoso').tenant.id;
  port = Number(new URL(idp.url).port);
});
afterAll(async () => {
  await idp?.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function send(method: string, path: string, body?: string | Buffer | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const res = await fetch(`${idp.url}${path}`, { method, body: body as never, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted by the caller
  }
  return { status: res.status, json, text };
}

function expectEntraError(json: any, error: string, code: number): void {
  expect(json).toMatchObject({ error, error_codes: [code] });
  expect(json.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(json.trace_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe('Entra endpoints answer malformed requests with Entra-shaped 4xx (entra-docs reference-error-codes)', () => {
  test('an unknown tenant gets 400 invalid_tenant AADSTS90002 on discovery, keys and token', async () => {
    for (const [method, path] of [['GET', '/nope/v2.0/.well-known/openid-configuration'], ['GET', '/nope/discovery/v2.0/keys'], ['POST', '/nope/oauth2/v2.0/token']]) {
      const r = await send(method, path, method === 'POST' ? 'grant_type=client_credentials' : undefined, method === 'POST' ? FORM : {});
      expect(r.status).toBe(400);
      expectEntraError(r.json, 'invalid_tenant', 90002);
    }
  });

  test('a tenant segment with broken percent-encoding gets 400 AADSTS900023, not a 500 (was: URIError from decodeURIComponent)', async () => {
    for (const path of ['/%E0%A4%A/v2.0/.well-known/openid-configuration', '/%/discovery/v2.0/keys', '/%ZZ/oauth2/v2.0/token']) {
      const r = await send('GET', path);
      expect(r.status).toBe(400);
      expectEntraError(r.json, 'invalid_request', 900023);
    }
  });

  test('instance discovery with an authority that is not a URL gets 400 invalid_instance AADSTS50049, not a 500', async () => {
    const r = await send('GET', '/common/discovery/instance?authorization_endpoint=not%20a%20url');
    expect(r.status).toBe(400);
    expectEntraError(r.json, 'invalid_instance', 50049);
  });

  test('a request target that is not a URL (absolute-form "http://[") gets 400 over a raw socket, and the mock keeps serving', async () => {
    const r = await rawExchange(port, 'GET http://[ HTTP/1.1\r\nHost: idp\r\nConnection: close\r\n\r\n');
    expect(r.status).toBe(400);
    expect((await send('GET', `/${tenantId}/discovery/v2.0/keys`)).status).toBe(200);
  });

  test.each([
    ['a JSON body', '{"grant_type":"client_credentials"}', JSON_TYPE],
    ['no grant_type', 'client_id=x', FORM],
    ['an unsupported grant_type', 'grant_type=password&client_id=x', FORM],
    ['an unknown client', 'grant_type=client_credentials&client_id=nope&client_secret=x&scope=api%3A%2F%2Fx%2F.default', FORM],
    ['a repeated grant_type', 'grant_type=client_credentials&grant_type=client_credentials', FORM],
    ['broken percent-encoding in the body', 'grant_type=%E0%A4%A&client_id=%ZZ', FORM],
    ['a 2 MB body', `grant_type=client_credentials&x=${'a'.repeat(2_000_000)}`, FORM],
    ['binary garbage', Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22]), FORM],
  ])('the token endpoint answers %s with a 400 Entra error', async (_name, body, headers) => {
    const r = await send('POST', `/${tenantId}/oauth2/v2.0/token`, body, headers);
    expect(r.status).toBe(400);
    expect(typeof r.json.error).toBe('string');
    expect(r.json.error_codes).toEqual([expect.any(Number)]);
    expect(r.json.error_description).toMatch(/^AADSTS\d+: /);
  });
});

describe('control API answers malformed requests with clean 4xx naming the field', () => {
  const tokens = '/_admin/tenants/contoso/tokens';
  test.each([
    { name: 'a body that is not JSON', method: 'POST', path: tokens, body: 'nope', status: 400, field: '' },
    { name: 'an empty body', method: 'POST', path: tokens, body: '', status: 400, field: '' },
    { name: 'a JSON array', method: 'POST', path: tokens, body: '[]', status: 400, field: '' },
    { name: 'JSON null', method: 'POST', path: tokens, body: 'null', status: 400, field: '' },
    { name: 'a number', method: 'POST', path: tokens, body: '123', status: 400, field: '' },
    { name: '200,000 nested arrays', method: 'POST', path: tokens, body: `${'['.repeat(200_000)}${']'.repeat(200_000)}`, status: 400, field: '' },
    { name: 'claims of the wrong type', method: 'POST', path: tokens, body: '{"claims":5}', status: 400, field: 'claims' },
    { name: 'a __proto__ member', method: 'POST', path: tokens, body: '{"__proto__":{"polluted":true}}', status: 400, field: '__proto__' },
    { name: 'a variant that is not a string', method: 'POST', path: tokens, body: '{"variant":5}', status: 400, field: 'variant' },
    { name: 'an unknown variant', method: 'POST', path: tokens, body: '{"variant":"no-such-variant"}', status: 400, field: 'variant' },
    { name: 'a relative time that does not parse', method: 'POST', path: tokens, body: '{"claims":{"exp":{"in":"soon"}}}', status: 400, field: 'claims.exp.in' },
    { name: 'a clock offset as a string', method: 'PUT', path: '/_admin/tenants/contoso/clock', body: '{"offsetSeconds":"5"}', status: 400, field: 'offsetSeconds' },
    { name: 'a clock offset beyond ten years', method: 'PUT', path: '/_admin/tenants/contoso/clock', body: '{"offsetSeconds":1e12}', status: 400, field: 'offsetSeconds' },
    { name: 'an unknown fault kind', method: 'PUT', path: '/_admin/tenants/contoso/faults/jwks', body: '{"kind":"explode"}', status: 400, field: 'kind' },
    { name: 'an unknown fault endpoint', method: 'PUT', path: '/_admin/tenants/contoso/faults/userinfo', body: '{"kind":"down"}', status: 400, field: 'endpoint' },
    { name: 'a negative rotation overlap', method: 'POST', path: '/_admin/tenants/contoso/keys/rotate', body: '{"overlapSeconds":-1}', status: 400, field: 'overlapSeconds' },
    { name: 'a rotation body that is a string', method: 'POST', path: '/_admin/tenants/contoso/keys/rotate', body: '"x"', status: 400, field: '' },
    { name: 'an unknown key state', method: 'POST', path: '/_admin/tenants/contoso/keys', body: '{"state":"god"}', status: 400, field: 'state' },
    { name: 'an unknown request-log endpoint', method: 'GET', path: '/_admin/requests?endpoint=userinfo', body: undefined, status: 400, field: 'query.endpoint' },
    { name: 'a kid that does not exist', method: 'PUT', path: '/_admin/tenants/contoso/keys/no-such-kid', body: '{"state":"retired"}', status: 404, field: 'kid' },
    { name: 'broken percent-encoding in the path', method: 'POST', path: '/_admin/tenants/%E0/tokens', body: '{}', status: 400, field: 'path' },
  ])('$name: $method $path answers $status naming field "$field"', async ({ method, path, body, status, field }) => {
    const r = await send(method, path, body, body === undefined ? {} : JSON_TYPE);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: expect.any(String), error_description: expect.any(String), field });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('an unknown tenant gets 404 in Entra shape (AADSTS90002)', async () => {
    const r = await send('POST', '/_admin/tenants/nope/tokens', '{"variant":"valid"}', JSON_TYPE);
    expect(r.status).toBe(404);
    expectEntraError(r.json, 'invalid_tenant', 90002);
  });

  test('a body over 1 MiB gets 413 and Connection: close, whether Content-Length announces it or it streams in chunks', async () => {
    const declared = await send('POST', tokens, Buffer.alloc(2_000_000, 0x61), JSON_TYPE);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe('request_too_large');
    let chunks = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: 40 chunks of 64 KiB = 2.5 MiB, more than the limit, then end.
        if (chunks++ < 40) controller.enqueue(new Uint8Array(65_536).fill(0x20));
        else controller.close();
      },
    });
    const streamed = await send('POST', tokens, stream, JSON_TYPE);
    expect(streamed.status).toBe(413);
    // The connection that carried the oversized body is closed, not reused half-read: the next requests
    // are answered (they used to hang on the reused socket until the keep-alive timeout, then ECONNRESET).
    for (let i = 0; i < 4; i++) expect((await send('GET', '/_admin/faults')).status).toBe(200);
  });

  test('the wrong method gets 405 with Allow', async () => {
    const res = await fetch(`${idp.url}/_admin/tenants/contoso/keys/rotate`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await res.arrayBuffer();
  });
});

describe('concurrent rotations and mints stay consistent (Entra key rollover: next → primary → previous → retired)', () => {
  test('every token minted during 6 concurrent control-API rotations verifies against the JWKS published at the moment it was minted, or its key is retired by then', async () => {
    const keys = idp.keys('contoso');
    const issuer = idp.tenant('contoso').issuer;
    const rotations = Array.from({ length: 6 }, () => send('POST', '/_admin/tenants/contoso/keys/rotate', '{}', JSON_TYPE));
    // In-process mints (the same forge as POST /_admin/…/tokens); the snapshot is taken in the tick the mint resolves.
    const inProcess = Array.from({ length: 30 }, async () => {
      const minted = await idp.mint({ ...findVariant('valid')!.recipe, tenant: 'contoso' });
      return { token: minted.token, jwks: keys.jwks(issuer) as JSONWebKeySet, states: new Map(keys.list().map((k) => [k.kid, k.state])) };
    });
    // Over HTTP the answer travels while other rotations run, so the check is: in the JWKS fetched next, or retired by then.
    const overHttp = Array.from({ length: 12 }, async () => {
      const minted = await send('POST', '/_admin/tenants/contoso/tokens', '{"variant":"valid"}', JSON_TYPE);
      expect(minted.status).toBe(200);
      const jwks = (await send('GET', `/${tenantId}/discovery/v2.0/keys`)).json as JSONWebKeySet;
      return { token: minted.json.token as string, jwks, states: new Map(keys.list().map((k) => [k.kid, k.state])) };
    });
    for (const r of await Promise.all(rotations)) expect(r.status).toBe(200);

    const check = async (results: { token: string; jwks: JSONWebKeySet; states: Map<string, string> }[]) => {
      let verified = 0;
      for (const { token, jwks, states } of results) {
        const { kid } = decodeProtectedHeader(token);
        expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(jwks.keys.length);
        expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
        if (jwks.keys.some((k) => k.kid === kid)) {
          await jwtVerify(token, createLocalJWKSet(jwks));
          verified++;
        } else {
          expect(states.get(kid!)).toBe('retired');
        }
      }
      return verified;
    };
    // At the moment of minting, the signing key is the primary, which is always published.
    expect(await check(await Promise.all(inProcess))).toBe(30);
    await check(await Promise.all(overHttp));

    // After the dust settles: one primary, one next, at most one previous; exactly those are published.
    const final = (await send('GET', '/_admin/tenants/contoso/keys')).json.keys as { kid: string; state: string; published: boolean }[];
    expect(final.filter((k) => k.state === 'primary')).toHaveLength(1);
    expect(final.filter((k) => k.state === 'next')).toHaveLength(1);
    expect(final.filter((k) => k.state === 'previous').length).toBeLessThanOrEqual(1);
    expect(final.filter((k) => k.state === 'retired').length).toBeGreaterThanOrEqual(5);
    const jwks = (await send('GET', `/${tenantId}/discovery/v2.0/keys`)).json as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(final.filter((k) => k.published).map((k) => k.kid).sort());
    const fresh = await send('POST', '/_admin/tenants/contoso/tokens', '{"variant":"valid"}', JSON_TYPE);
    await jwtVerify(fresh.json.token, createLocalJWKSet(jwks));
  });
});
