import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AdapterInput } from '../adapters/gateway-adapter.ts';
import { apimSelfHostedPolicy } from '../containers/apim-self-hosted-config.ts';
import { apimProfile, envoyProfile, kongProfile } from '../containers/container-adapters.ts';
import { envoyConfig } from '../containers/envoy-config.ts';
import { kongConfig } from '../containers/kong-config.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const ISSUER = 'https://127.0.0.1:9443/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/v2.0';
const input: AdapterInput = {
  upstream: 'http://127.0.0.1:9480',
  issuer: ISSUER,
  audience: '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b',
  jwksUri: 'https://127.0.0.1:9443/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/discovery/v2.0/keys',
  caFile: '/dev/null',
  // Test-only placeholder: the generator copies it verbatim; no real key is needed for a golden file.
  publicKeyPems: ['-----BEGIN PUBLIC KEY-----\nTEST-ONLY-NOT-A-KEY\n-----END PUBLIC KEY-----\n'],
};

/** Compares with the checked-in file; GATECHECK_UPDATE_GOLDEN=1 rewrites it after a deliberate change. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.GATECHECK_UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('container target configurations (golden)', () => {
  it('Envoy: jwt_authn with issuer, audience, require_expiration, the remote JWKS over TLS, RBAC per route', () => {
    const text = envoyConfig({ profile: envoyProfile(input), port: 10000, upstream: { host: '127.0.0.1', port: 9480 }, jwks: { host: '127.0.0.1', port: 9443, path: '/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/discovery/v2.0/keys', tls: true } });
    golden('envoy.yaml', text);
    const filters = parse(text).static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters;
    const provider = filters[0].typed_config.providers.idp;
    expect(provider).toMatchObject({ issuer: ISSUER, audiences: [input.audience], require_expiration: true, forward: true });
    // The anonymous route has no `requires`: jwt_authn lets it through, RBAC allows anyone there.
    expect(filters[0].typed_config.rules[0]).toEqual({ match: { path: '/health' } });
    expect(filters.map((f: { name: string }) => f.name)).toEqual(['envoy.filters.http.jwt_authn', 'envoy.filters.http.rbac', 'envoy.filters.http.router']);
  });

  it('Kong: DB-less jwt plugin on protected routes only, exp and nbf verified, header-only extraction, issuer as credential key', () => {
    const text = kongConfig({ profile: kongProfile(input), upstream: { host: '127.0.0.1', port: 9480 }, publicKeyPem: input.publicKeyPems[0] });
    golden('kong.yaml', text);
    const config = parse(text);
    const routes = config.services[0].routes;
    expect(routes[0].plugins).toBeUndefined();
    expect(routes[1].plugins[0].config).toMatchObject({ claims_to_verify: ['exp', 'nbf'], uri_param_names: [], key_claim_name: 'iss' });
    expect(config.consumers[0].jwt_secrets[0]).toMatchObject({ key: ISSUER, algorithm: 'RS256' });
  });

  it('Kong declares no audience or role check, so no case expects one', () => {
    const profile = kongProfile(input);
    expect(profile.token.checkAudience).toBe(false);
    expect(profile.routes.every((r) => r.require === undefined)).toBe(true);
  });

  it('APIM self-hosted: validate-jwt with openid-config, audience, issuer, required roles, escaped', () => {
    golden('apim-self-hosted-policy.xml', apimSelfHostedPolicy(apimProfile(input), `${ISSUER}/.well-known/openid-configuration`));
    const hostile = apimSelfHostedPolicy({ ...apimProfile(input), audiences: ['a"/><inject/>'] }, 'https://x/?a=1&b=2');
    expect(hostile).toContain('<audience>a&quot;/&gt;&lt;inject/&gt;</audience>');
    expect(hostile).toContain('url="https://x/?a=1&amp;b=2"');
  });
});
