import { get } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';

let idp: MockIdp;
let contoso: TenantRuntime;
let paths: { discovery: string; jwks: string; token: string };

beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
  contoso = idp.runtime('contoso');
  const id = contoso.tenant.id;
  paths = { discovery: `/${id}/v2.0/.well-known/openid-configuration`, jwks: `/${id}/discovery/v2.0/keys`, token: `/${id}/oauth2/v2.0/token` };
});
afterAll(async () => {
  await idp?.close();
});
afterEach(async () => {
  await call('DELETE', `/_admin/tenants/contoso/faults`);
  await call('DELETE', '/_admin/requests');
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${idp.url}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, json: await res.json() };
}

const idpGet = (path: string, init?: RequestInit) => fetch(`${idp.url}${path}`, init);

describe('faults, observed with a plain HTTP client', () => {
  test('down answers 503 with an Entra error body', async () => {
    expect((await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'down' })).status).toBe(200);
    const res = await idpGet(paths.jwks);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90033] });
  });

  test('garbage answers 200 with HTML', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/discovery', { kind: 'garbage' });
    const res = await idpGet(paths.discovery);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(res.clone().json()).rejects.toThrow();
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });

  test('malformed-json answers 200 application/json that does not parse', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/token', { kind: 'malformed-json' });
    const res = await idpGet(paths.token, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  test('empty-keys serves a JWKS with no keys', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'empty-keys' });
    expect(await (await idpGet(paths.jwks)).json()).toEqual({ keys: [] });
  });

  test('wrong-key serves the published kids with other key material, so genuine tokens fail', async () => {
    const { json: minted } = await call('POST', '/_admin/tenants/contoso/tokens', { variant: 'valid' });
    const good = (await (await idpGet(paths.jwks)).json()) as JSONWebKeySet;
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'wrong-key' });
    const wrong = (await (await idpGet(paths.jwks)).json()) as JSONWebKeySet;
    expect(wrong.keys.map((k) => k.kid)).toEqual(good.keys.map((k) => k.kid));
    expect(wrong.keys[0].n).not.toBe(good.keys[0].n);
    expect(JSON.stringify(wrong)).not.toMatch(/"d":/);
    await expect(jwtVerify(minted.token, createLocalJWKSet(good))).resolves.toBeTruthy();
    await expect(jwtVerify(minted.token, createLocalJWKSet(wrong))).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('slow delays the normal answer by delayMs', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'slow', delayMs: 400 });
    const started = performance.now();
    const res = await idpGet(paths.jwks);
    expect(res.status).toBe(200);
    expect(((await res.json()) as JSONWebKeySet).keys.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  test('timeout never answers; the client gives up and the held socket is released', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/discovery', { kind: 'timeout' });
    await expect(idpGet(paths.discovery, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    await expect.poll(() => idp.control.heldCount).toBe(0);
  });

  test('forSeconds lets a fault clear itself', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'down', forSeconds: 0.3 });
    expect((await idpGet(paths.jwks)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect((await idpGet(paths.jwks)).status).toBe(200);
  });

  test('GET /_admin/faults lists active faults and DELETE clears one', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'down', forSeconds: 60 });
    await call('PUT', '/_admin/tenants/fabrikam/faults/token', { kind: 'garbage' });
    const { json } = await call('GET', '/_admin/faults');
    expect(json.faults).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tenant: 'contoso', endpoint: 'jwks', kind: 'down', until: expect.any(String) }),
        expect.objectContaining({ tenant: 'fabrikam', endpoint: 'token', kind: 'garbage' }),
      ]),
    );
    expect((await call('DELETE', '/_admin/tenants/fabrikam/faults/token')).json.cleared).toBe(1);
    expect((await call('GET', '/_admin/faults')).json.faults).toHaveLength(1);
    expect((await idpGet(paths.jwks)).status).toBe(503);
    expect((await call('DELETE', '/_admin/tenants/contoso/faults/jwks')).json.cleared).toBe(1);
    expect((await idpGet(paths.jwks)).status).toBe(200);
  });
});

describe('request log', () => {
  test('counts discovery, JWKS and token requests exactly, per tenant and endpoint', async () => {
    for (let i = 0; i < 3; i++) await (await idpGet(paths.jwks)).arrayBuffer();
    for (let i = 0; i < 2; i++) await (await idpGet(paths.discovery)).arrayBuffer();
    await (await idpGet(paths.token, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) })).arrayBuffer();
    await (await idpGet(`/${idp.runtime('fabrikam').tenant.id}/discovery/v2.0/keys`)).arrayBuffer();

    const all = await call('GET', '/_admin/requests?tenant=contoso');
    expect(all.json.counts).toEqual({ discovery: 2, jwks: 3, token: 1, attacker: 0 });
    expect(all.json.count).toBe(6);
    const jwks = await call('GET', '/_admin/requests?tenant=contoso&endpoint=jwks');
    expect(jwks.json.count).toBe(3);
    expect(jwks.json.requests[0]).toMatchObject({ tenant: 'contoso', endpoint: 'jwks', method: 'GET', path: paths.jwks });
    expect(Date.parse(jwks.json.requests[0].at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await call('GET', '/_admin/requests')).json.count).toBe(7);

    expect((await call('DELETE', '/_admin/requests')).json.cleared).toBe(7);
    expect((await call('GET', '/_admin/requests')).json.count).toBe(0);
  });

  test('requests answered by a fault are still counted', async () => {
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'down' });
    await (await idpGet(paths.jwks)).arrayBuffer();
    await (await idpGet(paths.jwks)).arrayBuffer();
    expect((await call('GET', '/_admin/requests?endpoint=jwks')).json.count).toBe(2);
  });
});

describe('control API validation', () => {
  test.each([
    ['PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'melt' }, 'kind'],
    ['PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'slow' }, 'delayMs'],
    ['PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'down', extra: 1 }, 'extra'],
    ['PUT', '/_admin/tenants/contoso/faults/token', { kind: 'empty-keys' }, 'kind'],
    ['PUT', '/_admin/tenants/contoso/faults/userinfo', { kind: 'down' }, 'endpoint'],
    ['PUT', '/_admin/tenants/contoso/clock', { offsetSeconds: 'soon' }, 'offsetSeconds'],
    ['POST', '/_admin/tenants/contoso/tokens', { claims: { exp: { in: 'later' } } }, 'claims.exp.in'],
    ['POST', '/_admin/tenants/contoso/tokens', { variant: 'no-such-variant' }, 'variant'],
    ['POST', '/_admin/tenants/contoso/keys', { state: 'published' }, 'state'],
    ['GET', '/_admin/requests?endpoint=userinfo', undefined, 'query.endpoint'],
  ])('%s %s with a bad value answers 400 naming %s', async (method, path, body, field) => {
    const { status, json } = await call(method, path, body);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: 'invalid_request', field });
  });

  test('a path with broken percent-encoding answers 400, not 500', async () => {
    expect(await call('GET', '/_admin/tenants/%E0%A4%A/keys')).toMatchObject({ status: 400, json: { field: 'path' } });
  });

  test('a body that is not JSON answers 400', async () => {
    expect((await call('PUT', '/_admin/tenants/contoso/clock', '{nope')).status).toBe(400);
  });

  test('an unknown tenant answers 404 in Entra error shape', async () => {
    const { status, json } = await call('PUT', '/_admin/tenants/nowhere/clock', { offsetSeconds: 1 });
    expect(status).toBe(404);
    expect(json).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    expect(json.error_description).toMatch(/^AADSTS90002: Tenant 'nowhere' not found/);
  });

  test('bodies over 1 MiB answer 413', async () => {
    const { status } = await call('POST', '/_admin/tenants/contoso/tokens', { rawPayload: 'x'.repeat(1024 * 1024 + 1) });
    expect(status).toBe(413);
  });
});

describe('clock and tokens', () => {
  test('PUT clock shifts the times in minted tokens', async () => {
    try {
      expect((await call('PUT', '/_admin/tenants/contoso/clock', { offsetSeconds: -7200 })).json.offsetSeconds).toBe(-7200);
      const { json } = await call('POST', '/_admin/tenants/contoso/tokens', {});
      expect(Math.abs(json.claims.iat - (Math.floor(Date.now() / 1000) - 7200))).toBeLessThanOrEqual(2);
    } finally {
      await call('PUT', '/_admin/tenants/contoso/clock', { offsetSeconds: 0 });
    }
  });

  test('POST tokens mints a recipe or a named variant and returns token, header and claims', async () => {
    const recipe = await call('POST', '/_admin/tenants/contoso/tokens', { claims: { aud: 'api://other' } });
    expect(recipe.status).toBe(200);
    expect(recipe.json).toMatchObject({ header: { alg: 'RS256' }, claims: { aud: 'api://other' }, recipe: { tenant: 'contoso' } });
    const variant = await call('POST', '/_admin/tenants/fabrikam/tokens', { variant: 'alg-none' });
    expect(variant.json.token).toMatch(/^[\w-]+\.[\w-]+\.$/);
    expect(variant.json).toMatchObject({ header: { alg: 'none' }, variant: { name: 'alg-none', expect: 'reject' }, claims: { tid: idp.runtime('fabrikam').tenant.id } });
  });
});

describe('key lifecycle', () => {
  const jwksKids = async () => ((await (await idpGet(paths.jwks)).json()) as JSONWebKeySet).keys.map((k) => k.kid);

  test('rotation: the new kid is published before any token carries it; old tokens verify during the overlap and fail after', async () => {
    const before = (await call('GET', '/_admin/tenants/contoso/keys')).json.keys as { kid: string; state: string }[];
    const next = before.find((k) => k.state === 'next')!;
    expect(await jwksKids()).toContain(next.kid);

    const old = (await call('POST', '/_admin/tenants/contoso/tokens', {})).json;
    expect(old.header.kid).not.toBe(next.kid);

    const rotated = await call('POST', '/_admin/tenants/contoso/keys/rotate', { overlapSeconds: 0.5 });
    expect(rotated.json.primary.kid).toBe(next.kid);
    expect(rotated.json.previous).toMatchObject({ kid: old.header.kid, state: 'previous', retiresAt: expect.any(String) });
    const fresh = (await call('POST', '/_admin/tenants/contoso/tokens', {})).json;
    expect(fresh.header.kid).toBe(next.kid);

    const verifyNow = async (token: string) => jwtVerify(token, createLocalJWKSet((await (await idpGet(paths.jwks)).json()) as JSONWebKeySet));
    await expect(verifyNow(old.token)).resolves.toBeTruthy();
    await expect(verifyNow(fresh.token)).resolves.toBeTruthy();
    expect(await jwksKids()).toContain(rotated.json.next.kid);

    await expect.poll(async () => (await jwksKids()).includes(old.header.kid), { timeout: 3000 }).toBe(false);
    await expect(verifyNow(old.token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verifyNow(fresh.token)).resolves.toBeTruthy();
    const listed = (await call('GET', '/_admin/tenants/contoso/keys')).json.keys;
    expect(listed.find((k: { kid: string }) => k.kid === old.header.kid)).toMatchObject({ state: 'retired', published: false });
  });

  test('keys can be added, moved between states and removed; listings never carry private material', async () => {
    const added = await call('POST', '/_admin/tenants/contoso/keys', { state: 'previous' });
    expect(added.status).toBe(201);
    const kid = added.json.key.kid;
    expect(await jwksKids()).toContain(kid);
    expect((await call('PUT', `/_admin/tenants/contoso/keys/${kid}`, { state: 'retired' })).json.key.state).toBe('retired');
    expect(await jwksKids()).not.toContain(kid);
    expect((await call('DELETE', `/_admin/tenants/contoso/keys/${kid}`)).json).toEqual({ removed: kid });
    expect((await call('DELETE', `/_admin/tenants/contoso/keys/${kid}`)).status).toBe(404);
    const primary = contoso.keys.primary().kid;
    expect((await call('DELETE', `/_admin/tenants/contoso/keys/${primary}`)).status).toBe(409);
    const listing = await fetch(`${idp.url}/_admin/tenants/contoso/keys`).then((r) => r.text());
    expect(listing).not.toMatch(/PRIVATE|"d":|"n":/);
    expect(JSON.parse(listing).keys[0]).toEqual({ kid: expect.any(String), state: expect.any(String), published: expect.any(Boolean), modulusLength: 2048, createdAt: expect.any(String) });
  });
});

describe('checkpoints: a run leaves the tenant as it found it', () => {
  type Listed = { kid: string; state: string };
  const jwks = async () => (await (await idpGet(paths.jwks)).json()) as JSONWebKeySet;
  const keyStates = async () => ((await call('GET', '/_admin/tenants/contoso/keys')).json.keys as Listed[]).map(({ kid, state }) => ({ kid, state }));
  afterEach(async () => {
    await call('PUT', '/_admin/tenants/contoso/clock', { offsetSeconds: 0 });
  });

  test('GET /_admin/tenants lists every tenant with its issuer and JWKS URL (how a client recognises a gatecheck mock)', async () => {
    const { status, json } = await call('GET', '/_admin/tenants');
    expect(status).toBe(200);
    expect(json.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(['contoso', 'fabrikam']);
    expect(json.tenants[0]).toEqual({ tenant: 'contoso', tenantId: contoso.tenant.id, domain: 'contoso.example', issuer: contoso.issuers.v2, jwksUri: contoso.urls.jwksV2 });
    expect((await call('POST', '/_admin/tenants', {})).status).toBe(405);
  });

  test('restore puts back the keys (same kids, order, states), the clock offset and the faults after rotations, added keys and new faults', async () => {
    await call('PUT', '/_admin/tenants/contoso/clock', { offsetSeconds: 120 });
    await call('PUT', '/_admin/tenants/contoso/faults/token', { kind: 'slow', delayMs: 1 });
    const jwksBefore = await jwks();
    const keysBefore = await keyStates();
    const primaryBefore = contoso.keys.primary().kid;

    const taken = await fetch(`${idp.url}/_admin/tenants/contoso/checkpoints`, { method: 'POST' });
    expect(taken.status).toBe(201);
    const text = await taken.text();
    expect(text).not.toMatch(/PRIVATE|"d":|"n":|"p":/);
    const checkpoint = JSON.parse(text);
    expect(checkpoint).toMatchObject({ tenant: 'contoso', tenantId: contoso.tenant.id, keys: keysBefore, offsetSeconds: 120, faults: ['token'] });

    await call('POST', '/_admin/tenants/contoso/keys/rotate', {});
    await call('POST', '/_admin/tenants/contoso/keys/rotate', {});
    expect((await call('POST', '/_admin/tenants/contoso/keys', { state: 'next', kid: 'added-during-run', modulusLength: 1024 })).status).toBe(201);
    await call('PUT', '/_admin/tenants/contoso/clock', { offsetSeconds: -3600 });
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'empty-keys' });
    await call('DELETE', '/_admin/tenants/contoso/faults/token');
    await call('DELETE', '/_admin/tenants/contoso/faults/jwks');
    expect((await jwks()).keys.map((k) => k.kid)).not.toEqual(jwksBefore.keys.map((k) => k.kid));
    await call('PUT', '/_admin/tenants/contoso/faults/jwks', { kind: 'empty-keys' });

    const restored = await call('POST', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}/restore`);
    expect(restored.status).toBe(200);
    expect(JSON.stringify(restored.json)).not.toMatch(/PRIVATE|"d":|"n":/);
    expect(restored.json.keys.map(({ kid, state }: Listed) => ({ kid, state }))).toEqual(keysBefore);
    expect(await jwks()).toEqual(jwksBefore);
    expect(await keyStates()).toEqual(keysBefore);
    expect((await call('GET', '/_admin/tenants/contoso/clock')).json.offsetSeconds).toBe(120);
    expect((await call('GET', '/_admin/faults')).json.faults.map((f: { tenant: string; endpoint: string; kind: string }) => `${f.tenant} ${f.endpoint} ${f.kind}`)).toEqual(['contoso token slow']);

    // The restored primary signs again, and the JWKS verifies what it signs (its times carry the restored +120 s offset).
    const minted = (await call('POST', '/_admin/tenants/contoso/tokens', {})).json;
    expect(minted.header.kid).toBe(primaryBefore);
    await expect(jwtVerify(minted.token, createLocalJWKSet(jwksBefore), { clockTolerance: 600 })).resolves.toBeTruthy();

    // A checkpoint can be restored again until it is released.
    await call('POST', '/_admin/tenants/contoso/keys/rotate', {});
    expect((await call('POST', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}/restore`, {})).status).toBe(200);
    expect(await jwks()).toEqual(jwksBefore);
    expect((await call('DELETE', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}`)).json).toEqual({ released: checkpoint.checkpoint });
    expect((await call('POST', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}/restore`)).status).toBe(404);
    expect((await call('DELETE', `/_admin/tenants/contoso/checkpoints/${checkpoint.checkpoint}`)).status).toBe(404);
  });

  test("one tenant's checkpoint is not another's, an unknown id answers 404, and a body with fields is refused", async () => {
    const { json } = await call('POST', '/_admin/tenants/contoso/checkpoints', {});
    const other = await call('POST', `/_admin/tenants/fabrikam/checkpoints/${json.checkpoint}/restore`, {});
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ error: 'not_found', field: 'checkpoint' });
    expect(other.json.error_description).toMatch(/^tenant fabrikam has no checkpoint /);
    expect((await call('POST', '/_admin/tenants/contoso/checkpoints/nope/restore', {})).status).toBe(404);
    expect((await call('POST', '/_admin/tenants/contoso/checkpoints', { keys: 'all' })).json).toMatchObject({ error: 'invalid_request', field: 'keys' });
    expect((await call('GET', '/_admin/tenants/contoso/checkpoints')).status).toBe(405);
    await call('DELETE', `/_admin/tenants/contoso/checkpoints/${json.checkpoint}`);
  });

  test('a rotation overlap timer set before a restore does not retire the key the restore put back as previous', async () => {
    await call('POST', '/_admin/tenants/contoso/keys/rotate', {});
    const [a, b] = [contoso.keys.byState('previous')!.kid, contoso.keys.primary().kid];
    const { json } = await call('POST', '/_admin/tenants/contoso/checkpoints', {});
    // Make a (previous at the checkpoint) the primary again, then rotate it out with a short overlap.
    await call('PUT', `/_admin/tenants/contoso/keys/${b}`, { state: 'retired' });
    await call('PUT', `/_admin/tenants/contoso/keys/${a}`, { state: 'primary' });
    const rotated = await call('POST', '/_admin/tenants/contoso/keys/rotate', { overlapSeconds: 0.2 });
    expect(rotated.json.previous).toMatchObject({ kid: a, retiresAt: expect.any(String) });
    await call('POST', `/_admin/tenants/contoso/checkpoints/${json.checkpoint}/restore`, {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(contoso.keys.find(a)?.state).toBe('previous');
    expect((await jwks()).keys.map((k) => k.kid)).toContain(a);
    await call('DELETE', `/_admin/tenants/contoso/checkpoints/${json.checkpoint}`);
  });
});

test('closing the mock ends responses held by the timeout fault instead of hanging', async () => {
  const own = await createMockIdp({ port: 0 });
  const jwks = `${own.url}/${own.runtime('contoso').tenant.id}/discovery/v2.0/keys`;
  own.control.faults.set(own.runtime('contoso').tenant, 'jwks', { kind: 'timeout' });
  const outcome = new Promise<string>((resolve) => {
    get(jwks, (res) => resolve(`answered ${res.statusCode}`)).on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
  });
  await expect.poll(() => own.control.heldCount).toBe(1);
  const started = performance.now();
  await own.close();
  expect(performance.now() - started).toBeLessThan(2000);
  expect(await outcome).toBe('error ECONNRESET');
});
