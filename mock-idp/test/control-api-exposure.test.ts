import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMockIdp, type MockIdp } from '../index.ts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** node:http, because fetch will not send a Host header of the caller's choosing. */
function post(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(path, idp.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the control API and workbench refuse web pages on the same machine (loopback mode)', () => {
  test('a POST from a foreign origin (a page the browser is showing) is refused and changes nothing', async () => {
    const before = idp.keys('contoso').primary().kid;
    const r = await post('/_admin/tenants/contoso/keys/rotate', { origin: 'https://attacker.example' });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/attacker\.example may not use the control API/);
    expect(idp.keys('contoso').primary().kid).toBe(before);
  });

  test('a request whose Host is not the mock (DNS rebinding) is refused', async () => {
    const r = await post('/_admin/tenants/contoso/keys/rotate', { host: 'rebound.attacker.example:80' });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/own host only/);
  });

  test('tools without Origin, and the workbench on the mock\'s own origin, are served', async () => {
    const before = idp.keys('contoso').primary().kid;
    expect((await post('/_admin/tenants/contoso/keys/rotate', {})).status).toBe(200);
    expect((await post('/_admin/tenants/contoso/keys/rotate', { origin: idp.url })).status).toBe(200);
    expect(idp.keys('contoso').primary().kid).not.toBe(before);
  });
});
