import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(async () => {
  await idp?.close();
});

const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${idp.url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

describe('GET /_ui', () => {
  test('serves one self-contained page whose CSP allows exactly its own style and script and this origin', async () => {
    const res = await fetch(`${idp.url}/_ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const page = await res.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src '${sha256(style)}'; script-src '${sha256(script)}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toMatch(/<link(?! rel="icon" href="data:,")|src=|https?:\/\/(?!www\.w3)/);
    // Text only: the script never parses data as markup.
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  test('is guarded like /_admin: with an admin token configured, no bearer means 401', async () => {
    const guarded = await createMockIdp({ port: 0, adminToken: 'a-long-admin-token-for-tests' });
    try {
      const denied = await fetch(`${guarded.url}/_ui`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="gatecheck-admin"');
      expect((await fetch(`${guarded.url}/_ui/api/tenants`)).status).toBe(401);
      const allowed = await fetch(`${guarded.url}/_ui`, { headers: { authorization: 'Bearer a-long-admin-token-for-tests' } });
      expect(allowed.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  test('answers 405 to other methods and 404 to unknown workbench paths', async () => {
    expect((await post('/_ui', '{}')).status).toBe(405);
    expect((await fetch(`${idp.url}/_ui/nothing`)).status).toBe(404);
  });
});

describe('GET /_ui/api/tenants', () => {
  test('lists tenants, APIs, clients, users and key states, never a private key or a client secret', async () => {
    const res = await fetch(`${idp.url}/_ui/api/tenants`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/PRIVATE KEY|"d":|"p":|"q":|demo-secret-not-for-production/);
    const body = JSON.parse(text);
    expect(body.tenants.map((t: { name: string }) => t.name)).toEqual(idp.tenants.map((t) => t.name));
    const contoso = body.tenants[0];
    expect(contoso.keys).toEqual(idp.keys('contoso').list().map((k) => ({ kid: k.kid, state: k.state, published: true, createdAt: k.createdAt.toISOString() })));
    expect(contoso.clients.find((c: { name: string }) => c.name === 'orders-daemon')).toMatchObject({ credential: 'secret' });
    expect(contoso.clients.find((c: { name: string }) => c.name === 'orders-web')).toMatchObject({ credential: 'public' });
    expect(body.faultKinds).toContain('down');
  });
});

describe('POST /_ui/api/explain', () => {
  test('explains a token for the named tenant', async () => {
    const { token } = await idp.mint({ tenant: 'contoso', key: 'none' });
    const res = await post('/_ui/api/explain', JSON.stringify({ token, tenant: 'contoso' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { verdict: unknown; header: unknown };
    expect(body.verdict).toMatchObject({ outcome: 'reject', reason: 'alg_not_allowed' });
    expect(body.header).toEqual({ typ: 'JWT', alg: 'none', kid: idp.keys('contoso').primary().kid });
  });

  test('refuses a non-JSON content type (a cross-site form post cannot reach it without a preflight)', async () => {
    const res = await post('/_ui/api/explain', JSON.stringify({ token: 'a.b.c' }), 'text/plain');
    expect(res.status).toBe(415);
  });

  test('names bad bodies, unknown tenants and oversized uploads', async () => {
    expect((await post('/_ui/api/explain', '{"token": 1}')).status).toBe(400);
    expect((await post('/_ui/api/explain', 'not json')).status).toBe(400);
    expect((await post('/_ui/api/explain', JSON.stringify({ token: 'a.b.c', tenant: 'nowhere' }))).status).toBe(404);
    expect((await post('/_ui/api/explain', JSON.stringify({ token: 'x'.repeat(1024 * 1024 + 1) }))).status).toBe(413);
  });
});
