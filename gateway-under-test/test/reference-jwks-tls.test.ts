import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { GatewayConfigError, parseGatewayConfig } from '../reference/config.ts';
import { createGatewayRuntime, type GatewayRuntime } from '../reference/gateway-runtime.ts';

let idp: MockIdp;
const runtimes: GatewayRuntime[] = [];

beforeAll(async () => {
  idp = await createMockIdp({ port: 0, tls: true });
});
afterAll(async () => {
  for (const r of runtimes) r.stop();
  await idp?.close();
});

function runtime(jwks: Record<string, unknown> = {}): GatewayRuntime {
  const t = idp.tenant('contoso');
  const rt = createGatewayRuntime(
    parseGatewayConfig({
      issuers: [{ issuer: t.issuer, discoveryUrl: t.discoveryUrl }],
      audiences: ['api://x'],
      routes: [{ path: '/x' }],
      upstream: { url: 'http://127.0.0.1:9' },
      jwks: { timeoutMs: 2000, ...jwks },
    }),
  );
  runtimes.push(rt);
  return rt;
}

describe('key fetches over TLS (RFC 9110 §4.3.4)', () => {
  it('trusts a private IdP CA given as jwks.caFile, and nothing without it', async () => {
    const trusting = runtime({ caFile: idp.caPath });
    await trusting.start();
    expect(trusting.jwksCaches()[0].hasKeys()).toBe(true);

    const plain = runtime();
    await plain.start();
    expect(plain.jwksCaches()[0].hasKeys()).toBe(false);
    expect(plain.jwksCaches()[0].lastError).toMatch(/certificate/i);
  });

  it('refuses keys from a self-signed or wrong-host certificate even when it trusts the IdP CA', async () => {
    const rt = runtime({ caFile: idp.caPath });
    await rt.start();
    const cache = rt.jwksCaches()[0];
    const contoso = idp.runtime('contoso').tenant;
    try {
      idp.control.faults.set(contoso, 'discovery', { kind: 'rewrite', jwksTls: 'wrong-host' });
      expect(await cache.refresh()).toBe(false);
      expect(cache.lastError).toMatch(/altnames|hostname/i);
      idp.control.faults.set(contoso, 'discovery', { kind: 'rewrite', jwksTls: 'self-signed' });
      expect(await cache.refresh()).toBe(false);
      expect(cache.lastError).toMatch(/self[- ]signed/i);
    } finally {
      idp.control.faults.clear(contoso.id);
    }
  });

  it('names jwks.caFile when the file cannot be read', () => {
    expect(() => runtime({ caFile: '/nonexistent/ca.pem' })).toThrow(GatewayConfigError);
    expect(() => runtime({ caFile: '/nonexistent/ca.pem' })).toThrow(/jwks\.caFile/);
  });
});
